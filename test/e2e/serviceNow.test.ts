import { queryLake } from '../../local/cli/query';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { SERVICENOW_DEFAULT_TABLES } from '../../sources/servicenow/tables';
import { listWatermarks } from '../../shared/state/watermarks';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import {
  startServiceNowSimulator,
  startSimulator,
  type FaultOptions,
  type ServiceNowTableName,
  type Simulator,
} from '../../simulator';
import {
  credentialsOf,
  readCanonical,
  readRawLake,
  runJob,
  temporaryDirs,
  type SourceLakeRow,
} from './harness';
import { join } from 'node:path';

/** A tenant of this suite: ServiceNow table sizes, and ConnectWise ones when it has both sources. */
interface Tenant {
  id: string;
  servicenow: Partial<Record<ServiceNowTableName, number>>;
  connectwise?: Partial<Record<'companies' | 'contacts' | 'tickets' | 'time_entries', number>>;
  /** Registers the tenant's ServiceNow user with a wrong password. */
  wrongPassword?: boolean;
  /** The tenant's `pageSize` (records per ServiceNow request). */
  pageSize?: number;
}

/** ServiceNow table → canonical table, the connector's default catalogue read backwards. */
const TABLE_OF = Object.fromEntries(
  Object.entries(SERVICENOW_DEFAULT_TABLES).map(([table, snTable]) => [snTable, table]),
) as Record<ServiceNowTableName, string>;

const snUser = (id: string) => ({ username: `${id}.integration`, password: `${id}-Secret-pw` });
const fastRetries = { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } };

async function startSources(fleet: Tenant[], faults?: FaultOptions) {
  const serviceNow = await startServiceNowSimulator({
    instances: fleet.map((tenant) => ({ name: tenant.id, ...snUser(tenant.id), sizes: tenant.servicenow })),
    ...(faults ? { faults, latency: { baseMs: 2, jitterMs: 5, perRecordMs: 0 } } : {}),
  });
  const withConnectWise = fleet.filter((tenant) => tenant.connectwise);
  const connectWise: Simulator | undefined =
    withConnectWise.length > 0
      ? await startSimulator({
          tenants: withConnectWise.map((tenant) => ({
            ...credentialsOf(tenant.id),
            sizes: tenant.connectwise!,
            requestsPerMinute: 100_000,
          })),
        })
      : undefined;
  const document = {
    tenants: fleet.map((tenant) => ({
      id: tenant.id,
      services: {
        servicenow: {
          instanceUrl: serviceNow.instanceUrl,
          ...snUser(tenant.id),
          ...(tenant.wrongPassword ? { password: 'not-the-password' } : {}),
          tables: [
            ...new Set(Object.keys(tenant.servicenow).map((table) => TABLE_OF[table as ServiceNowTableName])),
          ],
          ...(tenant.pageSize ? { pageSize: tenant.pageSize } : {}),
        },
        ...(tenant.connectwise
          ? {
              connectwise: {
                baseUrl: connectWise!.baseUrl,
                ...credentialsOf(tenant.id),
                tables: Object.keys(tenant.connectwise),
              },
            }
          : {}),
      },
    })),
  };
  return {
    serviceNow,
    connectWise,
    tenants: parseTenantsFile(document, {}),
    stop: async () => {
      await serviceNow.stop();
      await connectWise?.stop();
    },
  };
}

type RawRow = SourceLakeRow & { source: string };

/** Every raw row of every source, read with DuckDB as a user would (ids as text across sources). */
async function readRaw(lakeDir: string): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for (const source of ['connectwise', 'servicenow']) {
    try {
      rows.push(...(await readRawLake(lakeDir, source)).map((row) => ({ ...row, source })));
    } catch (error) {
      // A fleet without this source has no files of it.
      if (!/No files found/.test(String(error))) throw error;
    }
  }
  return rows;
}

const idsOf = (rows: RawRow[], tenantId: string, source: string, table: string) =>
  rows
    .filter((row) => row.tenant_id === tenantId && row.source === source && row.table_name === table)
    .map((row) => row.id)
    .sort();

async function sql<T>(lakeDir: string, statement: string): Promise<T[]> {
  return JSON.parse(await queryLake({ lakeDir, sql: statement, format: 'json' })) as T[];
}

