import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_TENANTS } from '../../local/demo';
import { getJson, logIn, readSamples, timedGet, type SampleSizes } from '../apiClient';
import { API_MIX, keySpace, pathsOf, type RequestKind, type TenantSamples } from '../apiMix';
import type { LoadResult, LoadSpec, LoadUser } from '../apiLoad';
import type { ApiServerSpec, BenchUser } from '../apiServerLauncher';
import { startApiServer, type ApiServerProcess } from '../apiServerProcess';
import { historyPath, writeBigTenantLake, type BigTenantLake } from '../bigTenantLake';
import type { DemoLake } from '../demoLake';
import { atLeast, atMost, figure, formatNumber, type Figure } from '../figures';
import { percentile } from '../latency';
import { failures, log } from '../measure';
import { runChild } from '../processes';
import type { ScenarioResult, ScenarioTable } from './types';

/** Scenario 6's sizes (bench/config.ts). */
export interface ApiBenchConfig {
  /** Tickets of the generated big tenant. */
  bigTickets: number;
  /**
   * `sync`: the demo lake as `avesa run` makes it (the demo's simulators through the pipeline);
   * `generated`: stand-ins of the demo tenants' sizes written directly (seconds instead of a minute, for CI).
   */
  demoLake: 'sync' | 'generated';
  rate: number;
  seconds: number;
  connections: number;
  timeoutMs: number;
  /** Uncached dashboards asked one after another, each for a period no request asked before. */
  sequentialDashboards: number;
  /** Also measure the engine with `materialize` (history loaded into DuckDB tables). */
  materialize: boolean;
  /** How much of each tenant the mix asks for: the size of the key space a cache has to hold. */
  samples: SampleSizes;
}

const BIG_TENANT = 'big-msp';
const PASSWORD = 'bench-password-not-secret';
/** Far above any rate the load reaches: the default (6,000 a minute) would answer 429 to 1,000 requests/s. */
const TENANT_REQUESTS_PER_MINUTE = 100_000_000;
const S = 'S6 API';

interface Lake {
  name: string;
  lakeDir: string;
  stateDir: string;
  tenants: string[];
  /** The tenant whose tickets history (ConnectWise's) the cold-start measurement rewrites. */
  coldTenant: string;
}

interface PartSpec {
  name: string;
  lake: Lake;
  cache: 'on' | 'off';
  materialize: boolean;
  /** Also time sequential uncached dashboards and the first request after a data-version change. */
  dashboards: boolean;
}

export interface SequentialDashboards {
  samples: number;
  p50: number;
  p95: number;
  max: number;
  /** The dashboard right after the tenant's data version changed (the engine reopens its files). */
  coldAfterVersionChange: number;
  /** The one after it, for comparison: what a miss costs without the reopening. */
  nextAfterVersionChange: number;
}

export interface ApiPart {
  name: string;
  lake: string;
  cache: 'on' | 'off';
  materialize: boolean;
  load: LoadResult;
  /** Cache hits ÷ lookups during the measured run (the server's /health/detailed counters). */
  cacheHitRatio: number | null;
  /** Cache misses during the measured run: answers computed, e.g. entries of the fill past the server's TTL. */
  cacheMisses: number;
  /** Cores each kept busy during the run; `other` is the machine's rest (other processes on the machine). */
  cores: { server: number; load: number; other: number };
  serverPeakRssMb: number;
  /** The machine's 1-minute load average when the run ended: other work on the machine shows here. */
  loadAverage: number;
  /** Distinct requests of the mix (all tenants), asked once before a cached part, and how long that took. */
  keySpace: number;
  cacheFill?: { requests: number; seconds: number };
  dashboards?: SequentialDashboards;
}

function usersOf(tenants: string[], perTenant: number): BenchUser[] {
  return tenants.flatMap((tenantId) => [
    { tenantId, email: `admin@${tenantId}.example`, role: 'admin' as const, password: PASSWORD },
    ...Array.from({ length: perTenant - 1 }, (_, index) => ({
      tenantId,
      email: `analyst${index + 1}@${tenantId}.example`,
      role: 'analyst' as const,
      password: PASSWORD,
    })),
  ]);
}

