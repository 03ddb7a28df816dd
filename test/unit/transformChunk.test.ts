import { parquetReadObjects } from 'hyparquet';
import { transformChunk } from '../../services/transform/transformChunk';
import { TOMBSTONE_HASH } from '../../services/transform/scd2';
import { deletionMarker } from '../../shared/sources/deletionMarker';
import { makeEvent } from '../../shared/events/schemas';
import { PARQUET_DECOMPRESSORS } from '../../shared/lake/parquetCodec';
import { encodeRawParquet } from '../../shared/lake/rawParquet';
import type { ReceivedRecord } from '../../shared/sources/recordArray';
import { InMemoryObjectStore, ManualClock, receivedRecord, RecordingBus } from '../support/fakes';
import { connectWise } from '../../sources/connectwise';
import type { SourceConfig } from '../../shared/config/tenantsFile';

const sourceFor = async () => ({
  connector: connectWise,
  settings: connectWise.settingsSchema.parse({ baseUrl: 'https://cw.test' }) as SourceConfig,
});

const head = { tenantId: 'acme', jobId: 'job-1', occurredAt: '2026-01-15T10:00:00.000Z' };
const ticket = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  summary: `Ticket ${id}`,
  status: { id: 1, name: 'New' },
  company: { id: 7, name: 'Zürich Dental GmbH' },
  _info: { lastUpdated: '2025-03-01T12:00:00Z', dateEntered: '2025-01-01T00:00:00Z' },
  ...extra,
});

async function readObjects(lake: InMemoryObjectStore, key: string) {
  const body = lake.objects.get(key)!;
  return parquetReadObjects({
    file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    compressors: PARQUET_DECOMPRESSORS,
  });
}

async function given(records: Array<Record<string, unknown> | ReceivedRecord>) {
  const lake = new InMemoryObjectStore();
  const key = 'acme/raw/connectwise/tickets/date=2026-01-15/job-1/c00000-0000000001.parquet';
  await lake.put(
    key,
    encodeRawParquet(
      records.map((record) =>
        record.json instanceof Uint8Array ? (record as ReceivedRecord) : receivedRecord(record as never),
      ),
      {
        tenantId: 'acme',
        table: 'tickets',
        jobId: 'job-1',
        chunkId: 'c00000',
        fetchedAt: new Date(),
        idType: 'integer',
      },
    ),
  );
  const event = makeEvent(
    'ChunkFetched',
    head,
    {
      source: 'connectwise',
      table: 'tickets',
      chunkId: 'c00000',
      records: records.length,
      objectKeys: [key],
      apiCalls: 1,
      invocations: 1,
    },
    ['c00000'],
  );
  return { lake, event, bus: new RecordingBus() };
}

describe('transformChunk', () => {
  it('given a chunk with valid and malformed records, when transformed, then valid ones become canonical versions and the others are quarantined with their reason', async () => {
    const { lake, event, bus } = await given([
      ticket(1),
      ticket(2, { actualHours: 'lots' }),
      ticket(3, { _info: { dateEntered: '2025-01-01T00:00:00Z' } }),
      ticket(4, { brandNewField: { nested: true } }),
    ]);

    const outcome = await transformChunk(event, { sourceFor, lake, bus, clock: new ManualClock() });

    expect(outcome).toEqual({ versions: 2, quarantined: 2 });
    const versions = await readObjects(
      lake,
      'acme/canonical/tickets/connectwise/versions/job-1/c00000.parquet',
    );
    expect(versions.map((row) => [row.source_id, row.ticket_id, row.company_name, row.tenant_id])).toEqual([
      ['1', '1', 'Zürich Dental GmbH', 'acme'],
      ['4', '4', 'Zürich Dental GmbH', 'acme'],
    ]);
    const quarantined = await readObjects(lake, 'acme/quarantine/tickets/connectwise/job-1/c00000.parquet');
    expect(quarantined.map((row) => [row.tenant_id, row.table_name, row.source_id, row.reason])).toEqual([
      ['acme', 'tickets', '2', '"actualHours": expected a number, got "lots"'],
      ['acme', 'tickets', '3', 'missing required field "_info/lastUpdated" (canonical updated_at)'],
    ]);
    expect(bus.ofType('ChunkTransformed')[0]!.data).toMatchObject({
      versions: 2,
      quarantined: 2,
      chunkId: 'c00000',
    });
  });

  it('given a raw record whose text is not JSON, when transformed, then it is quarantined with its text as received and the rest of the chunk is mapped', async () => {
    const broken = '{"id": 2, "summary": tru}';
    const { lake, event, bus } = await given([
      ticket(1),
      { id: '2', lastUpdated: null, json: new TextEncoder().encode(broken) },
    ]);

    const outcome = await transformChunk(event, { sourceFor, lake, bus, clock: new ManualClock() });

    expect(outcome).toEqual({ versions: 1, quarantined: 1 });
    const [quarantined] = await readObjects(lake, 'acme/quarantine/tickets/connectwise/job-1/c00000.parquet');
    expect(quarantined).toMatchObject({ source_id: '2', payload: broken });
    expect(quarantined!.reason).toMatch(/^the record is not valid JSON: /);
  });

  it('given the same chunk delivered twice, when transformed, then the same objects are rewritten and the event has the same id', async () => {
    const { lake, event, bus } = await given([ticket(1), ticket(2)]);
    await transformChunk(event, { sourceFor, lake, bus, clock: new ManualClock() });
    const first = new Map(lake.objects);
    await transformChunk(event, { sourceFor, lake, bus, clock: new ManualClock() });
    expect([...lake.objects.keys()]).toEqual([...first.keys()]);
    expect(new Set(bus.events.map((published) => published.eventId)).size).toBe(1);
  });
});

describe('transformChunk of a delete sweep', () => {
  it('given deletion markers (and one without a time), when transformed, then each marker is a tombstone at its deletion time and the malformed one is quarantined', async () => {
    const marker = (id: number, at: string) =>
      deletionMarker(String(id), new Date(at), 'test-signal', { note: 'evidence' });
    const broken: ReceivedRecord = {
      id: '9',
      lastUpdated: null,
      json: new TextEncoder().encode('{"id":"9","signal":"test-signal"}'),
    };
    const { lake, event, bus } = await given([
      marker(4, '2026-01-15T09:00:00Z'),
      marker(5, '2026-01-15T09:30:00Z'),
      broken,
    ]);
    event.data.deletions = true;

    const outcome = await transformChunk(event, { sourceFor, lake, bus, clock: new ManualClock() });

    expect(outcome).toEqual({ versions: 2, quarantined: 1 });
    const versions = await readObjects(
      lake,
      'acme/canonical/tickets/connectwise/versions/job-1/c00000.parquet',
    );
    expect(
      versions.map((row) => [
        row.source_id,
        (row.valid_from as Date).toISOString(),
        row.record_hash,
        row.summary,
      ]),
    ).toEqual([
      ['4', '2026-01-15T09:00:00.000Z', TOMBSTONE_HASH, null],
      ['5', '2026-01-15T09:30:00.000Z', TOMBSTONE_HASH, null],
    ]);
    const [quarantined] = await readObjects(lake, 'acme/quarantine/tickets/connectwise/job-1/c00000.parquet');
    expect([quarantined!.source_id, quarantined!.reason]).toEqual([
      '9',
      'a delete sweep row without a deletedAt time',
    ]);
  });
});
