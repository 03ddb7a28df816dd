import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  HISTORY_COLUMNS,
  IDENTITY_COLUMNS,
} from '../../mappings/canonical';
import { CLICKHOUSE_DIALECT, boundParameters } from '../../shared/adapters/analytics/clickHouseEngine';
import { clickHouseSchemaStatements, idColumnOf } from '../../shared/adapters/analytics/clickHouseSchema';
import { lakeTableFunction } from '../../services/analytics-loader/loadTable';
import { parseClickHouseEnvironment } from '../../shared/config/clickHouseEnvironment';

describe('ClickHouse schema from the canonical model', () => {
  const statements = clickHouseSchemaStatements();
  const ddlOf = (start: string) => statements.find((statement) => statement.startsWith(start))!;

  it.each(CANONICAL_TABLE_NAMES)(
    'given %s, then its table holds every model column, the tenant leads the key, and both views take the tenant',
    (table) => {
      const create = ddlOf(`CREATE TABLE IF NOT EXISTS avesa.${table}_loaded`);
      for (const column of [...IDENTITY_COLUMNS, ...CANONICAL_TABLES[table].columns, ...HISTORY_COLUMNS])
        expect(create).toContain(`\`${column.name}\` `);
      expect(create).toContain('ENGINE = ReplacingMergeTree(_loaded_at)');
      expect(create).toContain(
        `ORDER BY (\`tenant_id\`, \`source\`, \`${idColumnOf(table)}\`, \`source_id\`, \`valid_from\`)`,
      );
      expect(ddlOf(`ALTER TABLE avesa.${table}_loaded`)).toContain('ADD COLUMN IF NOT EXISTS');
      for (const view of [`avesa.${table}_history`, `avesa.${table}`]) {
        const definition = ddlOf(`CREATE OR REPLACE VIEW ${view} AS`);
        expect(definition).toContain('FINAL WHERE tenant_id = {tenant_id:String}');
        expect(definition).not.toContain('_loaded_at');
      }
      expect(ddlOf(`CREATE OR REPLACE VIEW avesa.${table} AS`)).toMatch(/AND is_current$/);
    },
  );

  it('given another database, then every statement names it, and a name that is not an identifier is refused', () => {
    const named = clickHouseSchemaStatements({ database: 'analytics_test' });
    expect(named.every((statement) => statement.includes('analytics_test'))).toBe(true);
    expect(named.some((statement) => statement.includes(' avesa.'))).toBe(false);
    expect(() => clickHouseSchemaStatements({ database: 'avesa; DROP TABLE x' })).toThrow(
      /not an identifier/,
    );
  });

  it('given the dialect, then relations bind the tenant parameter and timestamps are typed', () => {
    expect(CLICKHOUSE_DIALECT.relation('tickets_history')).toBe(
      'avesa.tickets_history(tenant_id = {tenant_id:String})',
    );
    expect(CLICKHOUSE_DIALECT.param('from', 'timestamp')).toBe("{from:DateTime64(6, 'UTC')}");
    expect(
      boundParameters(
        {
          sql: "WHERE a >= {from:DateTime64(6, 'UTC')} AND b = {s:String}",
          params: { from: '2025-01-01T10:20:30.456Z', s: '2025-01-01T00:00:00.000Z' },
          columns: {},
        },
        'acme',
      ),
    ).toEqual({ from: '2025-01-01 10:20:30.456000', s: '2025-01-01T00:00:00.000Z', tenant_id: 'acme' });
  });
});

describe('where ClickHouse reads the lake', () => {
  it('given each kind of location, then the table function names the object and quotes every literal', () => {
    expect(
      lakeTableFunction(
        { kind: 's3', url: 'https://b.s3.us-east-1.amazonaws.com/' },
        'a/canonical/t/s/history.parquet',
        'x String',
      ),
    ).toBe(
      "s3('https://b.s3.us-east-1.amazonaws.com/a/canonical/t/s/history.parquet', 'Parquet', 'x String')",
    );
    expect(
      lakeTableFunction(
        { kind: 's3', url: 'http://h/b', accessKeyId: "k'1", secretAccessKey: 's\\2' },
        'k',
        'x String',
      ),
    ).toBe("s3('http://h/b/k', 'k\\'1', 's\\\\2', 'Parquet', 'x String')");
    expect(lakeTableFunction({ kind: 'named-collection', name: 'avesa_lake' }, 'k', 'x String')).toBe(
      "s3(avesa_lake, filename = 'k', format = 'Parquet', structure = 'x String')",
    );
    expect(() => lakeTableFunction({ kind: 'named-collection', name: 'lake; DROP' }, 'k', 'x')).toThrow();
    expect(lakeTableFunction({ kind: 'file', directory: '/lake/' }, 'k', 'x String')).toBe(
      "file('/lake/k', 'Parquet', 'x String')",
    );
  });

  it('given the Lambda environment, then the ClickHouse settings, and no ClickHouse when the URL is empty', () => {
    const base = {
      CLICKHOUSE_SECRET_ID: 'avesa/prod/clickhouse',
      LAKE_BUCKET: 'lake-bucket',
      AWS_REGION: 'eu-west-1',
    };
    expect(parseClickHouseEnvironment({ ...base, CLICKHOUSE_URL: '' })).toMatchObject({ url: undefined });
    expect(
      parseClickHouseEnvironment({
        ...base,
        CLICKHOUSE_URL: 'https://ch.example.com:8443',
        CLICKHOUSE_LAKE_COLLECTION: 'avesa_lake',
      }),
    ).toEqual({
      url: 'https://ch.example.com:8443',
      username: 'avesa_loader',
      database: 'avesa',
      secretId: 'avesa/prod/clickhouse',
      lakeUrl: 'https://lake-bucket.s3.eu-west-1.amazonaws.com/',
      lakeCollection: 'avesa_lake',
    });
    expect(() => parseClickHouseEnvironment({ ...base, CLICKHOUSE_DATABASE: 'a-b' })).toThrow(
      /CLICKHOUSE_DATABASE/,
    );
  });
});
