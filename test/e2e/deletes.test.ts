import { queryLake } from '../../local/cli/query';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { startServiceNowSimulator, type ServiceNowSimulator } from '../../simulator';
import { runJob, temporaryDirs } from './harness';

const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };

async function sql<T>(lakeDir: string, statement: string): Promise<T[]> {
  return JSON.parse(await queryLake({ lakeDir, sql: statement, format: 'json' })) as T[];
}

async function startInstance(options: { auditReadable?: boolean; sweepEveryHours?: number } = {}) {
  const serviceNow: ServiceNowSimulator = await startServiceNowSimulator({
    instances: [
      {
        name: 'acme',
        username: 'acme.sn',
        password: 'sn-pw',
        sizes: { incident: 500, customer_account: 20 },
        ...(options.auditReadable === false ? { auditReadable: false } : {}),
      },
    ],
  });
  const tenants = parseTenantsFile(
    {
      tenants: [
        {
          id: 'acme',
          services: {
            servicenow: {
              instanceUrl: serviceNow.instanceUrl,
              username: 'acme.sn',
              password: 'sn-pw',
              tables: ['tickets', 'companies'],
              ...(options.sweepEveryHours === undefined
                ? {}
                : { deletes: { sweepEveryHours: options.sweepEveryHours } }),
            },
          },
        },
      ],
    },
    {},
  );
  return { serviceNow, tenants };
}

describe('deletes at ServiceNow (sys_audit_delete)', () => {
  it('given incidents deleted at the instance, then one restored, when synced with delete sweeps at every sync, then the deleted ones leave the current views closed at their deletion, and the restored one opens a new current version', async () => {
    const { serviceNow, tenants } = await startInstance({ sweepEveryHours: 0 });
    const dirs = temporaryDirs();
    const currentTickets = async () =>
      (await sql<{ id: string }>(dirs.lakeDir, 'SELECT ticket_id AS id FROM tickets ORDER BY 1')).map(
        (row) => row.id,
      );
    try {
      const first = await runJob({ tenants, ...dirs, planner });
      const ids = serviceNow.ids('acme', 'incident');
      const deleted = [ids[0]!, ids[123]!, ids[499]!];
      serviceNow.deleteRecords('acme', 'incident', deleted);
      const second = await runJob({ tenants, ...dirs, planner });
      const afterDelete = await currentTickets();
      const closed = await sql<{ id: string; at_deletion: boolean }>(
        dirs.lakeDir,
        `SELECT ticket_id AS id, valid_to = deleted_at AS at_deletion FROM tickets_history
         WHERE deleted_at IS NOT NULL ORDER BY 1`,
      );
      // The restore stamps sys_updated_on a second later than anything the second job read.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      serviceNow.restoreRecords('acme', 'incident', [deleted[1]!]);
      const third = await runJob({ tenants, ...dirs, planner });
      const restored = await sql<{ deleted: boolean; current: boolean }>(
        dirs.lakeDir,
        `SELECT deleted_at IS NOT NULL AS deleted, is_current AS current FROM tickets_history
         WHERE ticket_id = '${deleted[1]}' ORDER BY valid_from`,
      );

      const tickets = (run: typeof first) =>
        run.progress.tenants[0]!.tables.find((table) => table.table === 'tickets')!;
      expect(first.progress.tenants[0]!.status).toBe('succeeded');
      // The first sync has nothing of ours to delete: no sweep, the clock starts.
      expect(tickets(first).chunksTotal).toBe(1);
      expect(second.progress.tenants[0]!.status).toBe('succeeded');
      expect(tickets(second).deleted).toBe(3);
      expect(afterDelete).toEqual(ids.filter((id) => !deleted.includes(id)));
      expect(closed).toEqual([...deleted].sort().map((id) => ({ id, at_deletion: true })));
      expect(third.progress.tenants[0]!.status).toBe('succeeded');
      // The third sweep's window begins the overlap before the second's end, so it may see those deletions again:
      // a tombstone delivered twice changes nothing, and the restore after it still opens a new version.
      expect(tickets(third).deleted).toBeLessThanOrEqual(3);
      expect(restored).toEqual([
        { deleted: true, current: false },
        { deleted: false, current: true },
      ]);
      expect(await currentTickets()).toEqual(ids.filter((id) => id !== deleted[0] && id !== deleted[2]));
      // Each sweep is one request per table: the audit rows of its window, keyset-paged.
      const sweeps = serviceNow
        .requests('acme')
        .filter((request) => request.path.endsWith('/sys_audit_delete'));
      expect(sweeps).toHaveLength(4);
    } finally {
      await serviceNow.stop();
    }
  }, 120_000);
});
