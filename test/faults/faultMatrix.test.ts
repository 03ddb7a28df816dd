/**
 * The fault-injection suite (issue 4, item 4): every scenario syncs the same small fleet under one fault and is
 * compared with a fault-free reference run. With AVESA_WRITE_DOCS=1 (`npm run docs:fault-matrix`), `afterAll`
 * writes the fault matrix to docs/fault-matrix.md; `npm test` leaves the working tree as it is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPipelineOptions } from '../../local/pipeline';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { listWatermarks } from '../../shared/state/watermarks';
import {
  startSalesforceSimulator,
  startServiceNowSimulator,
  type FaultOptions,
  type LatencyOptions,
  type SalesforceObjectName,
  type ServiceNowTableName,
} from '../../simulator';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { clearSalesforceSessions } from '../../sources/salesforce/client';
import { SALESFORCE_DEFAULT_OBJECTS } from '../../sources/salesforce/tables';
import { SERVICENOW_DEFAULT_TABLES } from '../../sources/servicenow/tables';
import type { JobProgress } from '../../services/progress/readProgress';
import {
  lakeContents,
  readCanonical,
  readRawLake,
  runJob,
  startFleet,
  temporaryDirs,
  type FleetTenant,
} from '../e2e/harness';
import {
  crashOncePerMessage,
  failHalfOfPutEvents,
  publishTwice,
  reorderDeliveries,
  type InjectionCounter,
} from './runtimeFaults';

const FLEET: FleetTenant[] = [
  { id: 'alpha', sizes: { companies: 100, contacts: 300, tickets: 2_500, time_entries: 1_200 } },
  { id: 'beta', sizes: { companies: 40, tickets: 900 } },
];
const planner = { targetChunkRecords: 1_000, overlapSeconds: 0 };
/** Fast client retries so injected faults cost milliseconds, not seconds. */
const retry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 };

type PipelineSeams = Pick<LocalPipelineOptions, 'fetcher' | 'runtime' | 'wrapHandler' | 'wrapBus'> & {
  client?: NonNullable<LocalPipelineOptions['client']>;
};

interface RunResult {
  progress: JobProgress;
  lake: Map<string, string>;
  /** The compacted SCD2 histories (tenant/table/source_id@valid_from → valid_to, is_current, hash). */
  canonical: Map<string, string>;
  /** tenant/table → whether its watermark equals its job's start. */
  watermarks: Map<string, boolean>;
  /** Requests the pipeline sent (counted at its fetch, so abandoned ones count too). */
  requests: number;
  fetcherInvocations: number;
  overruns: number;
  dlq: number;
  /** Injected simulator faults by kind, from the simulator's request log. */
  simulatorFaults: Map<string, number>;
}

interface Expectation {
  /** Tenants expected to fail; all others must succeed. */
  failedTenants?: string[];
  /** Extra evidence that the fault really happened and was handled as intended. */
  then: (run: RunResult, counter: InjectionCounter, reference: RunResult) => void;
}

interface Scenario {
  name: string;
  fault: string;
  /** A fault only one source's simulator can make (ConnectWise's forward-only pageId). */
  only?: string;
  simulator?: { faults?: FaultOptions; latency?: LatencyOptions };
  /** Every tenant's `pageSize` setting (records per list request), when not the source's 1,000. */
  pageSize?: number;
  /** A fresh set of seams per run; the counter records what runtime wrappers injected. */
  pipeline?: (counter: InjectionCounter) => PipelineSeams;
  /** What depends on timing, so the matrix says "varies" instead of printing a number that changes per run. */
  varies?: { requests?: boolean; injections?: boolean };
  /** Deadline scenarios only: an invocation past its deadline is redelivered, not a failure of the scenario. */
  toleratesOverruns?: boolean;
  expect: Expectation;
}

const stormOf = (faults: FaultOptions): Scenario['simulator'] => ({
  faults: { seed: 11, retryAfterSeconds: 1, keyedByRequest: true, ...faults },
});

function sawFault(kind: string) {
  return (run: RunResult) => expect(run.simulatorFaults.get(kind) ?? 0).toBeGreaterThan(0);
}