async function demoLake(config: ApiBenchConfig, dir: string): Promise<Lake & { details: unknown }> {
  const lakeDir = join(dir, 'lake');
  const stateDir = join(dir, 'state');
  const lake = { name: 'demo', lakeDir, stateDir, coldTenant: 'northwind-msp' };
  if (config.demoLake === 'sync') {
    log('scenario 6: syncing the demo lake (the demo simulators through the pipeline)');
    const { stderr: _stderr, ...synced } = await runChild<DemoLake>('demoLake.ts', { lakeDir, stateDir });
    if (!synced.allSucceeded) throw new Error('scenario 6: the demo sync did not succeed');
    return { ...lake, tenants: synced.tenants, details: synced };
  }
  log('scenario 6: writing stand-ins of the demo tenants');
  const written: BigTenantLake[] = [];
  for (const tenant of DEMO_TENANTS) {
    const tickets = Object.values(tenant.sources).reduce((sum, sizes) => sum + sizes.tickets, 0);
    written.push(await writeBigTenantLake({ lakeDir, tenantId: tenant.id, tickets }));
  }
  return {
    ...lake,
    tenants: DEMO_TENANTS.map((tenant) => tenant.id),
    details: { generated: written },
  };
}

interface Session {
  users: LoadUser[];
  /** One admin token per tenant (history, and the cache counters of /health/detailed). */
  admins: Map<string, string>;
  samples: Record<string, TenantSamples>;
}

async function openSession(
  server: ApiServerProcess,
  users: BenchUser[],
  sizes: SampleSizes,
): Promise<Session> {
  const session: Session = { users: [], admins: new Map(), samples: {} };
  for (const user of users) {
    const accessToken = await logIn(server.url, user);
    session.users.push({ tenantId: user.tenantId, accessToken });
    if (user.role === 'admin') session.admins.set(user.tenantId, accessToken);
  }
  for (const [tenantId, token] of session.admins)
    session.samples[tenantId] = await readSamples(server.url, token, sizes);
  return session;
}

/** One request of every kind per tenant, in turn: opens each tenant's engine and fails early on any non-2xx. */
async function prime(server: ApiServerProcess, session: Session): Promise<void> {
  const kinds = [...new Set(API_MIX.map((entry) => entry.value))] as RequestKind[];
  for (const [tenantId, token] of session.admins)
    for (const kind of kinds)
      await timedGet(server.url, token, pathsOf(kind, session.samples[tenantId]!)[0]!);
}

/**
 * Every distinct request of the mix, once, four at a time: what the cache holds when the users have looked at
 * everything they look at. Returns the seconds it took.
 */
async function fillCache(
  server: ApiServerProcess,
  session: Session,
): Promise<{ requests: number; seconds: number }> {
  const work = [...session.admins].flatMap(([tenantId, token]) =>
    keySpace(session.samples[tenantId]!).map((path) => ({ token, path })),
  );
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const { token, path } = work[next++]!;
      await timedGet(server.url, token, path);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { requests: work.length, seconds: (performance.now() - started) / 1000 };
}

async function cacheCounters(server: ApiServerProcess, session: Session) {
  const token = session.admins.values().next().value!;
  const health = await getJson<{ cache: { hits: number; misses: number } }>(
    server.url,
    token,
    '/health/detailed',
  );
  return health.cache;
}

const DAY = 86_400_000;

/** Uncached dashboards one after another: 30-day periods ending 1, 2, … days ago (no other request asks those). */
async function sequentialDashboards(
  server: ApiServerProcess,
  token: string,
  lake: Lake,
  count: number,
): Promise<SequentialDashboards> {
  const today = Math.floor(Date.now() / DAY) * DAY;
  const times: number[] = [];
  for (let index = 1; index <= count; index++) {
    const to = new Date(today - index * DAY).toISOString();
    const from = new Date(today - (index + 30) * DAY).toISOString();
    times.push(await timedGet(server.url, token, `/api/analytics/dashboard?from=${from}&to=${to}`));
  }
  // A compaction replaces the history file by rename; the same here gives the tenant a new data version.
  const history = historyPath(lake.lakeDir, lake.coldTenant, 'tickets');
  copyFileSync(history, `${history}.bench`);
  renameSync(`${history}.bench`, history);
  // The engine trusts a data version for a second (DuckDbEngineOptions.versionCheckMs) before it looks again.
  await sleep(1500);
  const cold = await timedGet(server.url, token, '/api/analytics/dashboard?period=30d');
  const next = await timedGet(server.url, token, '/api/analytics/dashboard?period=90d');
  return {
    samples: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: Math.max(...times),
    coldAfterVersionChange: cold,
    nextAfterVersionChange: next,
  };
}

