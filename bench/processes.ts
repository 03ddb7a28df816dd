import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConnectWiseTable } from '../sources/connectwise/endpoints';
import type { FleetSpec } from './fleet';
import type { RequestCounts, RequestsByTable } from './requestCounts';

const ROOT = join(__dirname, '..');

function spawnTs(script: string, argument: unknown): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, script), JSON.stringify(argument)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Runs a bench script in a node process of its own and parses the last line it prints as JSON; what it wrote
 * to stderr is kept (the last 4 kB) in `stderr`.
 */
export function runChild<T>(script: string, argument: unknown): Promise<T & { stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(script, argument);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${stderr.slice(-2000)}`));
      try {
        resolve({ ...(JSON.parse(last) as T), stderr: stderr.slice(-4000) });
      } catch {
        reject(new Error(`${script} printed no JSON result: ${stdout.slice(-500)} ${stderr.slice(-1000)}`));
      }
    });
  });
}

/** Records to change in one tenant's table (scenario 9 changes a few tables, not a share of every one). */
export interface TableChange {
  tenant: string;
  table: ConnectWiseTable;
  count: number;
}

/** The parent's handle on bench/simulatorLauncher.ts. */
export interface SimulatorProcess {
  baseUrl: string;
  counts(): Promise<RequestCounts>;
  /** The request log since the last reset, per tenant and table. */
  countsByTable(): Promise<RequestsByTable>;
  reset(): Promise<void>;
  mutate(fraction: number): Promise<{ mutated: number }>;
  /** Changes `count` records of each named table; `mutated[i]` is how many of change i's were changed. */
  mutateTables(changes: TableChange[]): Promise<{ mutated: number[] }>;
  dump(tenant: string, table: ConnectWiseTable, path: string): Promise<{ records: number; bytes: number }>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(spec: FleetSpec): Promise<SimulatorProcess> {
  const child = spawnTs('simulatorLauncher.ts', spec);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let ready: (baseUrl: string) => void;
  const started = new Promise<string>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => {
      const error = new Error(`simulator exited with ${code}: ${stderr.slice(-2000)}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as {
      ready?: boolean;
      baseUrl?: string;
      id?: number;
      result?: unknown;
      error?: string;
    };
    if (message.ready) return ready(message.baseUrl!);
    const waiter = pending.get(message.id!);
    pending.delete(message.id!);
    if (message.error) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  let nextId = 1;
  const send = <T>(command: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  const baseUrl = await started;
  return {
    baseUrl,
    counts: () => send<RequestCounts>({ command: 'counts' }),
    countsByTable: () => send<RequestsByTable>({ command: 'countsByTable' }),
    reset: () => send<void>({ command: 'reset' }),
    mutate: (fraction) => send({ command: 'mutate', fraction }),
    mutateTables: (changes) => send({ command: 'mutateTables', changes }),
    dump: (tenant, table, path) => send({ command: 'dump', tenant, table, path }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await send({ command: 'stop' }).catch(() => undefined);
      await exited;
    },
  };
}
