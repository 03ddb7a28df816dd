import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Log } from '../../shared/ports';

/** Structured JSON-lines logs in the state directory, so the terminal stays free for progress. */
export class FileLog implements Log {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }
  debug(): void {}
  info(message: string, attributes?: Record<string, unknown>): void {
    this.write('INFO', message, attributes);
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.write('WARN', message, attributes);
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.write('ERROR', message, attributes);
  }
  private write(level: string, message: string, attributes?: Record<string, unknown>): void {
    appendFileSync(
      this.path,
      `${JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...attributes })}\n`,
    );
  }
}
