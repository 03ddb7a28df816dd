/**
 * CPU cost per record of each step a record goes through, on one simulated list page (1,000 records): where
 * the end-to-end figures of `npm run bench` go. Single process, CPU time (process.cpuUsage), so a busy
 * machine inflates it less than wall time; on 2 vCPUs that share a core, another busy process still does.
 *
 *   npx tsx bench/stages.ts [tickets|time_entries|companies|contacts] [--rounds 20]
 */
import { parseArgs } from 'node:util';
import type { CanonicalRow } from '../mappings/compile';
import { recordHash } from '../services/transform/scd2';
import { CONNECTWISE_TABLES, type ConnectWiseTable } from '../sources/connectwise/endpoints';
import { CONNECTWISE_RECORD_LAYOUT, ConnectWiseClient } from '../sources/connectwise/client';
import { connectWise } from '../sources/connectwise';
import { connectWiseSettingsSchema } from '../sources/connectwise/settings';
import { InProcessRequestBudget } from '../shared/budget/inProcessRequestBudget';
import { splitPage } from '../shared/sources/recordArray';
import { encodeCanonicalVersions, type CanonicalVersion } from '../shared/lake/canonicalParquet';
import { encodeRawParquet, readRawRecords, recordText } from '../shared/lake/rawParquet';
import { startSimulator } from '../simulator';

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string', default: '20' } },
  });
  const table = (positionals[0] ?? 'tickets') as ConnectWiseTable;
  if (!CONNECTWISE_TABLES.includes(table)) throw new Error(`unknown table ${table}`);
  const rounds = Number(values.rounds);

  // One page exactly as the fetcher receives it: through the real client, from the simulator.
  const simulator = await startSimulator({
    tenants: [
      { companyId: 'bench', publicKey: 'p', privateKey: 'k', clientId: 'c', sizes: { [table]: 1000 } },
    ],
  });
  const client = new ConnectWiseClient({
    tenantId: 'bench',
    baseUrl: simulator.baseUrl,
    credentials: { companyId: 'bench', publicKey: 'p', privateKey: 'k', clientId: 'c' },
    limits: { requestsPerMinute: 1000, maxConcurrentRequests: 1 },
    budget: new InProcessRequestBudget(),
  });
  const received = await client.listReceivedPage(table, { pageSize: 1000, afterId: 0 });
  await simulator.stop();
  const pageBytes = received.reduce((sum, record) => sum + record.json.length, 0);
  const count = received.length;

  const results: Array<{ step: string; microsPerRecord: number }> = [];
  async function step<T>(name: string, work: () => T | Promise<T>): Promise<T> {
    let result = await work(); // warm-up
    const started = cpuMs();
    for (let round = 0; round < rounds; round++) result = await work();
    results.push({ step: name, microsPerRecord: ((cpuMs() - started) / rounds / count) * 1000 });
    return result;
  }

  const context = {
    tenantId: 'bench',
    table,
    jobId: 'job',
    chunkId: 'c00000',
    fetchedAt: new Date(),
    idType: 'integer' as const,
  };
  const page = new Uint8Array(
    Buffer.concat([
      Buffer.from('['),
      ...received.flatMap((r, i) => (i ? [Buffer.from(','), r.json] : [r.json])),
      Buffer.from(']'),
    ]),
  );
  await step('fetcher: split the page (recordArray)', () => splitPage(page, CONNECTWISE_RECORD_LAYOUT));
  const raw = await step('fetcher: raw Parquet part', () => encodeRawParquet(received, context));
  const stored = await step('transform: read the raw part', () => readRawRecords(raw));
  const texts = await step('transform: decode records', () =>
    stored.map((record) => recordText(record.json)),
  );
  const parsed = await step('transform: JSON.parse', () => texts.map((text) => JSON.parse(text) as unknown));
  const mapping = connectWise.mapping(connectWiseSettingsSchema.parse({ baseUrl: 'https://cw.test' }), table);
  const mapped = await step('transform: map to canonical', () => parsed.map((record) => mapping.map(record)));
  const rows = mapped.flatMap((result) => (result.ok ? [result.row] : []));
  const hashes = await step('transform: record hash', () => rows.map((row) => recordHash(row)));
  const versions: CanonicalVersion[] = rows.map((row: CanonicalRow, index) => ({
    tenantId: 'bench',
    source: 'connectwise',
    sourceId: String(index),
    validFrom: row.updated_at as Date,
    recordHash: hashes[index]!,
    row,
  }));
  await step('transform: versions Parquet', () => encodeCanonicalVersions(mapping.table, versions));

  const total = results.reduce((sum, result) => sum + result.microsPerRecord, 0);
  console.log(
    `${table}: ${count} records, ${(pageBytes / count).toFixed(0)} bytes of JSON each; CPU µs per record`,
  );
  for (const { step: name, microsPerRecord } of results)
    console.log(`  ${name.padEnd(40)} ${microsPerRecord.toFixed(1).padStart(6)}`);
  console.log(
    `  ${'total'.padEnd(40)} ${total.toFixed(1).padStart(6)}  (≈ ${Math.round(1e6 / total)} records/s on one core)`,
  );
}

void main();
