import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CanonicalEncodingError,
  encodeCanonicalVersions,
  encodeQuarantine,
} from '../../shared/lake/canonicalParquet';
import { at, columnTypes, query, ticketVersion, withTempDir } from './lakeFixtures';

describe('canonical versions files', () => {
  const customFields = JSON.stringify([{ id: 7, caption: 'Région', value: 'Zürich 🚀' }]);
  const full = ticketVersion('101', at(10), {
    summary: 'Drucker kaputt — 打印机 🖨️',
    status: 'New',
    company_id: '250',
    actual_hours: 1.25,
    closed: false,
    date_entered: new Date('2024-12-31T23:59:59.123Z'),
    custom_fields: customFields,
  });
  const sparse = ticketVersion('102', at(20));

  it('given a full and a sparse ticket version, when written and read by DuckDB, then every column has its canonical type', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'versions.parquet');
      await writeFile(file, encodeCanonicalVersions('tickets', [full, sparse]));

      const types = await columnTypes(file);

      expect(types).toMatchObject({
        tenant_id: 'VARCHAR',
        source: 'VARCHAR',
        source_id: 'VARCHAR',
        ticket_id: 'VARCHAR',
        company_id: 'VARCHAR',
        actual_hours: 'DOUBLE',
        closed: 'BOOLEAN',
        date_entered: 'TIMESTAMP WITH TIME ZONE',
        updated_at: 'TIMESTAMP WITH TIME ZONE',
        summary: 'VARCHAR',
        custom_fields: 'VARCHAR',
        valid_from: 'TIMESTAMP WITH TIME ZONE',
        record_hash: 'VARCHAR',
      });
    });
  });

  it('given unicode, JSON text and nulls, when read back, then values, instants and nulls are preserved', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'versions.parquet');
      await writeFile(file, encodeCanonicalVersions('tickets', [full, sparse]));

      const rows = await query(
        `SELECT source_id, summary, ticket_id, company_id, actual_hours, closed,
                epoch_ms(date_entered)::DOUBLE AS date_entered, epoch_ms(valid_from)::DOUBLE AS valid_from,
                custom_fields, json_extract_string(custom_fields, '$[0].value') AS region, record_hash
         FROM read_parquet('${file}') ORDER BY source_id`,
      );

      expect(rows).toEqual([
        {
          source_id: '101',
          summary: 'Drucker kaputt — 打印机 🖨️',
          ticket_id: '101',
          company_id: '250',
          actual_hours: 1.25,
          closed: false,
          date_entered: Date.parse('2024-12-31T23:59:59.123Z'),
          valid_from: at(10).getTime(),
          custom_fields: customFields,
          region: 'Zürich 🚀',
          record_hash: full.recordHash,
        },
        {
          source_id: '102',
          summary: null,
          ticket_id: '102',
          company_id: null,
          actual_hours: null,
          closed: null,
          date_entered: null,
          valid_from: at(20).getTime(),
          custom_fields: null,
          region: null,
          record_hash: sparse.recordHash,
        },
      ]);
    });
  });

  it('given a value of the wrong type for its column, when encoded, then it fails naming tenant, record and column', () => {
    const broken = ticketVersion('103', at(0), { actual_hours: '2.5' });

    expect(() => encodeCanonicalVersions('tickets', [broken])).toThrow(CanonicalEncodingError);
    expect(() => encodeCanonicalVersions('tickets', [broken])).toThrow(
      /acme.*tickets 103.*actual_hours expects number/,
    );
  });
});

describe('quarantine files', () => {
  it('given rejected records with and without an id, when written, then DuckDB reads the reason, a null id and the payload as JSON', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'quarantine.parquet');
      await writeFile(
        file,
        encodeQuarantine([
          {
            tenantId: 'acme',
            source: 'connectwise',
            table: 'tickets',
            sourceId: '9',
            reason: 'missing required field "summary"',
            payload: { id: 9, summary: null, note: 'ß ✓' },
            jobId: 'job-1',
            chunkId: 'chunk-0',
          },
          {
            tenantId: 'acme',
            source: 'connectwise',
            table: 'tickets',
            sourceId: null,
            reason: 'the record is not a JSON object',
            payload: 'not an object',
            jobId: 'job-1',
            chunkId: 'chunk-0',
          },
        ]),
      );

      const types = await columnTypes(file);
      const rows = await query(
        `SELECT source_id, reason, payload::VARCHAR AS payload, payload->>'note' AS note FROM read_parquet('${file}') ORDER BY reason`,
      );

      expect(types).toMatchObject({ tenant_id: 'VARCHAR', source_id: 'VARCHAR', payload: 'JSON' });
      expect(rows).toEqual([
        {
          source_id: '9',
          reason: 'missing required field "summary"',
          payload: '{"id":9,"summary":null,"note":"ß ✓"}',
          note: 'ß ✓',
        },
        {
          source_id: null,
          reason: 'the record is not a JSON object',
          payload: '"not an object"',
          note: null,
        },
      ]);
    });
  });
});
