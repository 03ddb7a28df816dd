import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ApiServerSpec, ServerUsage } from './apiServerLauncher';

const ROOT = join(__dirname, '..');

/** The parent's handle on bench/apiServerLauncher.ts. */
export interface ApiServerProcess {
  url: string;
  pid: number;
  usage(): Promise<ServerUsage>;
  stop(): Promise<void>;
}

/**
 * Starts the API in a process of its own and resolves once it listens. `nodeArgs` go to that node (e.g.
 * `--cpu-prof --cpu-prof-dir=…` to see where the server spends its time).
 */
export async function startApiServer(
  spec: ApiServerSpec,
  nodeArgs: string[] = [],
): Promise<ApiServerProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', 'tsx/cjs', join(__dirname, 'apiServerLauncher.ts'), JSON.stringify(spec)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const pending = new Map<number, (value: unknown) => void>();
  let ready: (url: string) => void;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = new Promise<string>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the API server exited with ${code}: ${stderr}`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: boolean; url?: string; id?: number; result?: unknown };
    if (message.ready) return ready(message.url!);
    pending.get(message.id!)?.(message.result);
    pending.delete(message.id!);
  });
  let nextId = 1;
  const send = <T>(command: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error(`the API server has exited: ${stderr}`));
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      child.stdin.write(`${JSON.stringify({ id, command })}\n`);
    });
  const url = await started;
  return {
    url,
    pid: child.pid!,
    usage: () => send<ServerUsage>('usage'),
    stop: async () => {
      if (child.exitCode !== null) return;
      await Promise.race([send('stop'), exited]);
      await exited;
    },
  };
}
