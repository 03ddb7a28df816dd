import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only JSON-lines log: the durable half of the local state store and queues.
 * Each append is one write(2) of a whole line, so a process killed at any point (even kill -9) leaves
 * at most a torn last line, which replay ignores. Compaction rewrites the log atomically (tmp + rename).
 */
export class DurableLog<Entry> {
  private fd: number | undefined;

  /**
   * @param readOnly a reader beside the process that owns the log (`avesa status` during a run): it replays
   *   and never appends, compacts or creates anything. A compaction by a reader would swap the file under the
   *   owner's open append descriptor, and the owner's later writes would go to the unlinked old file.
   */
  constructor(
    private readonly path: string,
    private readonly readOnly = false,
  ) {
    if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  }

  replay(): Entry[] {
    if (!existsSync(this.path)) return [];
    const entries: Entry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as Entry);
      } catch {
        // A torn final line from a killed process: everything before it is intact.
      }
    }
    return entries;
  }

  append(entry: Entry): void {
    if (this.readOnly) throw new Error(`${this.path} is open read-only`);
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  /** Replaces the log with the given entries (a snapshot of the current state). */
  compact(entries: Iterable<Entry>): void {
    if (this.readOnly) return;
    this.close();
    const lines: string[] = [];
    for (const entry of entries) lines.push(JSON.stringify(entry));
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    renameSync(temporary, this.path);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
