import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listWatermarks } from '../../shared/state/watermarks';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import {
  cliRunsOf,
  readLake,
  runAvesa,
  startSimulatorProcess,
  temporaryDirs,
  type LakeRow,
} from '../e2e/harness';

const rowKey = (row: LakeRow) => `${row.tenant_id}/${row.table_name}/${row.id}`;

describe('resume after SIGKILL', () => {
  it('given a run killed with SIGKILL at several moments, when started again each time, then it completes the same job with the lake and watermarks of an uninterrupted run, each record once', async () => {
    // 300 ms pages keep the job running for a few seconds, long enough to be killed in the middle.
    const simulator = await startSimulatorProcess('kappa:4000,lambda:1500', '300,60,0');
    try {
      const dirs = temporaryDirs();
      const { args, lakeOf, stateOf } = cliRunsOf(simulator.document, dirs.root);

      const reference = await runAvesa(args('reference'));
      expect(reference.code).toBe(0);

      const kills: Array<NodeJS.Signals | null> = [];
      for (const killAfterMs of [1_500, 2_300, 3_100]) {
        const attempt = await runAvesa(args('killed'), { killAfterMs });
        kills.push(attempt.signal);
        if (attempt.signal !== 'SIGKILL') break; // the job finished before this kill: nothing left to interrupt
      }
      expect(kills.filter((signal) => signal === 'SIGKILL').length).toBeGreaterThanOrEqual(2);
      const jobId = readFileSync(join(stateOf('killed'), 'current-job'), 'utf8').trim();
      const final = await runAvesa(args('killed'));

      expect(final.code).toBe(0);
      const summary = JSON.parse(final.stdout) as { jobId: string; status: string };
      expect(summary).toMatchObject({ jobId, status: 'succeeded' });
      const expected = (await readLake(lakeOf('reference'))).map(rowKey).sort();
      const resumed = (await readLake(lakeOf('killed')))
        .filter((row) => row.job_id === jobId)
        .map(rowKey)
        .sort();
      expect(resumed).toEqual(expected);

      const state = new LocalStateStore(join(stateOf('killed'), 'state.log'));
      try {
        for (const tenant of ['kappa', 'lambda']) {
          const marks = await listWatermarks(state, tenant);
          expect(marks.map((mark) => [mark.table, mark.jobId])).toEqual(
            ['companies', 'contacts', 'tickets', 'time_entries'].map((table) => [table, jobId]),
          );
        }
      } finally {
        state.close();
      }
    } finally {
      await simulator.stop();
    }
  }, 180_000);
});
