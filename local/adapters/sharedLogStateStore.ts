import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
import type { StateItem, StateStore } from '../../shared/ports';

/** One line of the log: the same shape as LocalStateStore's entries. */
interface PutEntry {
  pk: string;
  sk: string;
  value: unknown;
  version: number;
}

export interface SharedLogStateStoreOptions {
  /** How long a write waits for another process's write to finish (default 10 s). */
  lockTimeoutMs?: number;
}

/**
 * A StateStore in one append-only JSON-lines file that several processes read and write: `avesa users add`
 * writes the users while `avesa serve` reads them. LocalStateStore cannot do that (one process owns its log
 * and compacts it under the others' feet); this one is for small, rarely written state.
 *
 * - Writes take `{path}.lock` (created exclusively, holding the pid; a dead holder's lock is taken over), read
 *   the file again, apply the condition to what it says, append one line with fsync, and release.
 * - Reads re-read the file whenever its size, times or inode changed since the last read, so a write by
 *   another process is seen by the next read, with no restart and no watcher.
 * - The file is never compacted (one line per change: fine for users); a torn last line left by a killed
 *   writer is cut off by the next writer, and ignored by readers meanwhile.
 */
export class SharedLogStateStore implements StateStore {
  private items = new Map<string, Map<string, { value: string; version: number }>>();
  /** The file as last read; undefined: read it again before answering. */
  private stamp: string | undefined;
  /** This process's writes, one at a time (the file lock orders them against other processes). */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly lockPath: string;
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly path: string,
    options: SharedLogStateStoreOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  }

  async get<T>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    this.refresh();
    const item = this.items.get(pk)?.get(sk);
    return item ? { value: JSON.parse(item.value) as T, version: item.version } : undefined;
  }

  async putIfAbsent<T>(pk: string, sk: string, value: T): Promise<boolean> {
    return this.putIfVersion(pk, sk, value, 0);
  }

  async putIfVersion<T>(pk: string, sk: string, value: T, expectedVersion: number): Promise<boolean> {
    const line = `${JSON.stringify({ pk, sk, value, version: expectedVersion + 1 } satisfies PutEntry)}\n`;
    const write = this.writes.then(async () => {
      const release = await acquireFileLock(this.lockPath, this.lockTimeoutMs);
      try {
        // Under the lock the file can only change by our hand: what it says now is the truth to compare with.
        this.stamp = undefined;
        this.refresh({ repairTornTail: true });
        const current = this.items.get(pk)?.get(sk)?.version ?? 0;
        if (current !== expectedVersion) return false;
        appendDurably(this.path, line);
        this.stamp = undefined;
        return true;
      } finally {
        release();
      }
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  async query<T>(pk: string, skPrefix = ''): Promise<Array<StateItem<T> & { sk: string }>> {
    this.refresh();
    const partition = this.items.get(pk);
    if (!partition) return [];
    return [...partition.entries()]
      .filter(([sk]) => sk.startsWith(skPrefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sk, item]) => ({ sk, value: JSON.parse(item.value) as T, version: item.version }));
  }

  /** Reads the file again when it changed since the last read. */
  private refresh(options: { repairTornTail?: boolean } = {}): void {
    let stats: Stats;
    try {
      stats = statSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.items = new Map();
      this.stamp = 'absent';
      return;
    }
    if (this.stamp !== undefined && this.stamp === stampOf(stats)) return;
    const fd = openSync(this.path, 'r');
    let content: Buffer;
    let afterRead: Stats;
    try {
      content = readFileSync(fd);
      afterRead = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    const lastNewline = content.lastIndexOf(0x0a);
    const complete = content.subarray(0, lastNewline + 1);
    const torn = complete.length < content.length;
    if (torn && options.repairTornTail) truncateSync(this.path, complete.length);
    this.items = new Map();
    for (const line of complete.toString('utf8').split('\n')) {
      if (line === '') continue;
      let entry: PutEntry;
      try {
        entry = JSON.parse(line) as PutEntry;
      } catch {
        continue; // A line torn by a killed writer and continued by the next: it never took effect.
      }
      let partition = this.items.get(entry.pk);
      if (!partition) this.items.set(entry.pk, (partition = new Map()));
      partition.set(entry.sk, { value: JSON.stringify(entry.value), version: entry.version });
    }
    // A torn tail may be a write still in progress: read again next time rather than trust this stamp.
    this.stamp = torn || afterRead.size !== content.length ? undefined : stampOf(afterRead);
  }
}

function stampOf(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** One write(2) of a whole line in append mode, flushed to disk before the lock is released. */
function appendDurably(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A lock whose holder is gone (its pid is dead), or that no live write could have held this long. */
const STALE_LOCK_MS = 60_000;

/**
 * Takes a lock file (created with O_EXCL, holding the pid), waiting for its holder up to `timeoutMs`.
 * Returns the release. A lock left by a dead process is taken over.
 */
export async function acquireFileLock(lockPath: string, timeoutMs: number): Promise<() => void> {
  mkdirSync(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(lockPath);
    if (holder?.stale) {
      // Re-checked just before removing, so a lock another process took over meanwhile is left alone.
      if (lockHolder(lockPath)?.identity === holder.identity) rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `${lockPath} is held by process ${holder?.pid ?? 'unknown'}: another write did not finish in ` +
          `${Math.round(timeoutMs / 1000)} s (remove the file if no such process is running)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
}

function lockHolder(
  lockPath: string,
): { pid: number | undefined; stale: boolean; identity: string } | undefined {
  let content: string;
  let stats: Stats;
  try {
    stats = statSync(lockPath);
    content = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number.parseInt(content, 10);
  const old = Date.now() - stats.mtimeMs > STALE_LOCK_MS;
  // An empty file is a lock being created (between open and write): stale only once it is old.
  const stale = Number.isInteger(pid) ? !processIsAlive(pid) || old : old;
  return { pid: Number.isInteger(pid) ? pid : undefined, stale, identity: `${stats.ino}:${content}` };
}

/** Whether a process with this pid exists (on this machine). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
