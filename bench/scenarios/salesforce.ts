import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startSalesforceSimulator,
  type SalesforceRecordedRequest,
  type SalesforceSimulator,
} from '../../simulator';
import { SALESFORCE_BATCH_SIZE } from '../../sources/salesforce/client';
import { atLeast, atMost, figure, formatNumber } from '../figures';
import { failures, log } from '../measure';
import { runChild } from '../processes';
import type { PipelineRun, PipelineRunSpec } from '../runPipeline';
import type { ScenarioResult, ScenarioTable } from './types';

/** Scenario 7's sizes (bench/config.ts). */
export interface SalesforceBenchConfig {
  cases: number;
  accounts: number;
  contacts: number;
  /** Share of the Cases edited at the source before the incremental run. */
  changedFraction: number;
}

/** Planning requests and pages of one object, and the records its pages held. */
export interface ObjectRequestCounts {
  planning: number;
  /** Pages, first batches and queryMore batches. */
  pages: number;
  /** First batches: one per chunk fetched (and per restart after an expired locator). */
  queries: number;
  records: number;
}

/** What a sync asked the Salesforce simulator for, from its request log. */
export interface SalesforceRequestCounts {
  /** Every request, whatever its answer: the figure the requests-per-1,000 target counts. */
  total: number;
  /** `POST /services/oauth2/token`. */
  token: number;
  /** The planner's survey: `SELECT COUNT()` and the `… LIMIT 1` bound queries. */
  planning: number;
  /** query / queryAll first batches and nextRecordsUrl (queryMore) batches. */
  pages: number;
  /** Anything else (`/limits`, the version list, …). */
  other: number;
  /** Answers other than 200, of any kind. */
  failed: number;
  /** Records in the pages answered 200. */
  records: number;
  /** Per object, queryMore batches under the query that opened their locator (see `countSalesforceRequests`). */
  byObject: Record<string, ObjectRequestCounts>;
}

/** Where queryMore batches are counted when the log cannot say which query opened their locator. */
export const UNATTRIBUTED = '(unattributed)';

const TOKEN_PATH = '/services/oauth2/token';
const QUERY_PATH = /^\/services\/data\/v\d+\.\d+\/(?:query|queryAll)\/?$/;
const LOCATOR_PATH = /^\/services\/data\/v\d+\.\d+\/(?:query|queryAll)\/([0-9A-Za-z]{15,18})-\d+$/;

/** The planner's survey queries: `SELECT COUNT() …` and the one-record bound queries (`… LIMIT 1`). */
export function isPlanningQuery(soql: string): boolean {
  return /^\s*SELECT\s+COUNT\(\s*\)/i.test(soql) || /\bLIMIT\s+1\s*$/i.test(soql);
}

/** The object a SOQL query reads (`… FROM Case …`). */
export function objectOfQuery(soql: string): string {
  return /\bFROM\s+([A-Za-z][A-Za-z0-9_]*)/i.exec(soql)?.[1] ?? UNATTRIBUTED;
}

/**
 * Counts a sync's requests by kind and object. A queryMore batch carries no SOQL, so it is counted under the
 * object of the query that opened its locator: the simulator issues locator ids in ascending order, and without
 * latency answers requests in the order they arrive, so the n-th query whose first batch was full (`batchSize`
 * records) opened the n-th smallest locator id. When the two lists differ in length (a query with exactly one
 * full batch of rows opens no locator), the batches are counted under UNATTRIBUTED rather than guessed.
 */
export function countSalesforceRequests(
  requests: readonly SalesforceRecordedRequest[],
  batchSize: number,
): SalesforceRequestCounts {
  const counts: SalesforceRequestCounts = {
    total: 0,
    token: 0,
    planning: 0,
    pages: 0,
    other: 0,
    failed: 0,
    records: 0,
    byObject: {},
  };
  const objectCounts = (object: string) =>
    (counts.byObject[object] ??= { planning: 0, pages: 0, queries: 0, records: 0 });
  const openers: string[] = [];
  const locatorBatches: Array<{ id: string; request: SalesforceRecordedRequest }> = [];
  const addPage = (object: string, request: SalesforceRecordedRequest) => {
    const received = request.status === 200 ? request.records : 0;
    counts.pages++;
    counts.records += received;
    objectCounts(object).pages++;
    objectCounts(object).records += received;
  };
  for (const request of requests) {
    counts.total++;
    if (request.status !== 200) counts.failed++;
    const soql = request.query.q;
    const locator = LOCATOR_PATH.exec(request.path);
    if (request.path === TOKEN_PATH) counts.token++;
    else if (locator) locatorBatches.push({ id: locator[1]!, request });
    else if (QUERY_PATH.test(request.path) && soql !== undefined) {
      const object = objectOfQuery(soql);
      if (isPlanningQuery(soql)) {
        counts.planning++;
        objectCounts(object).planning++;
        continue;
      }
      addPage(object, request);
      if (request.status !== 200) continue;
      objectCounts(object).queries++;
      if (request.records === batchSize) openers.push(object);
    } else counts.other++;
  }
  // Locator ids have a fixed prefix and base62 digits (0-9A-Za-z, ASCII order = numeric order) after it.
  const ids = [...new Set(locatorBatches.map((batch) => batch.id.slice(0, 15)))].sort();
  const paired = ids.length === openers.length;
  const objectOfLocator = new Map(ids.map((id, index) => [id, paired ? openers[index]! : UNATTRIBUTED]));
  for (const { id, request } of locatorBatches) addPage(objectOfLocator.get(id.slice(0, 15))!, request);
  return counts;
}

