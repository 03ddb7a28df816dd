/**
 * The ConnectWise face of the simulator: requests routed, authenticated, throttled and answered as ConnectWise
 * Manage does it (reference source-apis.md §1.1–1.5, §1.9–1.11, §1.14), for all tenants on one server. The HTTP
 * harness, latency and fault injection are shared with the other simulated sources (core/).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  CONNECTWISE_API_VERSION,
  CONNECTWISE_ENDPOINTS,
  CONNECTWISE_TABLES,
  type ConnectWiseTable,
} from '../../sources/connectwise/endpoints';
import { answerWithFaults, FaultInjector, requestKey, TokenBucket } from '../core/faults';
import { startHarness, type Exchange, type HttpHarness } from '../core/harness';
import { dataPeriod } from '../core/period';
import { hashString } from '../core/prng';
import type { Reply } from '../core/types';
import { ConditionSyntaxError } from './conditions';
import { CONNECTWISE_FAULT_REPLIES } from './faults';
import { effectivePageSize, forwardOnlyLinkHeader, navigableLinkHeader } from './paging';
import {
  buildFilter,
  isIdAscending,
  isIdDescending,
  parseFields,
  parseOrderBy,
  projectFields,
  type FilterParams,
} from './query';
import { JsonPageWriter } from './recordJson';
import { TenantData } from './store';
import type {
  CwRecord,
  FaultOptions,
  RecordedRequest,
  RequestHook,
  SimulatedTenant,
  Simulator,
  SimulatorOptions,
} from './types';

/** The codebase router every client calls (reference §1.1); `/login/companyinfo` names it as the tenant's codebase. */
export const API_PREFIX = '/v4_6_release/apis/3.0';
const DEFAULT_REQUESTS_PER_MINUTE = 1000;
/** A generated ticket is ~3.7 KB of JSON; a page buffer starts at this per record and grows when needed. */
const EXPECTED_RECORD_BYTES = 4096;

const ENTITY_NAMES: Record<ConnectWiseTable, string> = {
  companies: 'Company',
  contacts: 'Contact',
  tickets: 'Ticket',
  time_entries: 'TimeEntry',
};

interface TenantState {
  config: SimulatedTenant;
  data: TenantData;
  bucket: TokenBucket;
}

type Route =
  | { kind: 'companyInfo'; companyId: string }
  | { kind: 'systemInfo' }
  | { kind: 'list' | 'count' | 'search'; table: ConnectWiseTable }
  | { kind: 'one'; table: ConnectWiseTable; id: number }
  | { kind: 'api-unknown' }
  | { kind: 'unknown' };

function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message, errors: null });
}

function json(status: number, value: unknown, records = 0): Reply {
  return { status, body: JSON.stringify(value), records };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: errorBody(code, message), records: 0 };
}

function route(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '');
  const lower = path.toLowerCase();
  const companyInfo = /^\/login\/companyinfo\/([^/]+)$/i.exec(path);
  if (companyInfo) return { kind: 'companyInfo', companyId: decodeURIComponent(companyInfo[1] as string) };
  if (!lower.startsWith(API_PREFIX.toLowerCase())) return { kind: 'unknown' };
  const rest = lower.slice(API_PREFIX.length);
  if (rest === '/system/info') return { kind: 'systemInfo' };
  for (const table of CONNECTWISE_TABLES) {
    const base = CONNECTWISE_ENDPOINTS[table].toLowerCase();
    if (rest === base) return { kind: 'list', table };
    if (rest === `${base}/count`) return { kind: 'count', table };
    // Only tickets have the POST …/search form in the spec (reference §1.3).
    if (table === 'tickets' && rest === `${base}/search`) return { kind: 'search', table };
    const one = rest.startsWith(`${base}/`) ? /^\d+$/.exec(rest.slice(base.length + 1)) : null;
    if (one) return { kind: 'one', table, id: Number(one[0]) };
  }
  return { kind: 'api-unknown' };
}

/** `Basic base64("{companyId}+{publicKey}:{privateKey}")` (reference §1.2). */
function parseBasicAuth(
  header: string | undefined,
): { companyId: string; publicKey: string; privateKey: string } | undefined {
  const match = header ? /^Basic\s+(.+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const plus = decoded.indexOf('+');
  if (colon < 0 || plus < 0 || plus > colon) return undefined;
  return {
    companyId: decoded.slice(0, plus),
    publicKey: decoded.slice(plus + 1, colon),
    privateKey: decoded.slice(colon + 1),
  };
}

/** Query parameter names are matched case-insensitively (the guide itself writes `childconditions`). */
function lowerCaseParams(params: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of params) if (!map.has(key.toLowerCase())) map.set(key.toLowerCase(), value);
  return map;
}

