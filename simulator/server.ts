/**
 * The HTTP face of the simulator: one node:http server on 127.0.0.1 for all tenants, routed as ConnectWise
 * Manage routes them (reference source-apis.md §1.1–1.5, §1.9–1.11, §1.14).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CONNECTWISE_API_VERSION,
  CONNECTWISE_ENDPOINTS,
  CONNECTWISE_TABLES,
  type ConnectWiseTable,
} from '../sources/connectwise/endpoints';
import { ConditionSyntaxError } from './conditions';
import {
  BAD_GATEWAY_502_BODY,
  FaultInjector,
  LatencyModel,
  MALFORMED_200_BODY,
  TIMEOUT_500_BODY,
  TokenBucket,
  tooManyRequestsBody,
} from './faults';
import { effectivePageSize, forwardOnlyLinkHeader, navigableLinkHeader } from './paging';
import { hashString } from './prng';
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
  InjectedFault,
  RecordedRequest,
  RequestHook,
  SimulatedTenant,
  Simulator,
  SimulatorOptions,
} from './types';

/** The codebase router every client calls (reference §1.1); `/login/companyinfo` names it as the tenant's codebase. */
export const API_PREFIX = '/v4_6_release/apis/3.0';
const DEFAULT_REQUESTS_PER_MINUTE = 1000;
const MAX_BODY_BYTES = 1_000_000;
/** A generated ticket is ~3.7 KB of JSON; a page buffer starts at this per record and grows when needed. */
const EXPECTED_RECORD_BYTES = 4096;

const ENTITY_NAMES: Record<ConnectWiseTable, string> = {
  companies: 'Company',
  contacts: 'Contact',
  tickets: 'Ticket',
  time_entries: 'TimeEntry',
};

interface Reply {
  status: number;
  body: string | Buffer;
  /** Entity records in the body (drives per-record latency and the request log). */
  records: number;
  headers?: Record<string, string>;
  contentType?: string;
  /** An injected fault, recorded in the request log. */
  fault?: InjectedFault;
  /** Destroy the connection after the headers and half of the body. */
  reset?: boolean;
  /** Extra delay before answering (the `slow` fault). */
  extraDelayMs?: number;
  /** Called once the body has been handed to the socket, so its buffer can be reused. */
  written?: () => void;
}