/** Requests per 1,000 records; Infinity when nothing was received. */
export const per1000 = (requests: number, records: number) =>
  records === 0 ? Number.POSITIVE_INFINITY : (requests / records) * 1000;

const ORG = 'sf-bench';
const CLIENT = { clientId: `${ORG}-connected-app`, clientSecret: `${ORG}-consumer-secret` };
/** The canonical tables of Account, Contact and Case (SALESFORCE_DEFAULT_OBJECTS); no time entries. */
const TABLES = ['companies', 'contacts', 'tickets'];
const S = 'S7 Salesforce';
const TARGET = atMost(0.6, 'Salesforce issue, batch size 2,000');

interface SalesforceRun {
  run: PipelineRun;
  requests: SalesforceRequestCounts;
  /** The org's `api-usage` N after the run (a rolling 24 h count). */
  apiUsed: number;
}

/** One job in a pipeline process of its own (bench/runPipeline.ts); the simulator's log is cleared before it. */
async function syncOnce(simulator: SalesforceSimulator, spec: PipelineRunSpec): Promise<SalesforceRun> {
  simulator.resetRequests();
  const { stderr, ...run } = await runChild<PipelineRun>('runPipeline.ts', spec);
  if (!run.allSucceeded) {
    const problem = `${spec.stateDir}: the Salesforce tenant did not succeed; dead letters ${run.deadLetters}, failed records ${JSON.stringify(run.failedRecords)}`;
    failures.push(problem);
    log(`RUN FAILED ${problem}\n${stderr}`);
    run.problems = stderr;
  }
  return {
    run,
    requests: countSalesforceRequests(simulator.requests(ORG), SALESFORCE_BATCH_SIZE),
    apiUsed: simulator.apiUsage(ORG).used,
  };
}

/**
 * Scenario 7: one org with a large Case object synced once at the default batch size (2,000), then again after a
 * share of the Cases changed; the requests counted from the Salesforce simulator's log, per 1,000 records.
 */
