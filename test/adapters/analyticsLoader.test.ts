import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Context, SQSEvent } from 'aws-lambda';
import { CANONICAL_TABLES } from '../../mappings/canonical';
import { makeHandler } from '../../services/analytics-loader/handler';
import { ClickHouseLoadError, loadTable, type LakeLocation } from '../../services/analytics-loader/loadTable';
import { ClickHouseAnalyticsEngine } from '../../shared/adapters/analytics/clickHouseEngine';
import { applyClickHouseSchema } from '../../shared/adapters/analytics/clickHouseSchema';
import { ValidationError } from '../../shared/errors';
import type { TableCompactedEvent } from '../../shared/events/schemas';
import { silentLog } from '../../shared/ports';
import { FsObjectStore } from '../../local/adapters/fsObjectStore';
import { compactTable } from '../../services/transform/compactTable';
import { makeEvent } from '../../shared/events/schemas';
import { encodeCanonicalVersions, type CanonicalVersion } from '../../shared/lake/canonicalParquet';
import { canonicalVersionsKey } from '../../shared/lake/keys';
import { ManualClock, RecordingBus } from '../support/fakes';
import {
  canonicalVersion,
  sparseRow,
  tableCompacted,
  writeContractLake,
  writeHistoryFile,
  type ContractLake,
  type ContractLakeFile,
} from '../api/contractLake';
import { query as duckDbQuery } from '../transform/lakeFixtures';
import { chdbClient } from '../support/chdb';
import { startFauxqs, type Fauxqs } from './aws/support/fauxqs';

// The loader's real path: history files the project's own writers produce, in an S3 bucket (fauxqs), read by
// ClickHouse (chdb, in this process) itself through s3().
const BUCKET = 'avesa-lake';
const SECRET = 'fauxqs-secret-key-0123';
let fauxqs: Fauxqs;
let s3: S3Client;
let client: ClickHouseClient;
let lake: ContractLake;
let location: LakeLocation;

async function upload(file: { objectKey: string }, path = join(lake.lakeDir, file.objectKey)) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: file.objectKey, Body: await readFile(path) }));
}

async function scalar(sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const [row] = await (
    await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
  ).json<{ value: string | number }>();
  return Number(row!.value);
}

/** Rows stored for a tenant's source's table, duplicates and not-yet-deleted loads included (no FINAL). */
const storedRows = (tenantId: string, source: string, table = 'tickets') =>
  scalar(
    `SELECT count() AS value FROM avesa.${table}_loaded WHERE tenant_id = {tenant:String} AND source = {source:String}`,
    { tenant: tenantId, source },
  );

function sqsEvent(...events: TableCompactedEvent[]): SQSEvent {
  return {
    Records: events.map((event, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:avesa-test-analytics-loader',
      awsRegion: 'us-east-1',
    })),
  };
}

const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** A small tickets history of one tenant, written by compaction into the lake directory and uploaded. */
async function ticketsFile(
  tenantId: string,
  tickets: Array<{ id: string; at: string; closed: boolean }>,
): Promise<ContractLakeFile> {
  const versions = tickets.map((ticket) =>
    canonicalVersion(
      tenantId,
      'connectwise',
      ticket.id,
      new Date(ticket.at),
      sparseRow('tickets', {
        ticket_id: ticket.id,
        closed: ticket.closed,
        status: ticket.closed ? 'Closed' : 'New',
        summary: `ticket ${ticket.id}`,
        ...Object.fromEntries(
          CANONICAL_TABLES.tickets.columns
            .filter((column) => column.type === 'number')
            .map((column) => [column.name, 1.5]),
        ),
      }),
    ),
  );
  const file = await writeHistoryFile(lake.lakeDir, 'tickets', versions);
  await upload(file);
  return file;
}

async function currentTickets(tenantId: string) {
  const engine = await new ClickHouseAnalyticsEngine({ client }).forTenant(tenantId);
  return engine.rows({
    sql: `SELECT ticket_id, closed, valid_to FROM ${engine.dialect.relation('tickets')} ORDER BY ticket_id`,
    params: {},
    columns: { ticket_id: 'string', closed: 'boolean', valid_to: 'timestamp' },
  });
}