function integerParam(params: Map<string, string>, name: string): number | undefined {
  const text = params.get(name.toLowerCase());
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*-?\d+\s*$/.test(text))
    throw new ConditionSyntaxError(`The value '${text}' is not valid for ${name}.`);
  return Number(text);
}

/**
 * Identifies "the same request" for keyed fault draws: method, path and query, without `conditions`, whose
 * window ends at the job's start time and so differs from run to run.
 */
function connectWiseRequestKey(method: string, url: URL): string {
  return requestKey(
    method,
    url.pathname,
    [...url.searchParams].filter(([key]) => key.toLowerCase() !== 'conditions'),
  );
}

class SimulatorServer implements Simulator {
  private readonly tenants = new Map<string, TenantState>();
  private faults: FaultInjector | undefined;
  private harness!: HttpHarness<RecordedRequest>;

  constructor(private readonly options: SimulatorOptions) {
    const startedAt = Date.now();
    const period = dataPeriod(options.dataEndsAt);
    for (const config of options.tenants) {
      const key = config.companyId.toLowerCase();
      if (this.tenants.has(key)) throw new Error(`Duplicate simulated tenant '${config.companyId}'`);
      this.tenants.set(key, {
        config,
        data: new TenantData(
          config.companyId,
          config.seed ?? hashString(config.companyId),
          config.sizes,
          period,
        ),
        bucket: new TokenBucket(config.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, startedAt),
      });
    }
    this.setFaults(options.faults);
  }

  async listen(): Promise<void> {
    this.harness = await startHarness<RecordedRequest>({
      port: this.options.port,
      latency: this.options.latency,
      label: 'simulator',
      contentType: 'application/json; charset=utf-8',
      // Concurrency and arrivals count every request whose Basic header names a known tenant.
      identify: (req) => this.stateOf(parseBasicAuth(req.headers.authorization))?.config.companyId,
      headers: () => ({
        'Cache-Control': 'no-cache',
        Pragma: 'no-cache',
        'api-current-version': CONNECTWISE_API_VERSION,
        'x-cw-request-id': randomUUID(),
        'x-server-name': 'SIMCWAPI01',
      }),
      answer: (exchange) => this.dispatchSafely(exchange),
      present: ({ tenant, ...rest }) => ({ companyId: tenant, ...rest }),
    });
  }

  private get origin(): string {
    return this.harness.origin;
  }

  get baseUrl(): string {
    return `${this.origin}${API_PREFIX}`;
  }

  private stateOf(credentials: ReturnType<typeof parseBasicAuth>): TenantState | undefined {
    return credentials ? this.tenants.get(credentials.companyId.toLowerCase()) : undefined;
  }

