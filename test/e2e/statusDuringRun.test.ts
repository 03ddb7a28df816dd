import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type CliIo } from '../../local/cli/main';
import { StateView } from '../../local/stateView';
import { runAvesa, temporaryDirs } from './harness';

function recordingIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), isTty: false, env: {} };
}

describe('avesa status and dlq list beside a running avesa run', () => {
  it('given a run in progress, when status and dlq list are asked again and again, then they answer without taking the lock or writing, and the run completes with a lake and state a second run continues from', async () => {
    const dirs = temporaryDirs();
    const running = runAvesa(['run', '--lake', dirs.lakeDir, '--state', dirs.stateDir, '--json']);
    const lockPath = join(dirs.stateDir, 'lock');
    const answers: Array<{ status: number; dlq: number; sawRun: boolean }> = [];
    let finished = false;
    void running.then(() => (finished = true));

    // Act: ask while the run goes on (the demo runs for seconds), until it ends.
    while (!finished) {
      if (existsSync(join(dirs.stateDir, 'state.log'))) {
        const status = recordingIo();
        const dlq = recordingIo();
        answers.push({
          status: await main(['status', '--state', dirs.stateDir, '--json'], status),
          dlq: await main(['dlq', 'list', '--state', dirs.stateDir, '--json'], dlq),
          sawRun:
            status.lines.length > 0 && (JSON.parse(status.lines.join('\n')) as { running: boolean }).running,
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const first = await running;
    const second = await runAvesa(['run', '--lake', dirs.lakeDir, '--state', dirs.stateDir, '--json']);

    // Assess
    expect(first.code).toBe(0);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 0 && answer.dlq === 0)).toBe(true);
    expect(answers.some((answer) => answer.sawRun)).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
    expect(second.code).toBe(0);
    const view = new StateView(dirs.stateDir);
    try {
      const jobs = await view.jobs();
      expect(jobs).toHaveLength(2);
      const progress = await view.progress(jobs[1]!.jobId);
      expect(progress!.tenants.every((tenant) => tenant.status === 'succeeded')).toBe(true);
    } finally {
      view.close();
    }
  }, 120_000);

  it('given a state directory, when a StateView reads it, then not one byte of it changes', async () => {
    const dirs = temporaryDirs();
    expect((await runAvesa(['run', '--lake', dirs.lakeDir, '--state', dirs.stateDir, '--json'])).code).toBe(
      0,
    );
    const before = readFileSync(join(dirs.stateDir, 'state.log'));

    const view = new StateView(dirs.stateDir);
    await view.jobs();
    view.close();

    expect(readFileSync(join(dirs.stateDir, 'state.log')).equals(before)).toBe(true);
    expect(existsSync(join(dirs.stateDir, 'lock'))).toBe(false);
  }, 120_000);
});