const SCENARIOS: Scenario[] = [
  {
    name: '429 storm',
    fault: '15% of requests answer 429 with Retry-After: 1',
    simulator: stormOf({ rate429: 0.15 }),
    expect: { then: sawFault('429') },
  },
  {
    name: '500 timeout',
    fault: '10% of requests answer 500 "The operation has timed out"',
    simulator: stormOf({ rate500Timeout: 0.1 }),
    expect: { then: sawFault('500') },
  },
  {
    name: '502 / 503',
    fault: '5% answer 502 (HTML gateway page), 5% answer 503 (empty body)',
    simulator: stormOf({ rate502: 0.05, rate503: 0.05 }),
    expect: {
      then: (run) => {
        sawFault('502')(run);
        sawFault('503')(run);
      },
    },
  },
  {
    name: 'slower than the client timeout',
    fault: '5% of answers delayed 3.5 s; client requestTimeoutMs 2000',
    simulator: stormOf({ rateSlow: 0.05, slowMs: 3_500 }),
    pipeline: () => ({ client: { retry, requestTimeoutMs: 2_000 } }),
    expect: { then: sawFault('slow') },
  },
  {
    name: 'connection reset',
    fault: '5% of 200 answers: socket destroyed after the headers and half the body',
    simulator: stormOf({ rateReset: 0.05 }),
    expect: { then: sawFault('reset') },
  },
  {
    name: 'truncated JSON',
    fault: '5% of 200 answers: a complete HTTP message whose JSON body is cut in half',
    simulator: stormOf({ rateTruncated: 0.05 }),
    expect: { then: sawFault('truncated') },
  },
  {
    name: 'malformed JSON',
    fault: '5% of 200 answers: an HTML page instead of JSON',
    simulator: stormOf({ rateMalformed: 0.05 }),
    expect: { then: sawFault('malformed') },
  },
  {
    name: 'page not an array',
    fault: '5% of 200 answers: `{}` instead of the page (or the count)',
    simulator: stormOf({ rateNotArray: 0.05 }),
    expect: { then: sawFault('notArray') },
  },
  {
    name: 'Link header loops',
    only: 'connectwise',
    fault: "alpha's server ignores pageId: every forward-only page is the first one (fetcher pageSize 200)",
    simulator: { faults: { ignorePageId: true, onlyCompanyIds: ['alpha'] } },
    pageSize: 200,
    expect: {
      failedTenants: ['alpha'],
      then: (run) => {
        const alpha = run.progress.tenants.find((tenant) => tenant.tenantId === 'alpha')!;
        const failed = alpha.tables.filter((table) => table.status === 'failed');
        expect(failed.map((table) => table.table).sort()).toEqual(['contacts', 'tickets', 'time_entries']);
        for (const table of failed) {
          expect(table.error?.code).toBe('MalformedResponse');
          expect(table.error?.message).toContain(`tenant alpha, source connectwise, table ${table.table}`);
          expect(table.error?.message).toContain('did not advance');
          expect(run.watermarks.get(`alpha/${table.table}`)).toBe(false);
        }
        expect(run.dlq).toBe(0);
      },
    },
  },
  {
    name: 'duplicate deliveries',
    fault: 'every event is routed twice (two copies in every consumer queue)',
    pipeline: (counter) => ({ wrapBus: publishTwice(counter) }),
    expect: { then: (_run, counter) => expect(counter.injected).toBeGreaterThan(0) },
  },
  {
    name: 'reordering',
    fault:
      'four progress workers; every batch shuffled and held 0-40 ms, so handlers see messages out of queue order',
    pipeline: (counter) => ({
      runtime: { concurrency: { 'chunk-planner': 4, fetcher: 8, progress: 4 } },
      wrapHandler: reorderDeliveries(5, counter),
    }),
    varies: { injections: true },
    expect: { then: (_run, counter) => expect(counter.injected).toBeGreaterThan(0) },
  },
  {
    name: 'crash after writing, before acknowledging',
    fault: 'the first delivery of every message runs the handler, then the invocation throws',
    pipeline: (counter) => ({ wrapHandler: crashOncePerMessage('after', counter) }),
    expect: { then: (_run, counter) => expect(counter.injected).toBeGreaterThan(0) },
  },
  {
    name: 'crash before writing',
    fault: 'the first delivery of every message throws before the handler runs',
    pipeline: (counter) => ({ wrapHandler: crashOncePerMessage('before', counter) }),
    expect: { then: (_run, counter) => expect(counter.injected).toBeGreaterThan(0) },
  },
  {
    name: 'deadline mid-page',
    fault: 'fetcher deadline 2 s (margin 0.8 s), pages of 250 at 100-400 ms, 10% of pages 3 s',
    simulator: {
      faults: { seed: 3, rateSlow: 0.1, slowMs: 3_000, keyedByRequest: true },
      latency: { baseMs: 100, jitterMs: 300, perRecordMs: 0 },
    },
    pageSize: 250,
    pipeline: () => ({
      client: { retry, requestTimeoutMs: 10_000 },
      fetcher: { safetyMarginMs: 800 },
      runtime: {
        invocationTimeoutMs: { 'chunk-planner': 30_000, fetcher: 2_000, progress: 30_000 },
      },
    }),
    // In-process, jest and a busy CPU can stretch an invocation's last part write past a 2 s deadline; the runtime
    // then redelivers the message, which this scenario's lake comparison covers. That no invocation overruns
    // is proven where time is measured fairly: test/e2e/cli.test.ts runs the CLI in a child process.
    toleratesOverruns: true,
    varies: { requests: true, injections: true },
    expect: {
      then: (run, _counter, reference) => {
        sawFault('slow')(run);
        expect(run.fetcherInvocations).toBeGreaterThan(reference.fetcherInvocations);
      },
    },
  },
  {
    name: 'PutEvents fails half its entries',
    fault: 'the first PutEvents of every batch delivers half its entries, then fails',
    pipeline: (counter) => ({ wrapBus: failHalfOfPutEvents(counter) }),
    expect: { then: (_run, counter) => expect(counter.injected).toBeGreaterThan(0) },
  },
];

