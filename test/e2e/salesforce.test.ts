import { join } from 'node:path';
import { queryLake } from '../../local/cli/query';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { listWatermarks } from '../../shared/state/watermarks';
import { clearSalesforceSessions } from '../../sources/salesforce/client';
import { SALESFORCE_DEFAULT_OBJECTS } from '../../sources/salesforce/tables';
import {
  startSalesforceSimulator,
  startServiceNowSimulator,
  startSimulator,
  type SalesforceObjectName,
  type SalesforceSimulatorOptions,
  type SimulatedOrg,
} from '../../simulator';
import {
  credentialsOf,
  readCanonical,
  readRawLake,
  runJob,
  temporaryDirs,
  type SourceLakeRow,
} from './harness';

type Sizes = Partial<Record<SalesforceObjectName, number>>;

interface Org {
  id: string;
  sizes: Sizes;
  /** The tenant's Salesforce settings beyond the login URL. */
  settings?: Record<string, unknown>;
  org?: Partial<SimulatedOrg>;
}

const app = (id: string) => ({ clientId: `${id}-connected-app`, clientSecret: `${id}-consumer-secret` });
const TABLE_OF = Object.fromEntries(
  Object.entries(SALESFORCE_DEFAULT_OBJECTS).map(([table, object]) => [object, table]),
) as Record<string, string>;
const tablesOf = (sizes: Sizes) =>
  Object.keys(sizes)
    .map((object) => TABLE_OF[object])
    .filter((table) => table !== undefined);

async function startOrgs(orgs: Org[], options: Partial<SalesforceSimulatorOptions> = {}) {
  const salesforce = await startSalesforceSimulator({
    orgs: orgs.map((org) => ({ name: org.id, ...app(org.id), sizes: org.sizes, ...org.org })),
    ...options,
  });
  const tenants = parseTenantsFile(
    {
      tenants: orgs.map((org) => ({
        id: org.id,
        services: {
          salesforce: {
            loginUrl: salesforce.instanceUrl,
            ...app(org.id),
            tables: tablesOf(org.sizes),
            ...org.settings,
          },
        },
      })),
    },
    {},
  );
  return { salesforce, tenants };
}

const rawIds = (rows: SourceLakeRow[], tenantId: string, table: string) =>
  rows
    .filter((row) => row.tenant_id === tenantId && row.table_name === table)
    .map((row) => row.id)
    .sort();

async function sql<T>(lakeDir: string, statement: string): Promise<T[]> {
  return JSON.parse(await queryLake({ lakeDir, sql: statement, format: 'json' })) as T[];
}

/** The lake as a clean run leaves it: raw records by key (payload) and the canonical history. */
async function lakeOf(lakeDir: string) {
  const raw = await readRawLake(lakeDir, 'salesforce');
  return {
    raw: new Map(raw.map((row) => [`${row.tenant_id}/${row.table_name}/${row.id}`, row.payload])),
    rawRows: raw.length,
    canonical: await readCanonical(lakeDir),
  };
}

const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };

beforeEach(() => clearSalesforceSessions());

