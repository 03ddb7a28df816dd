/**
 * The simulator in a process of its own, for the benchmarks: its CPU is not charged to the pipeline, and the
 * parent controls it over stdin with one JSON command per line, answered by one JSON line on stdout:
 *
 *   {"id":1,"command":"counts"}                 → RequestCounts since the last reset
 *   {"id":2,"command":"countsByTable"}          → RequestsByTable (per tenant and table) since the last reset
 *   {"id":3,"command":"reset"}                  → clears the request log
 *   {"id":4,"command":"mutate","fraction":0.01} → changes that share of every table; answers the count
 *   {"id":5,"command":"mutateTables","changes":[{"tenant":"t","table":"tickets","count":10}]}
 *                                               → changes that many records of each named table; answers the
 *                                                 count changed per change, in order
 *   {"id":6,"command":"dump","tenant":"t","table":"tickets","path":"x.ndjson"} → NDJSON of the records
 *   {"id":7,"command":"stop"}
 *
 *   node -r tsx/cjs bench/simulatorLauncher.ts '<FleetSpec JSON>'
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ConnectWiseTable } from '../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../simulator';
import { credentialsOf, tablesOf, type FleetSpec } from './fleet';
import type { TableChange } from './processes';
import { countRequests, countRequestsByTable } from './requestCounts';

type Command =
  | { id: number; command: 'counts' | 'countsByTable' | 'reset' | 'stop' }
  | { id: number; command: 'mutate'; fraction: number }
  | { id: number; command: 'mutateTables'; changes: TableChange[] }
  | { id: number; command: 'dump'; tenant: string; table: ConnectWiseTable; path: string };

async function dump(simulator: Simulator, tenant: string, table: ConnectWiseTable, path: string) {
  const out = createWriteStream(path);
  const records = simulator.records(tenant, table);
  let bytes = 0;
  for (let index = 0; index < records.length; index++) {
    const line = `${JSON.stringify(records[index])}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { records: records.length, bytes };
}

async function run(simulator: Simulator, spec: FleetSpec, command: Command): Promise<unknown> {
  switch (command.command) {
    case 'counts':
      return countRequests(simulator.requests());
    case 'countsByTable':
      return countRequestsByTable(simulator.requests());
    case 'reset':
      simulator.resetRequests();
      return null;
    case 'mutate': {
      let mutated = 0;
      for (const tenant of spec.tenants) {
        for (const table of tablesOf(tenant)) {
          mutated += simulator.mutate(
            tenant.id,
            table,
            Math.ceil((tenant.sizes[table] ?? 0) * command.fraction),
          ).length;
        }
      }
      return { mutated };
    }
    case 'mutateTables':
      return {
        mutated: command.changes.map(
          (change) => simulator.mutate(change.tenant, change.table, change.count).length,
        ),
      };
    case 'dump':
      return dump(simulator, command.tenant, command.table, command.path);
    case 'stop':
      await simulator.stop();
      return null;
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as FleetSpec;
  const simulator = await startSimulator({
    tenants: spec.tenants.map((tenant) => ({
      ...credentialsOf(tenant.id),
      sizes: tenant.sizes,
      requestsPerMinute: tenant.requestsPerMinute,
    })),
    latency: spec.latency,
  });
  process.stdout.write(`${JSON.stringify({ ready: true, baseUrl: simulator.baseUrl })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as Command;
    try {
      const result = await run(simulator, spec, command);
      process.stdout.write(`${JSON.stringify({ id: command.id, result })}\n`);
    } catch (cause) {
      process.stdout.write(`${JSON.stringify({ id: command.id, error: String(cause) })}\n`);
    }
    if (command.command === 'stop') process.exit(0);
  }
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