beforeAll(async () => {
  fauxqs = await startFauxqs();
  await fauxqs.createBucket(BUCKET);
  s3 = new S3Client({ ...fauxqs.clientConfig, forcePathStyle: true });
  lake = await writeContractLake({ sizes: { companies: 4, contacts: 6, tickets: 40, timeEntries: 40 } });
  for (const file of lake.files) await upload(file);
  client = chdbClient();
  await applyClickHouseSchema(client);
  location = {
    kind: 's3',
    url: `${fauxqs.address}/${BUCKET}/`,
    accessKeyId: 'test',
    secretAccessKey: SECRET,
  };
}, 60_000);

afterAll(async () => {
  await client?.close();
  s3?.destroy();
  await fauxqs?.stop();
  await lake?.remove();
});

describe('analytics loader: TableCompacted → ClickHouse, read from S3 by ClickHouse itself', () => {
  it('given every compacted history of two tenants in S3, when the handler takes their events, then ClickHouse holds exactly the files rows and data_versions names each load', async () => {
    // Prepare
    const handler = makeHandler({ clickHouse: client, lake: location, log: silentLog });

    // Act
    const response = await handler(
      sqsEvent(...lake.files.map((file) => tableCompacted(file))),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    for (const file of lake.files) {
      expect(await storedRows(file.tenantId, file.source, file.table)).toBe(file.rows);
      const engine = await new ClickHouseAnalyticsEngine({ client }).forTenant(file.tenantId);
      const [current] = await engine.rows({
        sql: `SELECT count(*) AS n FROM ${engine.dialect.relation(file.table)} WHERE source = {source:String}`,
        params: { source: file.source },
        columns: { n: 'integer' },
      });
      expect(current!.n).toBe(file.currentRows);
    }
    expect(
      await scalar(`SELECT count() AS value FROM avesa.tenant_data_versions(tenant_id = {tenant:String})`, {
        tenant: lake.tenants[0],
      }),
    ).toBe(lake.files.filter((file) => file.tenantId === lake.tenants[0]).length);
  });

  it('given a later compaction of a table, when it is loaded, then the rows are replaced (a closed ticket, a removed one), not doubled, and the other tenant is untouched', async () => {
    // Prepare
    const first = await ticketsFile('reload-co', [
      { id: '1', at: '2025-01-01T00:00:00Z', closed: false },
      { id: '2', at: '2025-01-01T00:00:00Z', closed: false },
      { id: '3', at: '2025-01-01T00:00:00Z', closed: false },
    ]);
    await loadTable(tableCompacted(first, 'job-1'), { clickHouse: client, lake: location });
    const otherTenant = lake.files.find((file) => file.table === 'tickets')!;
    const othersBefore = await storedRows(otherTenant.tenantId, otherTenant.source);
    const second = await ticketsFile('reload-co', [
      { id: '1', at: '2025-01-01T00:00:00Z', closed: false },
      { id: '1', at: '2025-01-02T00:00:00Z', closed: true },
      { id: '2', at: '2025-01-01T00:00:00Z', closed: false },
    ]);

    // Act
    const result = await loadTable(tableCompacted(second, 'job-2'), { clickHouse: client, lake: location });

    // Assess
    expect(result).toMatchObject({ rows: 3, replacedLoads: true });
    expect(await storedRows('reload-co', 'connectwise')).toBe(3);
    expect(await currentTickets('reload-co')).toEqual([
      { ticket_id: '1', closed: true, valid_to: null },
      { ticket_id: '2', closed: false, valid_to: null },
    ]);
    expect(await storedRows(otherTenant.tenantId, otherTenant.source)).toBe(othersBefore);
  });

  it('given the same TableCompacted delivered again, then it loads the file again: the same rows, never twice, and a new data version', async () => {
    // Prepare
    const file = lake.files.find((candidate) => candidate.table === 'time_entries')!;
    const handler = makeHandler({ clickHouse: client, lake: location, log: silentLog });
    const event = tableCompacted(file, 'job-redelivered');
    await handler(sqsEvent(event), lambdaContext);
    const version = () =>
      scalar(
        `SELECT version AS value FROM avesa.tenant_data_versions(tenant_id = {tenant:String})
         WHERE source = {source:String} AND \`table\` = 'time_entries'`,
        { tenant: file.tenantId, source: file.source },
      );
    const before = await version();

    // Act
    const response = await handler(sqsEvent(event, event), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await storedRows(file.tenantId, file.source, 'time_entries')).toBe(file.rows);
    expect(await version()).toBeGreaterThan(before);
  });

  it('given a history file written before a column of the model existed, then it loads, with that column NULL', async () => {
    // Prepare: the newest optional ticket column, dropped from a file the project's compaction wrote.
    const column = [...CANONICAL_TABLES.tickets.columns].reverse().find((candidate) => !candidate.required)!;
    const file = await ticketsFile('older-files', [{ id: '7', at: '2025-01-01T00:00:00Z', closed: false }]);
    const path = join(lake.lakeDir, file.objectKey);
    const older = `${path}.older.parquet`;
    await duckDbQuery(
      `COPY (SELECT * EXCLUDE (${column.name}) FROM read_parquet('${path}')) TO '${older}' (FORMAT parquet)`,
    );
    expect(Object.keys((await duckDbQuery(`SELECT * FROM read_parquet('${older}')`))[0]!)).not.toContain(
      column.name,
    );
    await upload(file, older);

    // Act
    await loadTable(tableCompacted(file), { clickHouse: client, lake: location });

    // Assess
    const engine = await new ClickHouseAnalyticsEngine({ client }).forTenant('older-files');
    expect(
      await engine.rows({
        sql: `SELECT ticket_id, summary, ${column.name} AS missing FROM ${engine.dialect.relation('tickets')}`,
        params: {},
        columns: { ticket_id: 'string', summary: 'string', missing: 'string' },
      }),
    ).toEqual([{ ticket_id: '7', summary: 'ticket 7', missing: null }]);
  });

  it('given an event that names another tenant\u2019s file, then it fails permanently and loads nothing', async () => {
    // Prepare
    const [alpha, beta] = lake.files.filter((file) => file.table === 'companies');
    const forged = tableCompacted({ ...alpha!, tenantId: 'forger', objectKey: beta!.objectKey });
    const handler = makeHandler({ clickHouse: client, lake: location, log: silentLog });

    // Act
    const response = await handler(sqsEvent(forged), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    await expect(loadTable(forged, { clickHouse: client, lake: location })).rejects.toThrow(ValidationError);
    expect(await storedRows('forger', alpha!.source, 'companies')).toBe(0);
  });

  it('given a history in layers (a base and deltas), then ClickHouse holds exactly the resolved rows, and a delta a later merge deleted is no error', async () => {
    // Prepare: the transform's own compaction, into a lake directory, then every layer uploaded
    const dir = await mkdtemp(join(tmpdir(), 'avesa-layers-'));
    try {
      const store = new FsObjectStore(join(dir, 'lake'));
      const bus = new RecordingBus();
      const tenantId = 'layered-co';
      const version = (id: string, second: number, closed: boolean) =>
        canonicalVersion(
          tenantId,
          'connectwise',
          id,
          new Date(Date.UTC(2025, 0, 1, 0, 0, second)),
          sparseRow('tickets', {
            ticket_id: id,
            closed,
            status: closed ? 'Closed' : 'New',
            summary: `ticket ${id}`,
          }),
        );
      const job = async (jobId: string, versions: CanonicalVersion[]) => {
        const key = canonicalVersionsKey({
          tenantId,
          source: 'connectwise',
          table: 'tickets',
          jobId,
          chunkId: 'c00000',
        });
        await store.put(key, encodeCanonicalVersions('tickets', versions));
        await compactTable(
          makeEvent(
            'TableTransformed',
            { tenantId, jobId, occurredAt: new Date() },
            { source: 'connectwise', table: 'tickets', versions: versions.length },
            ['connectwise', 'tickets'],
          ),
          { lake: store, bus, clock: new ManualClock(), scratchDirectory: dir },
        );
      };
      await job(
        'job-1',
        Array.from({ length: 40 }, (_, index) => version(String(index), 1, false)),
      );
      await job('job-2', [version('3', 10, true)]);
      await job('job-3', [version('4', 20, true), version('40', 20, false)]);
      for (const key of await store.list(`${tenantId}/canonical/`))
        if (!key.includes('/versions/')) await upload({ objectKey: key }, join(dir, 'lake', key));
      const compacted = bus.ofType('TableCompacted').at(-1)!;
      expect(compacted.data.deltaKeys).toHaveLength(2);

      // Act
      const result = await loadTable(compacted, { clickHouse: client, lake: location });
      const resolved = await currentTickets(tenantId);
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: compacted.data.deltaKeys![0]! }));
      const again = await loadTable(compacted, { clickHouse: client, lake: location });
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: compacted.data.deltaKeys![1]! }));
      const baseAlone = await loadTable(compacted, { clickHouse: client, lake: location });

      // Assess: 40 + 2 versions + 1 new ticket; with the first delta gone its ticket 3 reads from the base
      expect(result).toMatchObject({ rows: 43 });
      expect(again).toMatchObject({ rows: 42 });
      expect(baseAlone).toMatchObject({ rows: 40 });
      expect(resolved).toHaveLength(41);
      expect(resolved.filter((row) => row.closed === true).map((row) => row.ticket_id)).toEqual(['3', '4']);
      const afterBaseAlone = await currentTickets(tenantId);
      expect(afterBaseAlone).toHaveLength(40);
      expect(afterBaseAlone.filter((row) => row.closed === true)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('given a compaction of no versions (no file), then nothing is loaded and older loads of the table go', async () => {
    // Prepare
    const file = await ticketsFile('emptied', [{ id: '1', at: '2025-01-01T00:00:00Z', closed: false }]);
    await loadTable(tableCompacted(file), { clickHouse: client, lake: location });
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: file.objectKey }));

    // Act: compaction had no versions to write, so it wrote no file and counted no rows.
    const result = await loadTable(tableCompacted({ ...file, rows: 0, currentRows: 0 }), {
      clickHouse: client,
      lake: location,
    });

    // Assess
    expect(result).toMatchObject({ rows: 0, replacedLoads: true });
    expect(await storedRows('emptied', 'connectwise')).toBe(0);
  });

  it('given a file missing although the event counts rows, then a retryable error that never shows the secret key', async () => {
    // Prepare
    const file = lake.files[0]!;
    const missing = { ...location, url: `${fauxqs.address}/${BUCKET}/no-such-prefix/` } as LakeLocation;

    // Act
    const error = await loadTable(tableCompacted(file), { clickHouse: client, lake: missing }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(ClickHouseLoadError);
    expect((error as ClickHouseLoadError).retryable).toBe(true);
    expect((error as Error).message).toContain(file.objectKey);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('given the lake as a ClickHouse named collection, then a load reads it with no credential in the query', async () => {
    // Prepare
    await client.command({
      query: `CREATE NAMED COLLECTION IF NOT EXISTS avesa_lake_test AS url = '${fauxqs.address}/${BUCKET}/',
        access_key_id = 'test', secret_access_key = 'test'`,
    });
    const file = await ticketsFile('collected', [
      { id: '1', at: '2025-01-01T00:00:00Z', closed: false },
      { id: '2', at: '2025-01-01T00:00:00Z', closed: true },
    ]);

    // Act
    await loadTable(tableCompacted(file), {
      clickHouse: client,
      lake: { kind: 'named-collection', name: 'avesa_lake_test' },
    });

    // Assess
    expect((await currentTickets('collected')).map((row) => row.ticket_id)).toEqual(['1', '2']);
  });
});