/**
 * A source's simulator for the fleet: the same record counts per canonical table, the same FaultOptions (the
 * simulators share one fault core), the raw lake read back as `tenant/table/key → payload`.
 */
interface Backend {
  source: string;
  label: string;
  start(simulator: Scenario['simulator']): Promise<{
    tenants: Awaited<ReturnType<typeof startFleet>>['tenants'];
    faults: () => Map<string, number>;
    stop: () => Promise<void>;
  }>;
}

/** The connector's default Salesforce object behind each canonical table. */
const SALESFORCE_OBJECT_OF = SALESFORCE_DEFAULT_OBJECTS as Record<ConnectWiseTable, SalesforceObjectName>;

/** The connector's default ServiceNow table behind each canonical table. */
const SERVICENOW_TABLE_OF = SERVICENOW_DEFAULT_TABLES as Record<ConnectWiseTable, ServiceNowTableName>;

const BACKENDS: Backend[] = [
  {
    source: 'connectwise',
    label: 'ConnectWise',
    async start(options) {
      const { simulator, tenants } = await startFleet(FLEET, options ?? {});
      return { tenants, faults: () => faultsOf(simulator.requests()), stop: () => simulator.stop() };
    },
  },
  {
    source: 'servicenow',
    label: 'ServiceNow',
    async start(options) {
      const user = (id: string) => ({ username: `${id}.integration`, password: `${id}-pw` });
      const simulator = await startServiceNowSimulator({
        instances: FLEET.map((tenant) => ({
          name: tenant.id,
          ...user(tenant.id),
          sizes: Object.fromEntries(
            Object.entries(tenant.sizes).map(([table, size]) => [
              SERVICENOW_TABLE_OF[table as ConnectWiseTable],
              size,
            ]),
          ),
        })),
        // The fault core takes instance names where ConnectWise's takes company ids (`onlyCompanyIds`).
        ...(options?.faults ? { faults: options.faults } : {}),
        ...(options?.latency ? { latency: options.latency } : {}),
      });
      const tenants = parseTenantsFile(
        {
          tenants: FLEET.map((tenant) => ({
            id: tenant.id,
            services: {
              servicenow: {
                instanceUrl: simulator.instanceUrl,
                ...user(tenant.id),
                tables: Object.keys(tenant.sizes),
              },
            },
          })),
        },
        {},
      );
      return { tenants, faults: () => faultsOf(simulator.requests()), stop: () => simulator.stop() };
    },
  },
  {
    source: 'salesforce',
    label: 'Salesforce',
    async start(options) {
      const app = (id: string) => ({ clientId: `${id}-app`, clientSecret: `${id}-secret` });
      const simulator = await startSalesforceSimulator({
        orgs: FLEET.map((tenant) => {
          const sizes: Partial<Record<SalesforceObjectName, number>> = Object.fromEntries(
            Object.entries(tenant.sizes).map(([table, size]) => [
              SALESFORCE_OBJECT_OF[table as ConnectWiseTable],
              size,
            ]),
          );
          // Time sheet entries reach their case through a work order.
          if (sizes.TimeSheetEntry) sizes.WorkOrder = Math.ceil(sizes.TimeSheetEntry / 4);
          return { name: tenant.id, ...app(tenant.id), sizes };
        }),
        ...(options?.faults ? { faults: options.faults } : {}),
        ...(options?.latency ? { latency: options.latency } : {}),
      });
      const tenants = parseTenantsFile(
        {
          tenants: FLEET.map((tenant) => ({
            id: tenant.id,
            services: {
              salesforce: {
                loginUrl: simulator.instanceUrl,
                ...app(tenant.id),
                tables: Object.keys(tenant.sizes),
              },
            },
          })),
        },
        {},
      );
      return {
        tenants,
        faults: () => faultsOf(simulator.requests()),
        stop: async () => {
          // Sessions are cached per process: a later run's simulator must not be sent an earlier one's.
          clearSalesforceSessions();
          await simulator.stop();
        },
      };
    },
  },
];

