import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** Raw Parquet parts in a lake so far (one per fetched page). */
function rawParts(lakeDir: string): number {
  if (!existsSync(lakeDir)) return 0;
  return readdirSync(lakeDir, { recursive: true }).filter(
    (path) => String(path).includes('/raw/') && String(path).endsWith('.parquet'),
  ).length;
}

describe('resume after SIGKILL', () => {
  it('given a run killed with SIGKILL at several moments, when started again each time, then it completes the same job with the lake and watermarks of an uninterrupted run, each record once', async () => {
    // 300 ms pages keep the job running for a few seconds, long enough to be killed in the middle.
    const simulator = await startSimulatorProcess('kappa:4000,lambda:1500', '300,60,0');
    try {
      const dirs = temporaryDirs();
      const { args, lakeOf, stateOf } = cliRunsOf(simulator.document, dirs.root);

      const reference = await runAvesa(args('reference'));
      expect(reference.code).toBe(0);

      // Killed once a third, two thirds and all but the last part of the job's raw pages exist: mid-job by
      // progress, whatever the machine's speed.
      const totalParts = rawParts(lakeOf('reference'));
      const kills: Array<NodeJS.Signals | null> = [];
      for (const share of [1 / 3, 2 / 3, (totalParts - 1) / totalParts]) {
        const attempt = await runAvesa(args('killed'), {
          killWhen: () => rawParts(lakeOf('killed')) >= Math.floor(totalParts * share),
        });
        kills.push(attempt.signal);
      }
      expect(kills).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);
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