interface TenantState {
  config: SimulatedTenant;
  data: TenantData;
  bucket: TokenBucket;
  open: number;
  maxOpen: number;
  arrivals: number[];
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Identifies "the same request" for keyed fault draws: method, path and query, without `conditions`, whose
 * window ends at the job's start time and so differs from run to run.
 */
function requestKey(method: string, url: URL): string {
  const query = [...url.searchParams]
    .filter(([key]) => key.toLowerCase() !== 'conditions')
    .map(([key, value]) => `${key.toLowerCase()}=${value}`)
    .sort();
  return `${method} ${url.pathname.toLowerCase()}?${query.join('&')}`;
}

/** Applies a body or timing fault to a successful answer; error answers pass unchanged. */
function corrupt(reply: Reply, fault: InjectedFault, slowMs: number): Reply {
  if (fault === 'slow') return { ...reply, fault, extraDelayMs: slowMs };
  if (reply.status !== 200) return reply;
  const payload = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  switch (fault) {
    case 'reset':
      return { ...reply, fault, reset: true };
    case 'truncated':
      return { ...reply, fault, body: payload.subarray(0, Math.floor(payload.length / 2)) };
    case 'malformed':
      return { ...reply, fault, body: MALFORMED_200_BODY };
    case 'notArray':
      return { ...reply, fault, body: '{}', records: 0 };
    default:
      return reply;
  }
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

class SimulatorServer implements Simulator {
  private readonly tenants = new Map<string, TenantState>();
  private readonly latency: LatencyModel;
  private faults: FaultInjector | undefined;
  private hook: RequestHook | undefined;
  private log: RecordedRequest[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();
  private origin = '';

  constructor(
    private readonly server: Server,
    private readonly options: SimulatorOptions,
  ) {
    const startedAt = Date.now();
    for (const config of options.tenants) {
      const key = config.companyId.toLowerCase();
      if (this.tenants.has(key)) throw new Error(`Duplicate simulated tenant '${config.companyId}'`);
      this.tenants.set(key, {
        config,
        data: new TenantData(config.companyId, config.seed ?? hashString(config.companyId), config.sizes),
        bucket: new TokenBucket(config.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, startedAt),
        open: 0,
        maxOpen: 0,
        arrivals: [],
      });
    }
    this.latency = new LatencyModel(options.latency);
    this.setFaults(options.faults);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((cause: unknown) => {
        console.error('simulator: request failed', cause);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  listening(port: number): void {
    this.origin = `http://127.0.0.1:${port}`;
  }

  get baseUrl(): string {
    return `${this.origin}${API_PREFIX}`;
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

  setLastUpdated(companyId: string, table: ConnectWiseTable, ids: number[], iso: string): void {
    this.tenant(companyId).data.setLastUpdated(table, ids, iso);
  }

  onRequest(hook: RequestHook | undefined): void {
    this.hook = hook;
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults = faults ? new FaultInjector(faults) : undefined;
  }

  requests(companyId?: string): readonly RecordedRequest[] {
    if (companyId === undefined) return [...this.log];
    const key = companyId.toLowerCase();
    return this.log.filter((request) => request.companyId?.toLowerCase() === key);
  }

  resetRequests(): void {
    this.log = [];
    for (const state of this.tenants.values()) {
      state.arrivals = [];
      state.maxOpen = state.open;
    }
  }

  maxConcurrent(companyId: string): number {
    return this.tenant(companyId).maxOpen;
  }

  maxRequestsInAnyMinute(companyId: string): number {
    return maxInWindow(this.tenant(companyId).arrivals, 60_000);
  }

  stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    return new Promise((resolve, reject) => {
      this.server.close((cause) => (cause ? reject(cause) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // ----- HTTP ----------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const credentials = parseBasicAuth(req.headers.authorization);
    const state = credentials ? this.tenants.get(credentials.companyId.toLowerCase()) : undefined;
    if (state) {
      // Concurrency and arrivals count every request that names the tenant, whatever its answer.
      state.arrivals.push(startedAt);
      state.open++;
      state.maxOpen = Math.max(state.maxOpen, state.open);
      res.once('close', () => state.open--);
    }
    const body =
      req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' ? await readBody(req) : '';

    let reply: Reply;
    try {
      reply = this.dispatch(req, url, body, credentials, state);
    } catch (cause) {
      reply =
        cause instanceof ConditionSyntaxError
          ? error(400, 'InvalidObject', cause.message)
          : error(500, 'ConnectWiseApi', cause instanceof Error ? cause.message : String(cause));
    }

    let answered = false;
    if (reply.fault === 'slow') {
      // A client that gives up before the slow answer is written still met the fault: record it when it leaves.
      res.once('close', () => {
        if (!answered) this.record(req, url, state, reply, startedAt);
      });
    }
    const send = () => {
      this.pending.delete(timer);
      if (res.destroyed) return;
      answered = true;
      const payload = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
      res.writeHead(reply.status, {
        'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
        'Content-Length': String(payload.length),
        'Cache-Control': 'no-cache',
        Pragma: 'no-cache',
        'api-current-version': CONNECTWISE_API_VERSION,
        'x-cw-request-id': randomUUID(),
        'x-server-name': 'SIMCWAPI01',
        ...reply.headers,
      });
      if (reply.reset) {
        // Headers promise the whole body; the connection dies halfway (a reset mid-response).
        res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      } else {
        res.end(payload, reply.written);
      }
      this.record(req, url, state, reply, startedAt);
    };
    // Latency is applied before answering, with a per-record cost (reference §1.11: a parameter, not a constant).
    const timer = setTimeout(send, this.latency.delayMs(reply.records) + (reply.extraDelayMs ?? 0));
    this.pending.add(timer);
  }

  private record(
    req: IncomingMessage,
    url: URL,
    state: TenantState | undefined,
    reply: Reply,
    startedAt: number,
  ): void {
    const recorded: RecordedRequest = {
      companyId: state?.config.companyId ?? null,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: reply.status,
      records: reply.records,
      ...(reply.fault ? { fault: reply.fault } : {}),
      startedAt,
      endedAt: Date.now(),
    };
    this.log.push(recorded);
    try {
      this.hook?.(recorded);
    } catch (cause) {
      console.error('simulator: onRequest hook threw', cause);
    }
  }

  private dispatch(
    req: IncomingMessage,
    url: URL,
    body: string,
    credentials: ReturnType<typeof parseBasicAuth>,
    state: TenantState | undefined,
  ): Reply {
    const target = route(url.pathname);
    const method = req.method ?? 'GET';
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
    if (!throttled.ok) return this.tooManyRequests(throttled.retryAfterSeconds);
    const fault = this.faults?.draw(state.config.companyId, requestKey(method, url)) ?? 'none';
    switch (fault) {
      case '429':
        return { ...this.tooManyRequests(this.faults?.retryAfterSeconds ?? 1), fault };
      case '500':
        return { status: 500, body: TIMEOUT_500_BODY, records: 0, fault };
      case '502':
        return {
          status: 502,
          body: BAD_GATEWAY_502_BODY,
          records: 0,
          contentType: 'text/html; charset=utf-8',
          fault,
        };
      case '503':
        return { status: 503, body: '', records: 0, fault };
      default:
        break;
    }
    const reply = this.answer(req, url, body, target, state);
    return fault === 'none' ? reply : corrupt(reply, fault, this.faults?.slowMs ?? 0);
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

  private tooManyRequests(retryAfterSeconds: number): Reply {
    return {
      status: 429,
      body: tooManyRequestsBody(retryAfterSeconds),
      records: 0,
      headers: { 'Retry-After': String(retryAfterSeconds) },
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
  const server = createServer();
  const simulator = new SimulatorServer(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  simulator.listening((server.address() as AddressInfo).port);
  return simulator;
}