describe('ServiceNow end to end, beside ConnectWise', () => {
  it('given a tenant with ConnectWise and ServiceNow, when synced twice, then each source lands exactly once, the canonical views hold both with their source, and the second job fetches only what changed at either source', async () => {
    // Prepare
    const fleet: Tenant[] = [
      {
        id: 'acme',
        servicenow: { customer_account: 30, customer_contact: 80, incident: 600, task_time_worked: 200 },
        connectwise: { companies: 50, tickets: 400 },
      },
      { id: 'solo', servicenow: { incident: 150 } },
    ];
    const sources = await startSources(fleet);
    const dirs = temporaryDirs();
    const planner = { targetChunkRecords: 250, overlapSeconds: 0 };
    try {
      // Act
      const first = await runJob({ tenants: sources.tenants, ...dirs, planner });
      const afterFirst = await readRaw(dirs.lakeDir);
      const changedIncidents = sources.serviceNow.mutate('acme', 'incident', 7);
      const changedTickets = sources.connectWise!.mutate('acme', 'tickets', 3);
      const second = await runJob({ tenants: sources.tenants, ...dirs, planner });

      // Assess
      expect(first.progress.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['acme', 'succeeded'],
        ['solo', 'succeeded'],
      ]);
      for (const [table, snTable] of [
        ['companies', 'customer_account'],
        ['contacts', 'customer_contact'],
        ['tickets', 'incident'],
        ['time_entries', 'task_time_worked'],
      ] as const) {
        expect(idsOf(afterFirst, 'acme', 'servicenow', table)).toEqual(
          sources.serviceNow.ids('acme', snTable),
        );
      }
      expect(idsOf(afterFirst, 'acme', 'connectwise', 'tickets')).toEqual(
        sources
          .connectWise!.records('acme', 'tickets')
          .map((record) => String(record.id))
          .sort(),
      );
      const current = await sql<{ tenant_id: string; source: string; n: string }>(
        dirs.lakeDir,
        'SELECT tenant_id, source, count(*)::INTEGER::VARCHAR AS n FROM tickets GROUP BY ALL ORDER BY ALL',
      );
      expect(current).toEqual([
        { tenant_id: 'acme', source: 'connectwise', n: '400' },
        { tenant_id: 'acme', source: 'servicenow', n: '600' },
        { tenant_id: 'solo', source: 'servicenow', n: '150' },
      ]);
      const inSecondJob = (await readRaw(dirs.lakeDir)).filter((row) => row.job_id === second.jobId);
      expect(
        inSecondJob
          .filter((row) => row.source === 'servicenow')
          .map((row) => row.id)
          .sort(),
      ).toEqual([...changedIncidents].sort());
      expect(inSecondJob.filter((row) => row.source === 'connectwise').map((row) => Number(row.id))).toEqual(
        changedTickets,
      );
      // Each changed incident's current row has the state the instance holds now (an edit of fields the
      // mapping does not read, such as a closed incident's close notes, adds no version).
      const STATUS: Record<string, string> = {
        '1': 'New',
        '2': 'In Progress',
        '3': 'On Hold',
        '6': 'Resolved',
        '7': 'Closed',
        '8': 'Canceled',
      };
      const expected = sources.serviceNow
        .records('acme', 'incident')
        .filter((record) => changedIncidents.includes(record.sys_id as string))
        .map((record) => ({ ticket_id: record.sys_id as string, status: STATUS[record.state as string]! }));
      const changedRows = await sql<{ ticket_id: string; status: string }>(
        dirs.lakeDir,
        `SELECT ticket_id, status FROM tickets
         WHERE tenant_id = 'acme' AND source = 'servicenow' AND ticket_id IN (${changedIncidents.map((id) => `'${id}'`).join(', ')})
         ORDER BY ticket_id`,
      );
      expect(changedRows).toEqual(expected);
      const acme = second.progress.tenants.find((tenant) => tenant.tenantId === 'acme')!;
      expect(acme.tables.map((table) => `${table.source}/${table.table}`).sort()).toEqual([
        'connectwise/companies',
        'connectwise/tickets',
        'servicenow/companies',
        'servicenow/contacts',
        'servicenow/tickets',
        'servicenow/time_entries',
      ]);
    } finally {
      await sources.stop();
    }
  }, 120_000);

  it('given many incidents sharing one sys_updated_on second across page and chunk boundaries and on the watermark, when synced twice, then every one is fetched exactly once per change', async () => {
    const sources = await startSources([{ id: 'ties', servicenow: { incident: 2_500 }, pageSize: 100 }]);
    const dirs = temporaryDirs();
    const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };
    try {
      const ids = sources.serviceNow.ids('ties', 'incident');
      // 600 incidents around the first chunk boundary (sys_ids are uniform) share one second.
      sources.serviceNow.setUpdatedOn('ties', 'incident', ids.slice(700, 1300), '2025-06-01 08:00:00');

      const first = await runJob({ tenants: sources.tenants, ...dirs, planner });
      const tickets = first.progress.tenants[0]!.tables.find((table) => table.table === 'tickets')!;
      expect(tickets.chunksTotal).toBeGreaterThan(1);
      // Pages of 100 (the tenant's pageSize): one raw part per page, so page boundaries fall inside the ties.
      expect(tickets.files).toBeGreaterThanOrEqual(25);
      const rows = await readRaw(dirs.lakeDir);
      expect(idsOf(rows, 'ties', 'servicenow', 'tickets')).toEqual(ids);
      expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);

      // Changed in the very second the first job's window closed, after it read them.
      sources.serviceNow.setUpdatedOn('ties', 'incident', ids.slice(0, 5), first.progress.jobStartedAt);
      const second = await runJob({ tenants: sources.tenants, ...dirs, planner });

      const again = (await readRaw(dirs.lakeDir)).filter((row) => row.job_id === second.jobId);
      expect(again.map((row) => row.id).sort()).toEqual(ids.slice(0, 5));
      const state = new LocalStateStore(join(dirs.stateDir, 'state.log'));
      try {
        expect((await listWatermarks(state, 'ties')).map((mark) => mark.watermark)).toEqual([
          second.progress.jobStartedAt,
        ]);
      } finally {
        state.close();
      }
    } finally {
      await sources.stop();
    }
  }, 120_000);

  it('given bad ServiceNow credentials, when synced, then that tenant fails its ServiceNow tables naming tenant, source and cause, while its ConnectWise tables and the other tenants complete', async () => {
    const sources = await startSources([
      { id: 'acme', servicenow: { incident: 50 }, connectwise: { tickets: 120 }, wrongPassword: true },
      { id: 'other', servicenow: { incident: 40, customer_account: 10 } },
    ]);
    const dirs = temporaryDirs();
    try {
      const run = await runJob({ tenants: sources.tenants, ...dirs });

      expect(run.progress.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['acme', 'failed'],
        ['other', 'succeeded'],
      ]);
      const acme = run.progress.tenants.find((tenant) => tenant.tenantId === 'acme')!;
      const bySource = (source: string) => acme.tables.filter((table) => table.source === source);
      expect(bySource('connectwise').map((table) => [table.table, table.status, table.records])).toEqual([
        ['tickets', 'synced', 120],
      ]);
      expect(bySource('servicenow').map((table) => table.status)).toEqual(['failed']);
      expect(bySource('servicenow')[0]!.error).toMatchObject({
        code: 'AuthenticationFailed',
        retryable: false,
      });
      expect(bySource('servicenow')[0]!.error!.message).toMatch(
        /^tenant acme, source servicenow, table tickets: .*(401|credentials|password)/i,
      );
      expect(JSON.stringify(run.progress)).not.toContain('Secret-pw');
      expect(run.dlq).toBe(0);
    } finally {
      await sources.stop();
    }
  }, 60_000);

  it.each([
    ['a 429 storm', { seed: 5, rate429: 0.2, retryAfterSeconds: 1 }],
    ['500 timeouts, 502 and 503', { seed: 6, rate500Timeout: 0.05, rate502: 0.04, rate503: 0.04 }],
    ['connection resets and truncated bodies', { seed: 8, rateReset: 0.04, rateTruncated: 0.04 }],
  ] as Array<[string, FaultOptions]>)(
    'given %s at ServiceNow, when synced, then the raw lake, the canonical history and the watermarks equal a fault-free run',
    async (_name, faults) => {
      const fleet: Tenant[] = [
        {
          id: 'delta',
          servicenow: { customer_account: 40, incident: 1_200, task_time_worked: 300 },
          pageSize: 200,
        },
        { id: 'echo', servicenow: { incident: 400 }, pageSize: 200 },
      ];
      const planner = { targetChunkRecords: 400, overlapSeconds: 0 };
      const outcome = async (withFaults?: FaultOptions) => {
        const sources = await startSources(fleet, withFaults);
        const dirs = temporaryDirs();
        try {
          const run = await runJob({ tenants: sources.tenants, ...dirs, planner, client: fastRetries });
          const state = new LocalStateStore(join(dirs.stateDir, 'state.log'));
          const watermarks = await Promise.all(
            fleet.map(async (tenant) =>
              (await listWatermarks(state, tenant.id)).map(
                (mark) => mark.watermark === run.progress.jobStartedAt,
              ),
            ),
          );
          state.close();
          const raw = await readRaw(dirs.lakeDir);
          return {
            statuses: run.progress.tenants.map((tenant) => tenant.status),
            raw: new Map(raw.map((row) => [`${row.tenant_id}/${row.table_name}/${row.id}`, row.payload])),
            canonical: await readCanonical(dirs.lakeDir),
            watermarks,
            faultsSeen: sources.serviceNow.requests().filter((request) => request.fault !== undefined).length,
          };
        } finally {
          await sources.stop();
        }
      };

      const clean = await outcome();
      const faulty = await outcome(faults);

      expect(faulty.statuses).toEqual(['succeeded', 'succeeded']);
      expect(faulty.faultsSeen).toBeGreaterThan(0);
      expect(faulty.raw).toEqual(clean.raw);
      expect(faulty.canonical).toEqual(clean.canonical);
      expect(faulty.watermarks).toEqual([[true, true, true], [true]]);
    },
    120_000,
  );
});