  private tenant(companyId: string): TenantState {
    const state = this.tenants.get(companyId.toLowerCase());
    if (!state) throw new Error(`Unknown simulated tenant '${companyId}'`);
    return state;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  // ----- Simulator API -------------------------------------------------------------------------------------------

  records(companyId: string, table: ConnectWiseTable): readonly CwRecord[] {
    return this.tenant(companyId).data.table(table).snapshot();
  }

  ids(companyId: string, table: ConnectWiseTable): number[] {
    return this.tenant(companyId).data.table(table).allIds();
  }

  mutate(companyId: string, table: ConnectWiseTable, count: number): number[] {
    return this.tenant(companyId).data.mutate(table, count, this.now());
  }

  addRecords(companyId: string, table: ConnectWiseTable, count: number): number[] {
    return this.tenant(companyId).data.addRecords(table, count, this.now());
  }

  /** Hard-deletes records (a tenant's admin deleting tickets for good): list, count and GET no longer see them. */
  deleteRecords(companyId: string, table: ConnectWiseTable, ids: readonly number[]): number[] {
    return this.tenant(companyId).data.deleteRecords(table, ids);
  }

  setLastUpdated(companyId: string, table: ConnectWiseTable, ids: number[], iso: string): void {
    this.tenant(companyId).data.setLastUpdated(table, ids, iso);
  }

  onRequest(hook: RequestHook | undefined): void {
    this.harness.onRequest(hook);
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults = faults ? new FaultInjector(faults) : undefined;
  }

  requests(companyId?: string): readonly RecordedRequest[] {
    return this.harness.requests(companyId);
  }

  resetRequests(): void {
    this.harness.resetRequests();
  }

  maxConcurrent(companyId: string): number {
    return this.harness.maxConcurrent(this.tenant(companyId).config.companyId);
  }

  maxRequestsInAnyMinute(companyId: string): number {
    return this.harness.maxRequestsInAnyMinute(this.tenant(companyId).config.companyId);
  }

  stop(): Promise<void> {
    return this.harness.stop();
  }

  // ----- HTTP ----------------------------------------------------------------------------------------------------

  private dispatchSafely(exchange: Exchange): Reply {
    try {
      return this.dispatch(exchange);
    } catch (cause) {
      return cause instanceof ConditionSyntaxError
        ? error(400, 'InvalidObject', cause.message)
        : error(500, 'ConnectWiseApi', cause instanceof Error ? cause.message : String(cause));
    }
  }

  private dispatch({ req, url, method, body }: Exchange): Reply {
    const credentials = parseBasicAuth(req.headers.authorization);
    const state = this.stateOf(credentials);
    const target = route(url.pathname);
    if (target.kind === 'unknown')
      return error(404, 'NotFound', `The resource '${url.pathname}' was not found.`);
    if (target.kind === 'companyInfo') return this.companyInfo(target.companyId);
    if (target.kind === 'systemInfo') return this.systemInfo();

    // Authentication (reference §1.2). On cloud, bad credentials can surface as 404 rather than 401.
    const valid =
      state !== undefined &&
      credentials !== undefined &&
      credentials.publicKey === state.config.publicKey &&
      credentials.privateKey === state.config.privateKey;
    if (!valid || !state) {
      return this.options.cloudAuthQuirk
        ? error(404, 'NotFound', 'The requested resource was not found.')
        : error(401, 'Unauthorized', 'Authentication failed: invalid or missing credentials.');
    }
    if (this.options.requireClientId !== false) {
      const clientId = req.headers.clientid;
      if (typeof clientId !== 'string' || clientId.trim() === '') {
        return error(403, 'Forbidden', 'A clientId header is required for all API calls.');
      }
      if (clientId !== state.config.clientId)
        return error(403, 'Forbidden', `The clientId '${clientId}' is not valid.`);
    }

    const throttled = state.bucket.take(Date.now());
    if (!throttled.ok) return CONNECTWISE_FAULT_REPLIES.tooManyRequests(throttled.retryAfterSeconds);
    return answerWithFaults(
      this.faults,
      state.config.companyId,
      connectWiseRequestKey(method, url),
      CONNECTWISE_FAULT_REPLIES,
      () => this.answer(req, url, body, target, state),
    );
  }

  private answer(
    req: IncomingMessage,
    url: URL,
    body: string,
    target: Exclude<Route, { kind: 'unknown' | 'companyInfo' | 'systemInfo' }>,
    state: TenantState,
  ): Reply {
    const method = req.method ?? 'GET';
    if (target.kind === 'api-unknown')
      return error(404, 'NotFound', `The resource '${url.pathname}' was not found.`);
    const expected = target.kind === 'search' ? 'POST' : 'GET';
    if (method !== expected) {
      return error(405, 'NotSupported', `The requested resource does not support http method '${method}'.`);
    }
    const params = lowerCaseParams(url.searchParams);
    const table = state.data.table(target.table);
    switch (target.kind) {
      case 'one': {
        const index = table.indexOfId(target.id);
        if (index < 0) {
          return error(404, 'NotFound', `${ENTITY_NAMES[target.table]} with id ${target.id} was not found.`);
        }
        const fields = parseFields(params.get('fields'));
        const record = table.record(index);
        return json(200, fields ? projectFields(record, fields) : record, 1);
      }
      case 'count':
        return json(200, { count: table.count(buildFilter(this.filterParams(params))) });
      case 'list':
        return this.list(
          req,
          url,
          params,
          target.table,
          state,
          this.filterParams(params),
          params.get('orderby'),
        );
      case 'search': {
        const search = this.searchBody(body);
        return this.list(req, url, params, target.table, state, search.filter, search.orderBy);
      }
    }
  }

  private filterParams(params: Map<string, string>): FilterParams {
    return {
      conditions: params.get('conditions'),
      childConditions: params.get('childconditions'),
      customFieldConditions: params.get('customfieldconditions'),
    };
  }

  /** `POST …/search` body `{conditions, orderBy, childConditions, customFieldConditions}` (reference §1.3). */
  private searchBody(body: string): { filter: FilterParams; orderBy: string | undefined } {
    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new ConditionSyntaxError('The request body is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConditionSyntaxError('The request body must be a JSON object.');
    }
    const fields = new Map(Object.entries(parsed).map(([key, value]) => [key.toLowerCase(), value]));
    const text = (key: string) => {
      const value = fields.get(key);
      return typeof value === 'string' ? value : undefined;
    };
    return {
      filter: {
        conditions: text('conditions'),
        childConditions: text('childconditions'),
        customFieldConditions: text('customfieldconditions'),
      },
      orderBy: text('orderby'),
    };
  }

  private list(
    req: IncomingMessage,
    url: URL,
    params: Map<string, string>,
    tableName: ConnectWiseTable,
    state: TenantState,
    filterParams: FilterParams,
    orderBy: string | undefined,
  ): Reply {
    const table = state.data.table(tableName);
    const filter = buildFilter(filterParams);
    const fields = parseFields(params.get('fields'));
    const pageSize = effectivePageSize(integerParam(params, 'pageSize'));
    const resourceUrl = `${this.origin}${url.pathname}`;
    const rawQuery = url.search.replace(/^\?/, '');
    let indexes: ArrayLike<number>;
    let link: string;
    const paginationType = req.headers['pagination-type'];
    if (typeof paginationType === 'string' && paginationType.trim().toLowerCase() === 'forward-only') {
      // Forward-only (reference §1.5): `page` ignored, no orderBy, id > pageId in id order.
      if (orderBy !== undefined && orderBy.trim() !== '') {
        throw new ConditionSyntaxError(
          'orderBy cannot be used with forward-only pagination; results are ordered by id.',
        );
      }
      const pageId = this.faults?.ignoresPageId(state.config.companyId)
        ? 0
        : (integerParam(params, 'pageId') ?? 0);
      const page = table.forwardPage(filter, pageId, pageSize);
      const last = page[page.length - 1];
      indexes = page;
      link = forwardOnlyLinkHeader(
        resourceUrl,
        rawQuery,
        last === undefined ? undefined : table.idAt(last),
        page.length === pageSize,
      );
    } else {
      // Navigable (the default): `pageId` only has a meaning with the forward-only header and is ignored here [U].
      const order = parseOrderBy(orderBy);
      const page = Math.max(1, integerParam(params, 'page') ?? 1);
      let total: number;
      if (isIdAscending(order) || isIdDescending(order)) {
        ({ indexes, total } = table.idOrderedPage(
          filter,
          isIdDescending(order),
          (page - 1) * pageSize,
          pageSize,
        ));
      } else {
        const all = table.matchAll(filter, order);
        total = all.length;
        // Past the last page: `[]` with 200, not an error (reference §1.5).
        const from = Math.min(all.length, (page - 1) * pageSize);
        indexes = all.subarray(from, Math.min(all.length, from + pageSize));
      }
      const lastPage = Math.max(1, Math.ceil(total / pageSize));
      link = navigableLinkHeader(resourceUrl, rawQuery, page, lastPage);
    }
    // One page buffer, record after record: one 3.7 MB string would become two-byte for a single non-Latin-1
    // character, and generated tickets have a faster route than JSON.stringify (recordJson.ts).
    const body = new JsonPageWriter(indexes.length * EXPECTED_RECORD_BYTES);
    const tickets = tableName === 'tickets' && !fields;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i] as number;
      const record = table.record(index);
      body.record(fields ? projectFields(record, fields) : record, tickets && table.isGenerated(index));
    }
    return {
      status: 200,
      body: body.bytes(),
      records: indexes.length,
      headers: { Link: link },
      written: () => body.release(),
    };
  }

  /** Unauthenticated codebase discovery; JSON `null` for an unknown company (reference §1.1). */
  private companyInfo(companyId: string): Reply {
    const state = this.tenants.get(companyId.toLowerCase());
    if (!state) return json(200, null);
    return json(200, {
      CompanyName: state.config.companyId,
      Codebase: 'v4_6_release/',
      VersionCode: `v${CONNECTWISE_API_VERSION}`,
      VersionNumber: `v4.6.${CONNECTWISE_API_VERSION.replace('.', '')}`,
      CompanyID: state.config.companyId,
      IsCloud: this.options.cloudAuthQuirk ? 'True' : 'False',
    });
  }

  /** `Info` schema (reference §1.1); usable without authentication [S]. */
  private systemInfo(): Reply {
    return json(200, {
      version: `v${CONNECTWISE_API_VERSION}.0`,
      isCloud: this.options.cloudAuthQuirk === true,
      serverTimeZone: 'Eastern Standard Time',
      licenseBits: [],
      cloudRegion: 'NA',
      maxWorkFlowRecordsAllowed: 10_000,
    });
  }
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const simulator = new SimulatorServer(options);
  await simulator.listen();
  return simulator;
}