describe('Salesforce end to end', () => {
  it('given a tenant with ConnectWise, ServiceNow and Salesforce, when synced twice, then each source lands once with its source in the canonical views, and the second job fetches only what changed', async () => {
    const salesforce = await startSalesforceSimulator({
      orgs: [
        {
          name: 'acme',
          ...app('acme'),
          sizes: { Account: 40, Contact: 120, Case: 2_600, WorkOrder: 50, TimeSheetEntry: 300 },
        },
      ],
    });
    const serviceNow = await startServiceNowSimulator({
      instances: [{ name: 'acme', username: 'acme.sn', password: 'sn-Secret-pw', sizes: { incident: 300 } }],
    });
    const connectWise = await startSimulator({
      tenants: [{ ...credentialsOf('acme'), sizes: { tickets: 200 }, requestsPerMinute: 100_000 }],
    });
    const tenants = parseTenantsFile(
      {
        tenants: [
          {
            id: 'acme',
            services: {
              connectwise: { baseUrl: connectWise.baseUrl, ...credentialsOf('acme'), tables: ['tickets'] },
              servicenow: {
                instanceUrl: serviceNow.instanceUrl,
                username: 'acme.sn',
                password: 'sn-Secret-pw',
                tables: ['tickets'],
              },
              salesforce: { loginUrl: salesforce.instanceUrl, ...app('acme') },
            },
          },
        ],
      },
      {},
    );
    const dirs = temporaryDirs();
    try {
      const first = await runJob({ tenants, ...dirs, planner });
      const afterFirst = await readRawLake(dirs.lakeDir, 'salesforce');
      const changedCases = salesforce.mutate('acme', 'Case', 9);
      const changedAccounts = salesforce.mutate('acme', 'Account', 2);
      const second = await runJob({ tenants, ...dirs, planner });

      expect(first.progress.tenants[0]!.status).toBe('succeeded');
      expect(first.dlq).toBe(0);
      for (const [table, object] of Object.entries(SALESFORCE_DEFAULT_OBJECTS)) {
        expect(rawIds(afterFirst, 'acme', table)).toEqual(
          salesforce.ids('acme', object as SalesforceObjectName),
        );
      }
      const tickets = first.progress.tenants[0]!.tables.find(
        (table) => table.source === 'salesforce' && table.table === 'tickets',
      )!;
      // 2,600 cases at 1,000 per chunk: several SystemModstamp ranges, together every case once.
      expect(tickets.chunksTotal).toBeGreaterThan(1);
      expect(new Set(afterFirst.map((row) => `${row.table_name}/${row.id}`)).size).toBe(afterFirst.length);
      const counts = await sql<{ source: string; n: string; distinct_ids: string }>(
        dirs.lakeDir,
        `SELECT source, count(*)::VARCHAR AS n, count(DISTINCT ticket_id)::VARCHAR AS distinct_ids
         FROM tickets WHERE tenant_id = 'acme' GROUP BY ALL ORDER BY ALL`,
      );
      expect(counts).toEqual([
        { source: 'connectwise', n: '200', distinct_ids: '200' },
        { source: 'salesforce', n: '2600', distinct_ids: '2600' },
        { source: 'servicenow', n: '300', distinct_ids: '300' },
      ]);
      // A time entry's ticket is its work order's case: every one that has a case points at a synced ticket.
      const orphans = await sql<{ n: string }>(
        dirs.lakeDir,
        `SELECT count(*)::VARCHAR AS n FROM time_entries e
         WHERE e.source = 'salesforce' AND e.ticket_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.source = 'salesforce' AND t.ticket_id = e.ticket_id)`,
      );
      expect(orphans).toEqual([{ n: '0' }]);

      const inSecondJob = (await readRawLake(dirs.lakeDir, 'salesforce')).filter(
        (row) => row.job_id === second.jobId,
      );
      expect(rawIds(inSecondJob, 'acme', 'tickets')).toEqual([...changedCases].sort());
      expect(rawIds(inSecondJob, 'acme', 'companies')).toEqual([...changedAccounts].sort());
      expect(inSecondJob.filter((row) => ['contacts', 'time_entries'].includes(row.table_name))).toEqual([]);
      const changed = salesforce
        .records('acme', 'Case')
        .filter((record) => changedCases.includes(record.Id as string));
      const current = await sql<{ ticket_id: string; status: string }>(
        dirs.lakeDir,
        `SELECT ticket_id, status FROM tickets WHERE source = 'salesforce'
           AND ticket_id IN (${changedCases.map((id) => `'${id}'`).join(', ')}) ORDER BY ticket_id`,
      );
      expect(current).toEqual(
        changed
          .map((record) => ({ ticket_id: record.Id as string, status: record.Status as string }))
          .sort((a, b) => (a.ticket_id < b.ticket_id ? -1 : 1)),
      );
      expect(second.progress.tenants[0]!.status).toBe('succeeded');
    } finally {
      await Promise.all([salesforce.stop(), serviceNow.stop(), connectWise.stop()]);
    }
  }, 120_000);

  it('given sessions that expire mid-job, when synced, then each is renewed once and the lake equals a clean run', async () => {
    // One request at a time: an expiry lands between requests, as the org's session timeout does.
    const orgs: Org[] = [
      {
        id: 'globex',
        sizes: { Account: 30, Case: 3_000 },
        settings: { pageSize: 200, maxConcurrentRequests: 1 },
      },
    ];
    const run = async (expireEvery?: number) => {
      const { salesforce, tenants } = await startOrgs(orgs);
      let queries = 0;
      salesforce.onRequest((request) => {
        if (expireEvery && request.path.includes('/query') && ++queries % expireEvery === 0)
          salesforce.expireSessions('globex');
      });
      const dirs = temporaryDirs();
      try {
        const job = await runJob({ tenants, ...dirs, planner });
        const log = salesforce.requests('globex');
        return {
          status: job.progress.tenants[0]!.status,
          lake: await lakeOf(dirs.lakeDir),
          tokens: log.filter((request) => request.path === '/services/oauth2/token').length,
          rejected: log.filter((request) => request.status === 401).length,
        };
      } finally {
        clearSalesforceSessions();
        await salesforce.stop();
      }
    };

    const clean = await run();
    const expiring = await run(8);

    expect(clean.tokens).toBe(1);
    expect(expiring.status).toBe('succeeded');
    expect(expiring.rejected).toBeGreaterThan(2);
    // One new session per expiry: the requests in flight when it struck share it.
    expect(expiring.tokens).toBeGreaterThan(2);
    expect(expiring.tokens).toBeLessThanOrEqual(expiring.rejected + 1);
    expect(expiring.lake).toEqual(clean.lake);
  }, 120_000);

  it("given the tenant's share of the daily quota reached mid-job, when synced, then the lane pauses without failing, the next job resumes after the quota rolls over, and the lake equals a clean run with nothing fetched twice", async () => {
    const sizes: Sizes = { Account: 50, Contact: 100, Case: 6_000 };
    let nowMs = Date.parse('2026-11-30T00:00:00Z');
    const clock = { now: () => new Date(nowMs) };
    const paused = await startOrgs(
      // 200 per batch: ~36 requests for everything; the sync may use 50% of 40 = 20.
      [
        {
          id: 'initech',
          sizes,
          settings: { pageSize: 200, dailyQuotaShare: 0.5 },
          org: { dailyRequestLimit: 40 },
        },
      ],
      clock,
    );
    const clean = await startOrgs([{ id: 'initech', sizes, settings: { pageSize: 200 } }]);
    const pausedDirs = temporaryDirs();
    const cleanDirs = temporaryDirs();
    try {
      const cleanRun = await runJob({ tenants: clean.tenants, ...cleanDirs, planner });
      const first = await runJob({ tenants: paused.tenants, ...pausedDirs, planner });
      const usedInFirst = paused.salesforce.apiUsage('initech').used;
      clearSalesforceSessions();
      const sameDay = await runJob({ tenants: paused.tenants, ...pausedDirs, planner });
      const usedSameDay = paused.salesforce.apiUsage('initech').used;
      // A day later the rolling 24 h allocation has room again (the sessions have expired meanwhile too). Each
      // job is a new process, as `avesa run` is, so none remembers the org's usage.
      nowMs += 25 * 3600_000;
      clearSalesforceSessions();
      const nextDay = await runJob({ tenants: paused.tenants, ...pausedDirs, planner });

      expect(cleanRun.progress.tenants[0]!.status).toBe('succeeded');
      const tenant = first.progress.tenants[0]!;
      expect(tenant.status).toBe('paused');
      expect(first.dlq).toBe(0);
      const tickets = tenant.tables.find((table) => table.table === 'tickets')!;
      expect(tickets.status).toBe('paused');
      expect(tickets.error).toMatchObject({ code: 'QuotaExhausted', retryable: true });
      expect(tickets.error!.message).toMatch(
        /^tenant initech, source salesforce, table tickets: paused: the org has used \d+ of its 40 daily API requests, and this sync stops at 50% \(dailyQuotaShare 0\.5\)/,
      );
      expect(tenant.tables.every((table) => table.status === 'synced' || table.status === 'paused')).toBe(
        true,
      );
      // The quota's last requests stay for the tenant's own users (a few in flight may pass the line).
      expect(usedInFirst).toBeLessThanOrEqual(20 + 4);
      // Still inside the same 24 h: the next job pauses again after at most the requests in flight.
      expect(sameDay.progress.tenants[0]!.status).toBe('paused');
      expect(usedSameDay - usedInFirst).toBeLessThanOrEqual(4);
      expect(nextDay.progress.tenants[0]!.status).toBe('succeeded');

      const resumed = await lakeOf(pausedDirs.lakeDir);
      const reference = await lakeOf(cleanDirs.lakeDir);
      expect(resumed.raw).toEqual(reference.raw);
      // Every record was written once over the three jobs: the resumed chunks continued after their cursor.
      expect(resumed.rawRows).toBe(reference.rawRows);
      expect(resumed.canonical).toEqual(reference.canonical);
      const state = new LocalStateStore(join(pausedDirs.stateDir, 'state.log'));
      try {
        const marks = await listWatermarks(state, 'initech');
        // The resumed chunks kept the window of the job that planned them: the first job's for tickets; a
        // small table the same-day job probed (one chunk over its window) and paused, that job's. Tables that
        // synced went on from there.
        const windowEnd = (table: string) =>
          sameDay.progress.tenants[0]!.tables.find((row) => row.table === table)!.status === 'paused'
            ? sameDay.progress.jobStartedAt
            : nextDay.progress.jobStartedAt;
        expect(marks.map((mark) => [mark.table, mark.watermark])).toEqual([
          ['companies', windowEnd('companies')],
          ['contacts', windowEnd('contacts')],
          ['tickets', first.progress.jobStartedAt],
        ]);
      } finally {
        state.close();
      }
    } finally {
      await Promise.all([paused.salesforce.stop(), clean.salesforce.stop()]);
    }
  }, 180_000);

  it('given many cases sharing one SystemModstamp across batch boundaries, and query locators that expire at once, when synced, then every case is fetched exactly once and the lake equals a run with lasting locators', async () => {
    const sizes: Sizes = { Case: 2_400 };
    const run = async (locatorSeconds?: number) => {
      const { salesforce, tenants } = await startOrgs(
        [{ id: 'ties', sizes, settings: { pageSize: 200 } }],
        locatorSeconds === undefined ? {} : { queryLocatorSeconds: locatorSeconds },
      );
      const ids = salesforce.ids('ties', 'Case');
      salesforce.setSystemModstamp('ties', 'Case', ids.slice(500, 1_300), '2025-06-01T08:00:00.000+0000');
      const dirs = temporaryDirs();
      try {
        const job = await runJob({ tenants, ...dirs, planner });
        const raw = await readRawLake(dirs.lakeDir, 'salesforce');
        return {
          ids,
          status: job.progress.tenants[0]!.status,
          files: job.progress.tenants[0]!.tables[0]!.files,
          rawIds: raw.map((row) => row.id).sort(),
          lake: await lakeOf(dirs.lakeDir),
          expiredLocators: salesforce.requests('ties').filter((request) => request.status === 400).length,
        };
      } finally {
        await salesforce.stop();
      }
    };

    const lasting = await run();
    const expiring = await run(0);

    expect(lasting.status).toBe('succeeded');
    expect(lasting.rawIds).toEqual(lasting.ids);
    // Batches of 200: boundaries fall inside the 800 cases that share one stamp.
    expect(lasting.files).toBeGreaterThanOrEqual(12);
    expect(expiring.status).toBe('succeeded');
    expect(expiring.expiredLocators).toBeGreaterThan(5);
    expect(expiring.rawIds).toEqual(expiring.ids);
    expect(expiring.lake).toEqual(lasting.lake);
  }, 120_000);

  it('given an org without Field Service, when synced, then time_entries fails naming TimeSheetEntry and the other tables complete', async () => {
    const { salesforce, tenants } = await startOrgs([
      {
        id: 'nofs',
        sizes: { Account: 20, Case: 100, TimeSheetEntry: 10 },
        org: { missingObjects: ['TimeSheetEntry'] },
      },
    ]);
    const dirs = temporaryDirs();
    try {
      const job = await runJob({ tenants, ...dirs, planner });
      const tables = job.progress.tenants[0]!.tables;
      expect(tables.map((table) => [table.table, table.status, table.records])).toEqual([
        ['companies', 'synced', 20],
        ['tickets', 'synced', 100],
        ['time_entries', 'failed', 0],
      ]);
      expect(tables[2]!.error).toMatchObject({ code: 'ClientRequestError', retryable: false });
      expect(tables[2]!.error!.message).toMatch(
        /^tenant nofs, source salesforce, table time_entries: the org has no object TimeSheetEntry \(INVALID_TYPE\): TimeSheetEntry needs Field Service enabled; name the object this org keeps time_entries in with the tenant's tableMap/,
      );
      expect(job.dlq).toBe(0);
    } finally {
      await salesforce.stop();
    }
  }, 60_000);

  it('given records soft-deleted at the org, then one restored from the recycle bin, when synced after each, then the deleted ones leave the current views with their last version closed at the deletion, and the restored one opens a new current version', async () => {
    const { salesforce, tenants } = await startOrgs([{ id: 'umbrella', sizes: { Account: 30, Case: 400 } }]);
    const dirs = temporaryDirs();
    try {
      await runJob({ tenants, ...dirs, planner });
      const cases = salesforce.ids('umbrella', 'Case');
      const deleted = [cases[3]!, cases[200]!, cases[399]!];
      const account = salesforce.ids('umbrella', 'Account')[7]!;
      salesforce.deleteRecords('umbrella', 'Case', deleted);
      salesforce.deleteRecords('umbrella', 'Account', [account]);
      const afterDelete = await runJob({ tenants, ...dirs, planner });
      const currentAfterDelete = await sql<{ n: string }>(
        dirs.lakeDir,
        `SELECT count(*)::VARCHAR AS n FROM tickets`,
      );
      const closed = await sql<{ ticket_id: string; closed_at_deletion: boolean; is_current: boolean }>(
        dirs.lakeDir,
        `SELECT ticket_id, valid_to = deleted_at AS closed_at_deletion, is_current FROM tickets_history
         WHERE deleted_at IS NOT NULL ORDER BY ticket_id`,
      );
      const companies = await sql<{ n: string }>(
        dirs.lakeDir,
        `SELECT count(*)::VARCHAR AS n FROM companies WHERE company_id = '${account}'`,
      );
      // The restore's stamp must be a later second than the deletion's: at one instant a deletion wins.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      salesforce.undeleteRecords('umbrella', 'Case', [deleted[1]!]);
      const afterRestore = await runJob({ tenants, ...dirs, planner });
      const restored = await sql<{ valid_to: string | null; deleted: boolean; is_current: boolean }>(
        dirs.lakeDir,
        `SELECT valid_to::VARCHAR AS valid_to, deleted_at IS NOT NULL AS deleted, is_current FROM tickets_history
         WHERE ticket_id = '${deleted[1]}' ORDER BY valid_from`,
      );

      expect(afterDelete.progress.tenants[0]!.status).toBe('succeeded');
      expect(currentAfterDelete).toEqual([{ n: '397' }]);
      expect(closed).toEqual(
        [...deleted].sort().map((ticket_id) => ({ ticket_id, closed_at_deletion: true, is_current: false })),
      );
      expect(companies).toEqual([{ n: '0' }]);
      expect(afterRestore.progress.tenants[0]!.status).toBe('succeeded');
      expect(restored.map(({ deleted, is_current }) => ({ deleted, is_current }))).toEqual([
        { deleted: true, is_current: false },
        { deleted: false, is_current: true },
      ]);
      expect(await sql<{ n: string }>(dirs.lakeDir, `SELECT count(*)::VARCHAR AS n FROM tickets`)).toEqual([
        { n: '398' },
      ]);
    } finally {
      await salesforce.stop();
    }
  }, 120_000);

  it('given records hard-deleted at the org (emptied from the recycle bin, so queryAll no longer has them), when the next job sweeps deletes, then getDeleted finds them and they leave the current views; a job that does not sweep leaves them', async () => {
    // getDeleted reads whole minutes and never the current one, so the deletion is dated 5 minutes back (the
    // org's clock), and the first job is made to look 10 minutes old to the sweep (its deletes-known mark).
    let clockOffsetMs = -5 * 60_000;
    const { salesforce, tenants } = await startOrgs([{ id: 'hooli', sizes: { Case: 300 } }], {
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    const dirs = temporaryDirs();
    const current = async () =>
      (
        await sql<{ ticket_id: string }>(dirs.lakeDir, `SELECT ticket_id FROM tickets ORDER BY ticket_id`)
      ).map((row) => row.ticket_id);
    try {
      const first = await runJob({ tenants, ...dirs, planner });
      const state = new LocalStateStore(join(dirs.stateDir, 'state.log'));
      const known = (await state.get<{ watermark: string }>('deletes#hooli', 'salesforce#tickets'))!;
      const tenMinutesEarlier = new Date(Date.parse(known.value.watermark) - 10 * 60_000).toISOString();
      await state.putIfVersion(
        'deletes#hooli',
        'salesforce#tickets',
        { ...known.value, watermark: tenMinutesEarlier },
        known.version,
      );
      state.close();
      const ids = salesforce.ids('hooli', 'Case');
      const purged = [ids[10]!, ids[250]!];
      salesforce.purgeRecords('hooli', 'Case', purged);
      clockOffsetMs = 0;
      const unswept = await runJob({ tenants, ...dirs, planner });
      const beforeSweep = await current();
      const swept = await runJob({ tenants, ...dirs, planner, sweepDeletes: true });
      const afterSweep = await current();
      const log = salesforce.requests('hooli').filter((request) => request.path.endsWith('/deleted/'));

      expect(first.progress.tenants[0]!.tables[0]!.deleted).toBe(0);
      expect(unswept.progress.tenants[0]!.tables[0]!.deleted).toBe(0);
      expect(beforeSweep).toEqual(ids);
      expect(swept.progress.tenants[0]!.status).toBe('succeeded');
      expect(swept.progress.tenants[0]!.tables[0]!.deleted).toBe(2);
      expect(afterSweep).toEqual(ids.filter((id) => !purged.includes(id)));
      expect(log).toHaveLength(1);
      const history = await sql<{ ticket_id: string; closed: boolean }>(
        dirs.lakeDir,
        `SELECT ticket_id, valid_to = deleted_at AS closed FROM tickets_history WHERE deleted_at IS NOT NULL ORDER BY ticket_id`,
      );
      expect(history).toEqual([...purged].sort().map((ticket_id) => ({ ticket_id, closed: true })));
    } finally {
      await salesforce.stop();
    }
  }, 120_000);
});