async function syncFleet(
  backend: Backend,
  scenario: Omit<Scenario, 'name' | 'fault' | 'expect'>,
  counter: InjectionCounter,
) {
  const { tenants, faults, stop } = await backend.start(scenario.simulator);
  if (scenario.pageSize !== undefined)
    for (const tenant of tenants.tenants)
      for (const settings of Object.values(tenant.services)) settings.pageSize = scenario.pageSize;
  const dirs = temporaryDirs();
  const seams = scenario.pipeline?.(counter) ?? {};
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  try {
    const run = await runJob({
      tenants,
      lakeDir: dirs.lakeDir,
      stateDir: dirs.stateDir,
      planner,
      ...seams,
      // Redeliveries after a failure come back in 0.1 s instead of 1 s: the faults stay, the suite is faster.
      runtime: { failedVisibilitySeconds: 0.1, ...seams.runtime },
      client: { retry, ...seams.client, fetch: countingFetch },
    });
    return {
      progress: run.progress,
      lake: lakeContents(await readRawLake(dirs.lakeDir, backend.source)),
      canonical: await readCanonical(dirs.lakeDir),
      watermarks: await watermarksAtJobStart(dirs.stateDir, run.progress),
      requests,
      fetcherInvocations: run.stats.invocations.fetcher,
      overruns: run.stats.overruns.length,
      dlq: run.dlq,
      simulatorFaults: faults(),
    } satisfies RunResult;
  } finally {
    await stop();
  }
}

/** Watermarks differ between runs by their job's start, so compare "each table's watermark is its job start". */
async function watermarksAtJobStart(stateDir: string, progress: JobProgress): Promise<Map<string, boolean>> {
  const state = new LocalStateStore(join(stateDir, 'state.log'));
  try {
    const result = new Map<string, boolean>();
    for (const tenant of FLEET) {
      const committed = new Map(
        (await listWatermarks(state, tenant.id)).map((item) => [item.table, item.watermark]),
      );
      for (const table of Object.keys(tenant.sizes) as ConnectWiseTable[]) {
        const watermark = committed.get(table);
        result.set(
          `${tenant.id}/${table}`,
          watermark !== undefined && Date.parse(watermark) === Date.parse(progress.jobStartedAt),
        );
      }
    }
    return result;
  } finally {
    state.close();
  }
}

function faultsOf(requests: ReadonlyArray<{ fault?: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests)
    if (request.fault) counts.set(request.fault, (counts.get(request.fault) ?? 0) + 1);
  return counts;
}

function filterTenants<V>(map: Map<string, V>, excluded: readonly string[]): Map<string, V> {
  return new Map([...map].filter(([key]) => !excluded.includes(key.split('/')[0]!)));
}

interface MatrixRow {
  scenario: string;
  fault: string;
  statuses: string;
  lakeEqual: string;
  watermarksEqual: string;
  extraRequests: string;
  injected: string;
}