async function runPart(
  spec: PartSpec,
  users: BenchUser[],
  config: ApiBenchConfig,
  seed: number,
): Promise<ApiPart> {
  log(`scenario 6: ${spec.name}`);
  const serverSpec: ApiServerSpec = {
    lakeDir: spec.lake.lakeDir,
    stateDir: spec.lake.stateDir,
    users,
    cache: spec.cache,
    materialize: spec.materialize,
    tenantRequestsPerMinute: TENANT_REQUESTS_PER_MINUTE,
  };
  const server = await startApiServer(serverSpec);
  try {
    const session = await openSession(server, users, config.samples);
    await prime(server, session);
    const filled = spec.cache === 'on' ? await fillCache(server, session) : undefined;
    const load = (seconds: number, runSeed: number) => {
      const loadSpec: LoadSpec = {
        url: server.url,
        rate: config.rate,
        seconds,
        connections: config.connections,
        timeoutMs: config.timeoutMs,
        seed: runSeed,
        users: session.users,
        samples: session.samples,
      };
      return runChild<LoadResult>('apiLoad.ts', loadSpec);
    };
    const cacheBefore = await cacheCounters(server, session);
    const usageBefore = await server.usage();
    const { stderr: _stderr, ...result } = await load(config.seconds, seed);
    const usageAfter = await server.usage();
    const cacheAfter = await cacheCounters(server, session);
    const lookups = cacheAfter.hits + cacheAfter.misses - cacheBefore.hits - cacheBefore.misses;
    const serverCores = (usageAfter.cpuSeconds - usageBefore.cpuSeconds) / result.wallSeconds;
    const loadCores = result.cpuSeconds / result.wallSeconds;
    const part: ApiPart = {
      name: spec.name,
      lake: spec.lake.name,
      cache: spec.cache,
      materialize: spec.materialize,
      load: result,
      cacheHitRatio: lookups > 0 ? (cacheAfter.hits - cacheBefore.hits) / lookups : null,
      cacheMisses: cacheAfter.misses - cacheBefore.misses,
      cores: {
        server: serverCores,
        load: loadCores,
        other: Math.max(0, result.machineCores - serverCores - loadCores),
      },
      serverPeakRssMb: usageAfter.peakRssMb,
      loadAverage: loadavg()[0]!,
      keySpace: Object.values(session.samples).reduce((sum, samples) => sum + keySpace(samples).length, 0),
      ...(filled ? { cacheFill: filled } : {}),
    };
    const serverErrors = serverFailures(result, spec.cache);
    if (serverErrors) {
      failures.push(
        `scenario 6, ${spec.name}: ${serverErrors}; first problems: ${result.samplesOfProblems.slice(0, 3).join(' | ')}`,
      );
      log(`RUN FAILED scenario 6, ${spec.name}: ${serverErrors}`);
    }
    if (spec.dashboards) {
      const token = session.admins.get(spec.lake.coldTenant)!;
      part.dashboards = await sequentialDashboards(server, token, spec.lake, config.sequentialDashboards);
    }
    return part;
  } finally {
    await server.stop();
  }
}

const fiveHundreds = (result: LoadResult) =>
  Object.entries(result.byStatus)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);

/**
 * What makes a run a failure of the scenario: the server answered 5xx or broke connections; or, with the cache
 * on, left a request unanswered for the whole timeout. Uncached, a fixed 1,000 requests/s is far past what the
 * engine computes, so requests queue for tens of seconds: a timeout there is the overload the figures report.
 */
function serverFailures(result: LoadResult, cache: 'on' | 'off'): string | undefined {
  const problems = [
    fiveHundreds(result) > 0 ? `${fiveHundreds(result)} answers 5xx` : '',
    result.errors.connection > 0 ? `${result.errors.connection} connection errors` : '',
    cache === 'on' && result.errors.timeout > 0
      ? `${result.errors.timeout} requests unanswered within the timeout`
      : '',
  ].filter(Boolean);
  return problems.length > 0 ? problems.join(', ') : undefined;
}