export async function salesforceRequests(
  config: SalesforceBenchConfig,
  workDir: string,
): Promise<ScenarioResult> {
  const sizes = { Account: config.accounts, Contact: config.contacts, Case: config.cases };
  // In the bench's own process, not the pipeline's: its CPU is not charged to the run.
  const simulator = await startSalesforceSimulator({ orgs: [{ name: ORG, ...CLIENT, sizes }] });
  const dir = join(workDir, 'run');
  try {
    mkdirSync(dir, { recursive: true });
    const tenantsFile = join(dir, 'tenants.json');
    const services = {
      salesforce: { loginUrl: simulator.instanceUrl, ...CLIENT, tables: TABLES },
    };
    writeFileSync(tenantsFile, JSON.stringify({ tenants: [{ id: ORG, services }] }));
    const spec: PipelineRunSpec = {
      tenantsFile,
      lakeDir: join(dir, 'lake'),
      stateDir: join(dir, 'state'),
    };
    log(`scenario 7: ${config.cases} Cases, ${config.accounts} Accounts, ${config.contacts} Contacts`);
    const full = await syncOnce(simulator, spec);
    const changed = simulator.mutate(ORG, 'Case', Math.ceil(config.cases * config.changedFraction)).length;
    log(`scenario 7: re-run after ${changed} Cases changed`);
    const incremental = await syncOnce(simulator, spec);
    return scenarioResult(config, full, incremental, changed, simulator.apiUsage(ORG).max);
  } finally {
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function scenarioResult(
  config: SalesforceBenchConfig,
  full: SalesforceRun,
  incremental: SalesforceRun,
  changed: number,
  apiMax: number,
): ScenarioResult {
  const cases = full.requests.byObject.Case ?? { planning: 0, pages: 0, queries: 0, records: 0 };
  const caseRequests = cases.planning + cases.pages;
  const fewestCasePages = Math.ceil(cases.records / SALESFORCE_BATCH_SIZE);
  const succeeded = [full, incremental].filter((sync) => sync.run.allSucceeded).length;
  const usage = `of ${apiMax.toLocaleString('en-US')} a day`;
  const size = (value: number) => value.toLocaleString('en-US');
  return {
    id: 7,
    title: 'Salesforce requests per 1,000 records',
    setup:
      `1 org on the Salesforce simulator (in the bench's process), ${size(config.cases)} Cases, ${size(config.accounts)} ` +
      `Accounts and ${size(config.contacts)} Contacts, synced once at the default batch size (2,000) and planner settings ` +
      `(~20,000 records per SystemModstamp chunk), then again with the same lake and state after ${size(changed)} Cases ` +
      `(${config.changedFraction * 100}%) changed. Requests from the simulator's log: the OAuth token, planning (COUNT() ` +
      `and the LIMIT 1 bound queries, told apart by their SOQL), and query / queryMore pages.`,
    figures: [
      figure(S, 'runs succeeded (full and incremental)', succeeded, 'of 2', atLeast(2)),
      figure(S, 'Cases received', cases.records, `of ${size(config.cases)}`, atLeast(config.cases)),
      figure(S, 'Case requests per 1,000 Cases', per1000(caseRequests, cases.records), '', TARGET),
      figure(
        S,
        'requests per 1,000 records, whole job',
        per1000(full.requests.total, full.requests.records),
        '',
        TARGET,
      ),
      figure(S, 'requests, whole job', full.requests.total, ''),
      figure(S, 'token requests', full.requests.token, ''),
      figure(S, 'planning requests (COUNT() and LIMIT 1 bounds)', full.requests.planning, ''),
      figure(S, 'query / queryMore pages', full.requests.pages, ''),
      figure(S, 'records received', full.requests.records, ''),
      figure(S, 'Case chunks (first batches of Case queries)', cases.queries, ''),
      figure(S, 'Case pages beyond ⌈Cases ÷ 2,000⌉ (partial last pages)', cases.pages - fewestCasePages, ''),
      figure(
        S,
        'Case requests per 1,000 Cases were every page full',
        per1000(cases.planning + fewestCasePages, cases.records),
        '',
      ),
      figure(S, 'API usage after the full run', full.apiUsed, usage),
      figure(S, 'wall time', full.run.seconds, 's'),
      figure(S, 'Cases changed', changed, ''),
      figure(S, 'incremental: records received', incremental.requests.records, ''),
      figure(S, 'incremental: requests', incremental.requests.total, ''),
      figure(S, 'incremental: planning requests', incremental.requests.planning, ''),
      figure(S, 'incremental: pages', incremental.requests.pages, ''),
      figure(S, 'incremental: API usage', incremental.apiUsed - full.apiUsed, 'requests'),
      figure(S, 'incremental: requests ÷ full run', incremental.requests.total / full.requests.total, '×'),
    ],
    tables: [requestsTable(full, incremental)],
    details: { full, incremental, changed },
  };
}

/** Requests by kind: the full run per object and in all, and the incremental run in all. */
function requestsTable(full: SalesforceRun, incremental: SalesforceRun): ScenarioTable {
  const row = (label: string, counts: SalesforceRequestCounts) => [
    label,
    formatNumber(counts.token),
    formatNumber(counts.planning),
    formatNumber(counts.pages),
    formatNumber(counts.other),
    formatNumber(counts.total),
    formatNumber(counts.records),
    formatNumber(per1000(counts.total, counts.records)),
  ];
  const objectRow = (object: string, counts: ObjectRequestCounts) => [
    `full run: ${object}`,
    '—',
    formatNumber(counts.planning),
    formatNumber(counts.pages),
    '—',
    formatNumber(counts.planning + counts.pages),
    formatNumber(counts.records),
    formatNumber(per1000(counts.planning + counts.pages, counts.records)),
  ];
  return {
    title: 'Salesforce requests by kind (scenario 7)',
    columns: ['Run', 'Token', 'Planning', 'Pages', 'Other', 'Requests', 'Records', 'Per 1,000 records'],
    rows: [
      ...Object.entries(full.requests.byObject).map(([object, counts]) => objectRow(object, counts)),
      row('full run: whole job', full.requests),
      row('incremental: whole job', incremental.requests),
    ],
  };
}