function describeInjected(run: RunResult, counter: InjectionCounter, varies: boolean): string {
  const times = (count: number) => (varies ? 'some' : `${count}×`);
  const simulator = [...run.simulatorFaults]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${times(count)} ${kind}`);
  const runtime = counter.injected > 0 ? [`${times(counter.injected)} runtime`] : [];
  return [...simulator, ...runtime].join(', ') || '—';
}

function writeMatrix(matrices: Map<string, MatrixRow[]>): void {
  const header =
    '| scenario | fault | tenant statuses | lake equal | watermarks equal | extra requests | faults injected |';
  const tables = [...matrices]
    .map(
      ([label, rows]) => `## ${label}

${header}
|---|---|---|---|---|---|---|
${rows
  .map(
    (row) =>
      `| ${row.scenario} | ${row.fault} | ${row.statuses} | ${row.lakeEqual} | ${row.watermarksEqual} | ${row.extraRequests} | ${row.injected} |`,
  )
  .join('\n')}
`,
    )
    .join('\n');
  const text = `# Fault matrix

Generated by \`test/faults/faultMatrix.test.ts\` (\`npm run docs:fault-matrix\`); do not edit by hand.

Every scenario syncs the same fleet (alpha: companies 100, contacts 300, tickets 2,500, time entries 1,200;
beta: companies 40, tickets 900), from each source's simulator in turn (ConnectWise, ServiceNow, then Salesforce:
the simulators share one fault core), under one fault and compares it with a fault-free run of the same fleet: the raw
lake (tenant/table/id → payload) and the canonical SCD2 histories (every version's key, validity interval,
current flag and content hash) must be equal, and every table must have a watermark equal to its job's start.
Simulator faults are drawn per request from a seeded hash of the request and how often it was asked before, so the
counts below are reproducible; "extra requests" counts every request the pipeline sent beyond the reference run.
Where a tenant is expected to fail, "lake equal" and "watermarks equal" are about the other tenants, and the
failing tenant's watermarks must be held back.

${tables}`;
  // The suite checks; `npm run docs:fault-matrix` (AVESA_WRITE_DOCS=1) is what rewrites the document.
  if (process.env.AVESA_WRITE_DOCS === '1')
    writeFileSync(join(__dirname, '..', '..', 'docs', 'fault-matrix.md'), text);
}

const matrices = new Map<string, MatrixRow[]>();
const expectedRows = BACKENDS.reduce(
  (total, backend) =>
    total + SCENARIOS.filter((scenario) => !scenario.only || scenario.only === backend.source).length,
  0,
);

afterAll(() => {
  // Only a complete matrix is written: a failing scenario must not leave a doc claiming less than the truth.
  const rows = [...matrices.values()].reduce((total, list) => total + list.length, 0);
  if (rows === expectedRows) writeMatrix(matrices);
});

describe.each(BACKENDS.map((backend) => [backend.label, backend] as const))(
  'fault injection at %s: every fault yields the fault-free lake and watermarks',
  (_label, backend) => {
    let reference: RunResult;
    const matrix: MatrixRow[] = [];
    matrices.set(backend.label, matrix);

    beforeAll(async () => {
      reference = await syncFleet(backend, {}, { injected: 0 });
      expect(reference.progress.tenants.map((tenant) => tenant.status)).toEqual(['succeeded', 'succeeded']);
      expect([...reference.watermarks.values()].every(Boolean)).toBe(true);
    }, 60_000);

    it.each(
      SCENARIOS.filter((scenario) => !scenario.only || scenario.only === backend.source).map(
        (scenario) => [scenario.name, scenario] as const,
      ),
    )(
      'given %s, when the fleet is synced, then the outcome matches the fault-free run',
      async (_name, scenario) => {
        const counter: InjectionCounter = { injected: 0 };
        const run = await syncFleet(backend, scenario, counter);
        const failing = scenario.expect.failedTenants ?? [];

        const statuses = run.progress.tenants.map((tenant) => [tenant.tenantId, tenant.status]);
        expect(statuses).toEqual(
          FLEET.map((tenant) => [tenant.id, failing.includes(tenant.id) ? 'failed' : 'succeeded']),
        );
        const lakeEqual = filterTenants(run.lake, failing);
        expect(lakeEqual).toEqual(filterTenants(reference.lake, failing));
        expect(run.canonical.size).toBeGreaterThan(0);
        expect(filterTenants(run.canonical, failing)).toEqual(filterTenants(reference.canonical, failing));
        expect(filterTenants(run.watermarks, failing)).toEqual(filterTenants(reference.watermarks, failing));
        if (!scenario.toleratesOverruns) expect(run.overruns).toBe(0);
        scenario.expect.then(run, counter, reference);

        matrix.push({
          scenario: scenario.name,
          fault: scenario.fault,
          statuses: statuses.map(([tenant, status]) => `${tenant} ${status}`).join(', '),
          lakeEqual:
            failing.length > 0 ? `yes, raw and canonical (${otherThan(failing)})` : 'yes, raw and canonical',
          watermarksEqual:
            failing.length > 0 ? `yes (${otherThan(failing)}); ${failing.join(', ')} held back` : 'yes',
          extraRequests: scenario.varies?.requests
            ? 'varies (timing)'
            : String(run.requests - reference.requests),
          injected: describeInjected(run, counter, scenario.varies?.injections === true),
        });
      },
      60_000,
    );
  },
);

function otherThan(failing: readonly string[]): string {
  return FLEET.filter((tenant) => !failing.includes(tenant.id))
    .map((tenant) => tenant.id)
    .join(', ');
}