const errorsOf = (result: LoadResult) =>
  result.errors.connection + result.errors.timeout + fiveHundreds(result);

function non2xx(result: LoadResult): { count: number; text: string } {
  const entries = Object.entries(result.byStatus).filter(([status]) => !/^2/.test(status));
  const count = entries.reduce((sum, [, value]) => sum + value, 0);
  return {
    count,
    text: entries.length ? entries.map(([status, value]) => `${status}: ${value}`).join(', ') : 'none',
  };
}

function partFigures(part: ApiPart, config: ApiBenchConfig): Figure[] {
  const { load } = part;
  const cached = part.cache === 'on';
  const label = part.name;
  const rejected = non2xx(load);
  return [
    figure(S, `${label}: p50`, load.latency.p50, 'ms'),
    figure(S, `${label}: p95`, load.latency.p95, 'ms', cached ? atMost(50) : null),
    figure(S, `${label}: p99`, load.latency.p99, 'ms'),
    figure(
      S,
      `${label}: achieved rate (${formatNumber(config.rate)} offered)`,
      load.achievedRate,
      'requests/s',
      cached ? atLeast(config.rate * 0.98) : null,
    ),
    figure(S, `${label}: errors (5xx, connection, timeout)`, errorsOf(load), '', cached ? atMost(0) : null),
    figure(S, `${label}: non-2xx answers (${rejected.text})`, rejected.count, ''),
  ];
}

function dashboardFigures(part: ApiPart): Figure[] {
  const dashboards = part.dashboards;
  if (!dashboards) return [];
  const engine = part.materialize ? 'materialized' : 'Parquet';
  const big = part.lake === 'big';
  return [
    figure(
      S,
      `${part.lake} lake (${engine}): uncached dashboard alone, p50 of ${dashboards.samples}`,
      dashboards.p50,
      'ms',
    ),
    figure(
      S,
      `${part.lake} lake (${engine}): uncached dashboard alone, p95 of ${dashboards.samples}`,
      dashboards.p95,
      'ms',
      big ? atMost(300) : null,
    ),
    figure(
      S,
      `${part.lake} lake (${engine}): first dashboard after a data-version change`,
      dashboards.coldAfterVersionChange,
      'ms',
    ),
  ];
}

const ms = (value: number) => formatNumber(value);
const cores = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

function loadTable(parts: ApiPart[], config: ApiBenchConfig): ScenarioTable {
  return {
    title: `API under load: ${formatNumber(config.rate)} requests/s offered for ${config.seconds} s, ${config.connections} connections (latencies in ms)`,
    columns: [
      'Part',
      'Achieved req/s',
      'p50',
      'p95',
      'p99',
      'max',
      'p95 from schedule',
      'Not sent',
      'Errors',
      'Non-2xx',
      'Cache hits',
      'Server cores',
      'Load cores',
      'Other cores',
      'Load avg',
    ],
    rows: parts.map((part) => {
      const { load } = part;
      return [
        part.name,
        formatNumber(load.achievedRate),
        ms(load.latency.p50),
        ms(load.latency.p95),
        ms(load.latency.p99),
        ms(load.latency.max),
        ms(load.fromSchedule.p95),
        formatNumber(load.notSent),
        formatNumber(errorsOf(load)),
        non2xx(load).text,
        part.cacheHitRatio === null || !part.cacheFill
          ? 'n/a'
          : `${(part.cacheHitRatio * 100).toFixed(1)}% (${formatNumber(part.cacheMisses)} misses; filled in ${formatNumber(part.cacheFill.seconds)} s)`,
        cores(part.cores.server),
        cores(part.cores.load),
        cores(part.cores.other),
        part.loadAverage.toFixed(1),
      ];
    }),
  };
}

function kindTable(parts: ApiPart[]): ScenarioTable {
  const kinds = [...new Set(API_MIX.map((entry) => entry.value))];
  return {
    title: 'p95 by endpoint (ms), same runs',
    columns: ['Endpoint', ...parts.map((part) => part.name)],
    rows: kinds.map((kind) => [
      kind,
      ...parts.map((part) => {
        const result = part.load.byKind[kind];
        return result ? ms(result.latency.p95) : '—';
      }),
    ]),
  };
}

