import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { temporaryDirs } from './harness';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line no-control-regex -- terminal escape sequences are what this test reads
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Runs a command in a pseudo-terminal of `columns` columns (util-linux `script`), returning what it drew. */
function inTerminal(command: string, columns: number): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', `stty cols ${columns} rows 50; ${command}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TERM: 'xterm' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    child.once('close', (code) => resolve({ code: code ?? 1, screen }));
  });
}

describe('avesa run on a terminal', () => {
  it('given an 80-column pseudo-terminal, when the demo runs, then no line of the live view or the summary is wider and each redraw moves up exactly the lines drawn before', async () => {
    const dirs = temporaryDirs();

    const { code, screen } = await inTerminal(
      `${process.execPath} bin/avesa.js run --lake ${dirs.lakeDir} --state ${dirs.stateDir}`,
      80,
    );

    expect(code).toBe(0);
    const printed = screen.replace(ESCAPE, '').split(/\r?\n/);
    const tooWide = printed.filter((line) => line.length >= 80);
    expect(tooWide).toEqual([]);
    // A redraw is `ESC[nA` then n cleared lines: n must equal the lines of the frame before it.
    const frames = screen.split(/\x1b\[(\d+)A/); // eslint-disable-line no-control-regex
    expect(frames.length).toBeGreaterThan(1);
    for (let index = 1; index < frames.length; index += 2) {
      const up = Number(frames[index]);
      const previous = frames[index - 1]!.split('\x1b[2K').length - 1;
      expect({ frame: (index + 1) / 2, up }).toEqual({ frame: (index + 1) / 2, up: previous });
    }
    expect(printed.some((line) => /^contoso-it servicenow\s/.test(line))).toBe(true);
  }, 120_000);
});
