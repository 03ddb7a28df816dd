import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_TENANTS, demoSizes } from '../../local/demo';
import { cliRunsOf, lakeContents, readLake, runAvesa, startSimulatorProcess, temporaryDirs } from './harness';

interface Summary {
  status: string;
  invocations: Record<string, number>;
  invocationsPastDeadline: number;
  tenants: Array<{
    tenantId: string;
    status: string;
    records: number;
    tables: Array<{
      table: string;
      status: string;
      records: number;
      watermark: string | null;
      errors: Array<{ code: string; message: string }>;
    }>;
  }>;
}

describe('the avesa CLI', () => {
  it('given a tiny per-invocation deadline, when a tenants file is synced, then chunks continue in new invocations, none runs past its deadline, and the lake equals an unhurried run', async () => {
    // 300 ms pages and a 1 s deadline: a 3,000-record chunk (3 pages) needs at least two invocations.
    const simulator = await startSimulatorProcess('delta:6000,epsilon:900', '300,40,0');
    try {
      const dirs = temporaryDirs();
      const runs = cliRunsOf(simulator.document, dirs.root);
      const run = async (name: string, extra: string[]) => {
        const result = await runAvesa(runs.args(name, ...extra));
        expect(result.stderr).toBe('');
        return {
          code: result.code,
          summary: JSON.parse(result.stdout) as Summary,
          lake: lakeContents(await readLake(runs.lakeOf(name))),
        };
      };
      const unhurried = await run('unhurried', []);
      const hurried = await run('hurried', ['--deadline-ms', '1000']);

      expect([unhurried.code, hurried.code]).toEqual([0, 0]);
      expect(hurried.summary.invocationsPastDeadline).toBe(0);
      expect(hurried.summary.invocations.fetcher).toBeGreaterThan(
        1.5 * unhurried.summary.invocations.fetcher!,
      );
      expect(hurried.lake.size).toBe(6000 + 300 + 750 + 12000 + 900 + 45 + 113 + 1800);
      expect(hurried.lake).toEqual(unhurried.lake);
    } finally {
      await simulator.stop();
    }
  }, 180_000);

  it('given one tenant with bad credentials, when synced, then that tenant fails with a message naming it, the others complete, and the exit code is 1', async () => {
    const simulator = await startSimulatorProcess('good-one:300,bad-one:300,good-two:200', '0,0,0');
    try {
      const dirs = temporaryDirs();
      const document = structuredClone(simulator.document);
      document.tenants[1]!.services.connectwise.privateKey = { env: 'BAD_ONE_KEY' };
      const tenantsFile = join(dirs.root, 'tenants.json');
      writeFileSync(tenantsFile, JSON.stringify(document));

      const result = await runAvesa(
        ['run', '--tenants', tenantsFile, '--lake', dirs.lakeDir, '--state', dirs.stateDir, '--json'],
        { env: { BAD_ONE_KEY: 'not-the-key-XYZZY' } },
      );

      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout) as Summary;
      expect(summary.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['bad-one', 'failed'],
        ['good-one', 'succeeded'],
        ['good-two', 'succeeded'],
      ]);
      const errors = summary.tenants[0]!.tables.flatMap((table) => table.errors);
      expect(errors).toHaveLength(4);
      for (const error of errors) {
        expect(error.code).toBe('AuthenticationFailed');
        expect(error.message).toMatch(
          /^tenant bad-one, source connectwise, table \w+: ConnectWise rejected the credentials \(401\)/,
        );
      }
      expect(result.stdout + result.stderr).not.toContain('XYZZY');
      expect(summary.tenants[1]!.records).toBe(300 + 15 + 38 + 600);
    } finally {
      await simulator.stop();
    }
  }, 120_000);

  it.each([['../x'], ['A B']])(
    'given tenant id %j, when run, then it is rejected before anything is written',
    async (badId) => {
      const dirs = temporaryDirs();
      const tenantsFile = join(dirs.root, 'tenants.json');
      writeFileSync(
        tenantsFile,
        JSON.stringify({
          tenants: [
            {
              id: badId,
              services: {
                connectwise: {
                  baseUrl: 'http://127.0.0.1:9/v4_6_release/apis/3.0',
                  companyId: 'x',
                  publicKey: 'p',
                  privateKey: 'k',
                  clientId: 'c',
                },
              },
            },
          ],
        }),
      );

      const result = await runAvesa([
        'run',
        '--tenants',
        tenantsFile,
        '--lake',
        dirs.lakeDir,
        '--state',
        dirs.stateDir,
      ]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `tenant ${JSON.stringify(badId)}: id: must match ^[a-z0-9][a-z0-9-]{0,62}$`,
      );
      expect(existsSync(dirs.lakeDir)).toBe(false);
      expect(existsSync(dirs.stateDir)).toBe(false);
    },
  );

  it('given no arguments, when run twice, then the demo syncs its tenants from every source and the second run fetches only the changed records; status shows both jobs', async () => {
    const dirs = temporaryDirs();
    const args = ['--lake', dirs.lakeDir, '--state', dirs.stateDir, '--json'];

    const first = await runAvesa(['run', ...args]);
    const second = await runAvesa(['run', ...args]);
    const status = await runAvesa(['status', '--state', dirs.stateDir, '--json']);

    expect([first.code, second.code, status.code]).toEqual([0, 0, 0]);
    const firstSummary = JSON.parse(first.stdout) as Summary;
    const secondSummary = JSON.parse(second.stdout) as Summary;
    expect(firstSummary.tenants.map((tenant) => tenant.status)).toEqual(DEMO_TENANTS.map(() => 'succeeded'));
    const total = (summary: Summary) => summary.tenants.reduce((sum, tenant) => sum + tenant.records, 0);
    const sizes = demoSizes().map((entry) => entry.size);
    expect(total(firstSummary)).toBe(sizes.reduce((sum, size) => sum + size, 0));
    // The demo changes 1% of each table (rounded up) between runs; only those are fetched again.
    expect(total(secondSummary)).toBe(sizes.reduce((sum, size) => sum + Math.ceil(size / 100), 0));
    expect((JSON.parse(status.stdout) as { jobs: unknown[] }).jobs).toHaveLength(2);

    // The canonical views: current rows equal the source, and each changed ticket has exactly one closed version.
    const tickets = demoSizes()
      .filter((entry) => entry.table === 'tickets')
      .map((entry) => entry.size);
    const query = await runAvesa([
      'query',
      'SELECT count(*) FILTER (WHERE is_current) AS current, count(*) FILTER (WHERE NOT is_current) AS closed FROM tickets_history',
      '--lake',
      dirs.lakeDir,
      '--json',
    ]);
    expect(query.code).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([
      {
        current: String(tickets.reduce((sum, size) => sum + size, 0)),
        closed: String(tickets.reduce((sum, size) => sum + Math.ceil(size / 100), 0)),
      },
    ]);
  }, 120_000);
});