/**
 * Scenario 6: the analytics API (local/cli/serve.ts, DuckDB over the lake) under a fixed-rate mix of dashboard,
 * chart, list, detail and history requests, on the demo lake and on a generated tenant of a million tickets,
 * with the cache on and off; then uncached dashboards one at a time, and the first request after the data
 * version changes.
 */
export async function apiLoad(config: ApiBenchConfig, workDir: string): Promise<ScenarioResult> {
  mkdirSync(workDir, { recursive: true });
  const demo = await demoLake(config, join(workDir, 'demo'));
  log(`scenario 6: writing a ${config.bigTickets.toLocaleString('en-US')}-ticket tenant`);
  const bigLakeDir = join(workDir, 'big', 'lake');
  const bigLake = await writeBigTenantLake({
    lakeDir: bigLakeDir,
    tenantId: BIG_TENANT,
    tickets: config.bigTickets,
  });
  const big: Lake = {
    name: 'big',
    lakeDir: bigLakeDir,
    stateDir: join(workDir, 'big', 'state'),
    tenants: [BIG_TENANT],
    coldTenant: BIG_TENANT,
  };
  const demoUsers = usersOf(demo.tenants, 3);
  const bigUsers = usersOf(big.tenants, 4);
  const specs: PartSpec[] = [
    { name: 'demo, cached', lake: demo, cache: 'on', materialize: false, dashboards: false },
    { name: 'demo, uncached', lake: demo, cache: 'off', materialize: false, dashboards: true },
    { name: 'big, cached', lake: big, cache: 'on', materialize: false, dashboards: false },
    { name: 'big, uncached', lake: big, cache: 'off', materialize: false, dashboards: true },
    ...(config.materialize
      ? [
          {
            name: 'big, uncached, materialized',
            lake: big,
            cache: 'off' as const,
            materialize: true,
            dashboards: true,
          },
        ]
      : []),
  ];
  const parts: ApiPart[] = [];
  for (const [index, spec] of specs.entries())
    parts.push(await runPart(spec, spec.lake === demo ? demoUsers : bigUsers, config, index + 1));
  const bigSize = config.bigTickets.toLocaleString('en-US');
  return {
    id: 6,
    title: 'Analytics API under load',
    setup:
      `\`avesa serve\`'s API (startServer, DuckDB over the lake) in a process of its own; a fixed-rate open-loop load ` +
      `(bench/apiLoad.ts, another process, ${config.connections} keep-alive connections to 127.0.0.1) of ` +
      `${formatNumber(config.rate)} requests/s for ${config.seconds} s per part, mixing 30% dashboard, 10% each of the ` +
      `status, trend and top-companies charts, 25% ticket, company and time-entry lists (filters, search, pages), 10% ticket ` +
      `detail and 5% history, from ${demoUsers.length} users of the ${demo.tenants.length} ` +
      `${config.demoLake === 'sync' ? 'demo tenants (the demo synced by the pipeline)' : 'demo-sized generated tenants'} and ` +
      `${bigUsers.length} users of one generated ${bigSize}-ticket tenant (history Parquet written directly, ~2% of tickets with ` +
      `three SCD2 versions). The mix asks, per tenant, ${config.samples.tickets} tickets' details (half of them their ` +
      `history) and ${config.samples.words} each of statuses, search words and technicians besides the dashboards, charts ` +
      `and first pages; a cached part asks each distinct request once before it is measured (the server's cache is keyed by ` +
      `data version with a 60 s TTL, so when filling took more than 30 s, the entries filled first expire and are computed ` +
      `again during the run: the misses column), an uncached one sets \`cache: { maxEntries: 0 }\`. The per-tenant limit is raised to ${TENANT_REQUESTS_PER_MINUTE.toLocaleString('en-US')} a ` +
      `minute (the default 6,000 would answer 429 at this rate). Latency: request written → last byte; errors are 5xx, ` +
      `connection errors and requests unanswered in ${config.timeoutMs / 1000} s (which fail the scenario in a cached part; ` +
      `uncached, they are the overload the figures show). "Other cores": the rest of the machine's CPU during the run ` +
      `(other processes); "load avg": the 1-minute load average when the run ended.`,
    figures: [
      ...parts.flatMap((part) => partFigures(part, config)),
      ...parts.flatMap((part) => dashboardFigures(part)),
    ],
    tables: [loadTable(parts, config), kindTable(parts)],
    details: { demoLake: demo.details, bigLake, parts },
  };
}
