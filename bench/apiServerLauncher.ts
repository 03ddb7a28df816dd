/**
 * The analytics API in a process of its own, for scenario 6: its CPU (DuckDB's threads included) is measured
 * apart from the load generator's. It adds the benchmark's users to the state directory (as `avesa users add`
 * would), starts the server as `avesa serve` does (local/cli/serve.ts `startServer`) on 127.0.0.1 and a free
 * port, prints `{"ready":true,"url":…}`, then answers one JSON command per line on stdin:
 *
 *   {"id":1,"command":"usage"}  → { cpuSeconds, rssMb, peakRssMb } of this process so far
 *   {"id":2,"command":"stop"}   → closes the server and exits
 *
 *   node -r tsx/cjs bench/apiServerLauncher.ts '<ApiServerSpec JSON>'
 *
 * The `materialize` variant passes that DuckDB engine option to `startServer`.
 */
import { createInterface } from 'node:readline';
import { localUserStore } from '../api/auth/localStores';
import { UserExistsError } from '../api/auth/errors';
import { startServer, type RunningServer } from '../local/cli/serve';

export interface BenchUser {
  tenantId: string;
  email: string;
  role: 'viewer' | 'analyst' | 'admin';
  password: string;
}

export interface ApiServerSpec {
  lakeDir: string;
  stateDir: string;
  users: BenchUser[];
  /** `off`: every answer is computed (`cache: { maxEntries: 0 }`); `on`: the server's default cache. */
  cache: 'on' | 'off';
  /** DuckDB loads each tenant's history into memory instead of reading Parquet at every query. */
  materialize: boolean;
  /** The per-tenant limit; the default (6,000 a minute) would answer 429 to a 1,000 requests/s load. */
  tenantRequestsPerMinute: number;
}

export interface ServerUsage {
  cpuSeconds: number;
  rssMb: number;
  peakRssMb: number;
}

const quietIo = {
  out: () => undefined,
  err: (line: string) => process.stderr.write(`${line}\n`),
  isTty: false,
  env: {},
};

async function addUsers(stateDir: string, users: BenchUser[]): Promise<void> {
  const store = localUserStore(stateDir);
  for (const user of users) {
    try {
      await store.add(user);
    } catch (error) {
      // A state directory reused by a later part already has them.
      if (!(error instanceof UserExistsError)) throw error;
    }
  }
}

async function start(spec: ApiServerSpec): Promise<RunningServer> {
  return startServer(
    { lake: spec.lakeDir, state: spec.stateDir, port: '0', host: '127.0.0.1' },
    quietIo,
    {
      tenantRequestsPerMinute: spec.tenantRequestsPerMinute,
      ...(spec.cache === 'off' ? { cache: { maxEntries: 0, ttlMs: 1 } } : {}),
    },
    { materialize: spec.materialize },
  );
}

function usage(): ServerUsage {
  const resources = process.resourceUsage();
  return {
    cpuSeconds: (resources.userCPUTime + resources.systemCPUTime) / 1e6,
    rssMb: process.memoryUsage.rss() / 1024 / 1024,
    peakRssMb: resources.maxRSS / 1024,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as ApiServerSpec;
  await addUsers(spec.stateDir, spec.users);
  const server = await start(spec);
  const reply = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);
  reply({ ready: true, url: server.url });
  for await (const line of createInterface({ input: process.stdin })) {
    const { id, command } = JSON.parse(line) as { id: number; command: 'usage' | 'stop' };
    if (command === 'usage') reply({ id, result: usage() });
    if (command === 'stop') {
      await server.close();
      reply({ id, result: null });
      break;
    }
  }
  process.exit(0);
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
