import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readCanonical,
  readLake,
  runAvesa,
  startFleet,
  temporaryDirs,
  tenantsDocument,
  type LakeRow,
} from '../e2e/harness';

const rowKey = (row: LakeRow) => `${row.tenant_id}/${row.table_name}/${row.id}`;

function rawParts(lakeDir: string): number {
  if (!existsSync(lakeDir)) return 0;
  return readdirSync(lakeDir, { recursive: true }).filter(
    (path) => String(path).includes('/raw/') && String(path).endsWith('.parquet'),
  ).length;
}

describe('resume after SIGKILL during a backfill', () => {
  it('given `avesa backfill` killed with SIGKILL mid-slice twice, when started again, then it completes with the lake of an uninterrupted backfill and no slice is fetched twice in full', async () => {
    // Yearly slices of 1,000-odd tickets in pages of 100: each slice is a dozen pages, so a kill lands mid-slice.
    const { simulator } = await startFleet([{ id: 'kappa', sizes: { tickets: 4_000 } }], {
      latency: { baseMs: 60, jitterMs: 20, perRecordMs: 0 },
    });
    try {
      const dirs = temporaryDirs();
      const document = tenantsDocument([{ id: 'kappa', sizes: {} }], simulator.baseUrl);
      const services = document.tenants[0]!.services as { connectwise: Record<string, unknown> };
      services.connectwise = {
        ...services.connectwise,
        tables: ['tickets'],
        pageSize: 100,
        backfillSliceDays: 365,
      };
      const tenantsFile = join(dirs.root, 'tenants.json');
      writeFileSync(tenantsFile, JSON.stringify(document));
      const lakeOf = (name: string) => join(dirs.root, name, 'lake');
      const args = (name: string) => [
        'backfill',
        '--tenant',
        'kappa',
        '--from',
        '2023-01-01T00:00:00Z',
        '--to',
        '2026-01-01T00:00:00Z',
        '--tenants',
        tenantsFile,
        '--lake',
        lakeOf(name),
        '--state',
        join(dirs.root, name, 'state'),
        '--json',
      ];
      // Data pages of the tickets list (not the planner's counts and one-id bound queries).
      const dataPages = () =>
        simulator
          .requests('kappa')
          .filter((request) => request.status === 200 && request.query.pageSize === '100').length;

      const reference = await runAvesa(args('reference'));
      expect(reference.code).toBe(0);
      const referencePages = dataPages();
      const totalParts = rawParts(lakeOf('reference'));
      expect(totalParts).toBeGreaterThanOrEqual(40);
      simulator.resetRequests();

      const kills: Array<NodeJS.Signals | null> = [];
      for (const share of [0.3, 0.7]) {
        const attempt = await runAvesa(args('killed'), {
          killWhen: () => rawParts(lakeOf('killed')) >= Math.floor(totalParts * share),
        });
        kills.push(attempt.signal);
      }
      expect(kills).toEqual(['SIGKILL', 'SIGKILL']);
      const final = await runAvesa(args('killed'));

      expect(final.code).toBe(0);
      expect(JSON.parse(final.stdout)).toMatchObject({ status: 'succeeded' });
      const keys = async (name: string) => (await readLake(lakeOf(name))).map(rowKey).sort();
      expect(await keys('killed')).toEqual(await keys('reference'));
      expect(await readCanonical(lakeOf('killed'))).toEqual(await readCanonical(lakeOf('reference')));
      // Each kill costs at most the page in flight of each of the two backfill fetchers (and a few pages
      // the next process fetches before its checkpoint catches up), never a slice of a dozen pages again.
      const extra = dataPages() - referencePages;
      expect(extra).toBeGreaterThanOrEqual(0);
      expect(extra).toBeLessThanOrEqual(kills.length * 2 + 2);
    } finally {
      await simulator.stop();
    }
  }, 180_000);
});
