/**
 * The HTTP face of the ServiceNow simulator: the Table API, the Aggregate API's counts and `POST /oauth_token.do`
 * for every simulated instance on one server (reference sources-servicenow-salesforce-deletes.md §A). The instance
 * of a request is the one its credentials belong to. The HTTP harness, latency and fault injection are shared with
 * the ConnectWise simulator (core/).
 */
import { randomBytes } from 'node:crypto';
import { answerWithFaults, FaultInjector, requestKey, type FaultReplies } from '../core/faults';
import { startHarness, type Exchange, type HttpHarness } from '../core/harness';
import { dataPeriod } from '../core/period';
import { hashString, hex32, mix32 } from '../core/prng';
import type { Reply } from '../core/types';
import { parseAuthorization, TokenStore } from './auth';
import { parseGlideDateTime } from './dates';
import { compileFilter, parseEncodedQuery, sysIdBounds, type FieldLookup } from './encodedQuery';
import {
  badRequest,
  badUri,
  errorReply,
  forbiddenTable,
  invalidTable,
  methodNotAllowed,
  noRecord,
  rateLimitExceededBody,
  serviceNowFaultReplies,
  unauthenticated,
} from './errors';
import { tableLinkHeader } from './paging';
import { HourlyRateLimit } from './rateLimit';
import { parseFields, renderRecord, type RenderOptions, type ServiceNowRecord } from './render';
import type { QueryableTable, QueryPlan } from './queryable';
import { InstanceData } from './store';
import {
  AUDIT_DELETE_TABLE,
  isServedTable,
  SCHEMAS,
  type ServedTableName,
  type ServiceNowTableName,
  type TableSchema,
} from './tables';
import type {
  DeleteOptions,
  FaultOptions,
  ServiceNowRecordedRequest,
  ServiceNowRequestHook,
  ServiceNowSimulator,
  ServiceNowSimulatorOptions,
  SimulatedInstance,
} from './types';

/** `sysparm_limit` default (reference §A.3). */
export const DEFAULT_LIMIT = 10_000;
const DEFAULT_TOKEN_LIFETIME_SECONDS = 1800;
/** The limit a 429 storm's body names on an instance without a configured rule. */
const STORM_RULE_LIMIT = 1000;

interface InstanceState {
  config: SimulatedInstance;
  data: InstanceData;
  rule: HourlyRateLimit | undefined;
  forbidden: ReadonlySet<string>;
  faultReplies: FaultReplies;
}

type ApiVersion = 'v1' | 'v2' | undefined;

type Route =
  | { kind: 'token' }
  | { kind: 'table'; version: ApiVersion; table: string; sysId: string | undefined }
  | { kind: 'stats'; version: ApiVersion; table: string }
  | { kind: 'api-unknown' }
  | { kind: 'unknown' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function route(pathname: string): Route {
  if (pathname === '/oauth_token.do') return { kind: 'token' };
  const table = /^\/api\/now(?:\/(v1|v2))?\/table\/([^/]+)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (table) {
    return {
      kind: 'table',
      version: table[1] as ApiVersion,
      table: decode(table[2] as string),
      sysId: table[3] === undefined ? undefined : decode(table[3]),
    };
  }
  const stats = /^\/api\/now(?:\/(v1|v2))?\/stats\/([^/]+)\/?$/.exec(pathname);
  if (stats) return { kind: 'stats', version: stats[1] as ApiVersion, table: decode(stats[2] as string) };
  return pathname.startsWith('/api/') ? { kind: 'api-unknown' } : { kind: 'unknown' };
}

function json(status: number, value: unknown, records = 0): Reply {
  return { status, body: JSON.stringify(value), records };
}

/** An OAuth error as the token endpoint writes it (not the Table API envelope). */
function oauthError(status: number, error: string, description: string): Reply {
  return json(status, { error_description: description, error });
}

const DATE_OPERANDS = /\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2})?|javascript:[^^]*/g;

/**
 * Identifies "the same request" for keyed fault draws: method, path and parameters, with the date/time operands of
 * `sysparm_query` blanked (a sync window ends at the job's start time, which differs from run to run) but its
 * sys_id keyset bounds kept, so every page stays a request of its own.
 */
function serviceNowRequestKey(method: string, url: URL): string {
  return requestKey(
    method,
    url.pathname,
    [...url.searchParams].map(([key, value]) => [
      key,
      key === 'sysparm_query' ? value.replace(DATE_OPERANDS, '<t>') : value,
    ]),
  );
}

function flag(params: URLSearchParams, name: string): boolean {
  return params.get(name)?.trim().toLowerCase() === 'true';
}

function fieldLookup(schema: TableSchema): FieldLookup {
  return (field) => schema.fields.get(field);
}

/**
 * `sysparm_query`, or else the `name=value` pairs of the URL (mutually exclusive, reference §A.3); a choice
 * column's pair may name the label (`state=Closed`).
 */
function queryText(params: URLSearchParams, schema: TableSchema): string | undefined {
  const query = params.get('sysparm_query');
  if (query !== null) return query;
  const pairs: string[] = [];
  for (const [name, value] of params) {
    const spec = schema.fields.get(name);
    if (name.startsWith('sysparm_') || !spec) continue;
    const label = Object.entries(spec.choices ?? {}).find(
      ([, text]) => text.toLowerCase() === value.toLowerCase(),
    );
    pairs.push(`${name}=${(label ? label[0] : value).replace(/\^/g, '^^')}`);
  }
  return pairs.length > 0 ? pairs.join('^') : undefined;
}

function planOf(text: string | undefined, schema: TableSchema): QueryPlan {
  const lookup = fieldLookup(schema);
  const parsed = parseEncodedQuery(text, lookup);
  return {
    filter: compileFilter(parsed, lookup),
    orderBy: parsed.orderBy,
    bounds: sysIdBounds(parsed),
    key: JSON.stringify(parsed.groups),
  };
}

class ServiceNowSimulatorServer implements ServiceNowSimulator {
  private readonly instances = new Map<string, InstanceState>();
  private readonly byUser = new Map<string, InstanceState>();
  private readonly byClient = new Map<string, InstanceState>();
  private readonly tokens = new TokenStore();
  private readonly maxLimit: number;
  private faults: FaultInjector | undefined;
  private harness!: HttpHarness<ServiceNowRecordedRequest>;

  constructor(private readonly options: ServiceNowSimulatorOptions) {
    this.maxLimit = Math.max(1, Math.floor(options.maxLimit ?? DEFAULT_LIMIT));
    const period = dataPeriod(options.dataEndsAt);
    for (const config of options.instances) {
      const key = config.name.toLowerCase();
      if (this.instances.has(key)) throw new Error(`Duplicate simulated instance '${config.name}'`);
      if (this.byUser.has(config.username.toLowerCase()))
        throw new Error(`Duplicate simulated user '${config.username}'`);
      const seed = config.seed ?? hashString(config.name);
      const ruleSysId = (word: number) => hex32(mix32(seed, hashString('sys_rate_limit_rules'), word));
      const sysId = [0, 1, 2, 3].map(ruleSysId).join('');
      const rule =
        config.rateLimitPerHour === undefined
          ? undefined
          : new HourlyRateLimit(config.rateLimitPerHour, sysId);
      const storm = rule ?? new HourlyRateLimit(STORM_RULE_LIMIT, sysId);
      const state: InstanceState = {
        config,
        data: new InstanceData(config.name, seed, config.sizes, period),
        rule,
        forbidden: new Set<string>([
          ...(config.forbiddenTables ?? []),
          ...(config.auditReadable === false ? [AUDIT_DELETE_TABLE] : []),
        ]),
        faultReplies: serviceNowFaultReplies(storm.limitPerHour, () => storm.headers(this.nowMs())),
      };
      this.instances.set(key, state);
      this.byUser.set(config.username.toLowerCase(), state);
      if (config.clientId !== undefined) {
        if (this.byClient.has(config.clientId))
          throw new Error(`Duplicate OAuth client '${config.clientId}'`);
        this.byClient.set(config.clientId, state);
      }
    }
    this.setFaults(options.faults);
  }

  async listen(): Promise<void> {
    this.harness = await startHarness<ServiceNowRecordedRequest>({
      port: this.options.port,
      latency: this.options.latency,
      label: 'servicenow simulator',
      contentType: 'application/json;charset=UTF-8',
      identify: (req) => {
        const credentials = parseAuthorization(req.headers.authorization);
        if (!credentials) return undefined;
        return credentials.kind === 'basic'
          ? this.byUser.get(credentials.username.toLowerCase())?.config.name
          : this.tokens.instanceOf(credentials.token);
      },
      headers: (reply) => ({
        'Cache-Control': 'no-cache,no-store,must-revalidate,max-age=-1',
        Pragma: 'no-store,no-cache',
        Expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
        'X-Is-Logged-In': reply.status === 401 ? 'false' : 'true',
        'X-Transaction-ID': randomBytes(6).toString('hex'),
        Server: 'ServiceNow',
      }),
      answer: (exchange) => this.dispatchSafely(exchange),
      present: ({ tenant, ...rest }) => ({ instance: tenant, ...rest }),
    });
  }

  get instanceUrl(): string {
    return this.harness.origin;
  }

  private instance(name: string): InstanceState {
    const state = this.instances.get(name.toLowerCase());
    if (!state) throw new Error(`Unknown simulated instance '${name}'`);
    return state;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  // ----- ServiceNowSimulator API -----------------------------------------------------------------------------------

  records(instance: string, table: ServiceNowTableName): readonly ServiceNowRecord[] {
    const state = this.instance(instance);
    const schema = SCHEMAS[table];
    const options: RenderOptions = {
      fields: undefined,
      displayValue: 'false',
      excludeReferenceLink: false,
      origin: this.instanceUrl,
    };
    return state.data.table(table).snapshot((record) => renderRecord(schema, record, options, () => ''));
  }

  ids(instance: string, table: ServiceNowTableName): string[] {
    return this.instance(instance).data.table(table).sysIds();
  }

  mutate(instance: string, table: ServiceNowTableName, count: number): string[] {
    return this.instance(instance).data.mutate(table, count, this.now());
  }

  addRecords(instance: string, table: ServiceNowTableName, count: number): string[] {
    return this.instance(instance).data.addRecords(table, count, this.now());
  }

  deleteRecords(
    instance: string,
    table: ServiceNowTableName,
    sysIds: string[],
    options: DeleteOptions = {},
  ): void {
    this.instance(instance).data.deleteRecords(table, sysIds, this.now(), options.audit ?? true);
  }

  restoreRecords(instance: string, table: ServiceNowTableName, sysIds: string[]): void {
    this.instance(instance).data.restoreRecords(table, sysIds, this.now());
  }

  setUpdatedOn(instance: string, table: ServiceNowTableName, sysIds: string[], iso: string): void {
    const seconds = parseGlideDateTime(iso.trim()) ?? Date.parse(iso) / 1000;
    if (Number.isNaN(seconds)) throw new Error(`setUpdatedOn: '${iso}' is not a date/time`);
    this.instance(instance).data.setUpdatedOn(table, sysIds, seconds);
  }

  expireTokens(instance?: string): void {
    this.tokens.expire(instance === undefined ? undefined : this.instance(instance).config.name);
  }

  onRequest(hook: ServiceNowRequestHook | undefined): void {
    this.harness.onRequest(hook);
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults = faults ? new FaultInjector(faults) : undefined;
  }

  requests(instance?: string): readonly ServiceNowRecordedRequest[] {
    return this.harness.requests(instance);
  }

  resetRequests(): void {
    this.harness.resetRequests();
  }

  maxConcurrent(instance: string): number {
    return this.harness.maxConcurrent(this.instance(instance).config.name);
  }

  maxRequestsInAnyMinute(instance: string): number {
    return this.harness.maxRequestsInAnyMinute(this.instance(instance).config.name);
  }

  stop(): Promise<void> {
    return this.harness.stop();
  }

  // ----- HTTP ----------------------------------------------------------------------------------------------------

  private dispatchSafely(exchange: Exchange): Reply {
    try {
      return this.dispatch(exchange);
    } catch (cause) {
      return errorReply(500, 'Internal server error', cause instanceof Error ? cause.message : String(cause));
    }
  }

  private authenticate(exchange: Exchange): InstanceState | undefined {
    const credentials = parseAuthorization(exchange.req.headers.authorization);
    if (!credentials) return undefined;
    if (credentials.kind === 'basic') {
      const state = this.byUser.get(credentials.username.toLowerCase());
      return state && state.config.password === credentials.password ? state : undefined;
    }
    if (!this.tokens.isValid(credentials.token, this.nowMs())) return undefined;
    const name = this.tokens.instanceOf(credentials.token);
    return name === undefined ? undefined : this.instances.get(name.toLowerCase());
  }

  private dispatch(exchange: Exchange): Reply {
    const target = route(exchange.url.pathname);
    if (target.kind === 'token') return this.issueToken(exchange);
    if (target.kind === 'unknown')
      return errorReply(404, 'Not Found', `No resource at ${exchange.url.pathname}`);
    const state = this.authenticate(exchange);
    if (!state) return unauthenticated();
    if (target.kind === 'api-unknown') return badUri();

    // The rule covers the Table API (reference §A.8); its headers go on every request it matches.
    let rateHeaders: Record<string, string> = {};
    if (target.kind === 'table' && state.rule) {
      const verdict = state.rule.take(this.nowMs());
      if (!verdict.allowed) {
        return {
          status: 429,
          body: rateLimitExceededBody(state.rule.limitPerHour),
          records: 0,
          headers: { 'Retry-After': String(verdict.retryAfterSeconds), ...verdict.headers },
        };
      }
      rateHeaders = verdict.headers;
    }
    const reply = answerWithFaults(
      this.faults,
      state.config.name,
      serviceNowRequestKey(exchange.method, exchange.url),
      state.faultReplies,
      () => this.answer(exchange, target, state),
    );
    // A 502 or 503 comes from the load balancer, not from the instance that applies the rule.
    if (reply.fault === '502' || reply.fault === '503') return reply;
    return { ...reply, headers: { ...rateHeaders, ...reply.headers } };
  }

  private answer(
    { method, url }: Exchange,
    target: Extract<Route, { kind: 'table' | 'stats' }>,
    state: InstanceState,
  ): Reply {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method);
    if (!isServedTable(target.table)) return invalidTable(target.table);
    if (state.forbidden.has(target.table)) return forbiddenTable(target.table);
    const store = this.tableOf(target.table, state);
    if (target.kind === 'stats') return this.stats(url, store);
    if (target.sysId !== undefined) return this.one(url, store, target.sysId, state);
    return this.list(url, target.version, store, state);
  }

  /** The table a route names: a generated one, or the deletion audit. */
  private tableOf(name: ServedTableName, state: InstanceState): QueryableTable {
    return name === AUDIT_DELETE_TABLE ? state.data.auditLog : state.data.table(name);
  }

  private renderOptions(params: URLSearchParams, schema: TableSchema): RenderOptions {
    const display = params.get('sysparm_display_value')?.trim().toLowerCase();
    return {
      fields: parseFields(params.get('sysparm_fields'), schema),
      displayValue: display === 'true' ? 'true' : display === 'all' ? 'all' : 'false',
      excludeReferenceLink: flag(params, 'sysparm_exclude_reference_link'),
      origin: this.instanceUrl,
    };
  }

  private one(url: URL, store: QueryableTable, sysId: string, state: InstanceState): Reply {
    const ordinal = store.ordinalOf(sysId);
    if (ordinal < 0) return noRecord();
    const options = this.renderOptions(url.searchParams, store.schema);
    const record = renderRecord(store.schema, store.record(ordinal), options, (t, id) =>
      state.data.displayOf(t, id),
    );
    return json(200, { result: record }, 1);
  }

  private list(url: URL, version: ApiVersion, store: QueryableTable, state: InstanceState): Reply {
    const params = url.searchParams;
    const schema = store.schema;
    const limitText = params.get('sysparm_limit');
    const requested = limitText !== null && /^\s*\d+\s*$/.test(limitText) ? Number(limitText) : DEFAULT_LIMIT;
    const limit = Math.min(requested >= 1 ? requested : DEFAULT_LIMIT, this.maxLimit);
    const offsetText = params.get('sysparm_offset');
    if (offsetText !== null && offsetText.trim() !== '' && !/^\s*\d+\s*$/.test(offsetText)) {
      return badRequest(`sysparm_offset must be a non-negative integer, not '${offsetText}'`);
    }
    const offset = offsetText === null || offsetText.trim() === '' ? 0 : Number(offsetText);
    const counted = !flag(params, 'sysparm_no_count');
    const page = store.page(planOf(queryText(params, schema), schema), { offset, limit, count: counted });
    // Version 1 answers an empty result with 404; version 2 (the latest, also unversioned) with 200 and [].
    if (page.ordinals.length === 0 && version === 'v1') return noRecord();

    const headers: Record<string, string> = {};
    if (page.total !== undefined) headers['X-Total-Count'] = String(page.total);
    if (!flag(params, 'sysparm_suppress_pagination_header')) {
      const link = tableLinkHeader(`${this.instanceUrl}${url.pathname}`, url.search.replace(/^\?/, ''), {
        offset,
        limit,
        total: page.total,
        more: page.more,
      });
      if (link !== undefined) headers.Link = link;
    }
    const options = this.renderOptions(params, schema);
    const display = (t: ServiceNowTableName, id: string) => state.data.displayOf(t, id);
    const records = page.ordinals.map((ordinal) =>
      JSON.stringify(renderRecord(schema, store.record(ordinal), options, display)),
    );
    return {
      status: 200,
      body: `{"result":[${records.join(',')}]}`,
      records: records.length,
      headers,
    };
  }

  /** The Aggregate API (reference §A.10): `sysparm_count` and `sysparm_min_fields` / `sysparm_max_fields`. */
  private stats(url: URL, store: QueryableTable): Reply {
    const params = url.searchParams;
    const schema = store.schema;
    const columns = (name: string) => parseFields(params.get(name), schema) ?? [];
    const minFields = columns('sysparm_min_fields');
    const maxFields = columns('sysparm_max_fields');
    const count = flag(params, 'sysparm_count');
    const result = store.aggregate(planOf(queryText(params, schema), schema), minFields, maxFields);
    const stats: Record<string, unknown> = {};
    if (minFields.length > 0) stats.min = result.min;
    if (maxFields.length > 0) stats.max = result.max;
    if (count) stats.count = String(result.count);
    return json(200, { result: { stats } });
  }

  /**
   * `POST /oauth_token.do` with a form body (reference §A.2): client_credentials, password and refresh_token
   * grants. The client may also authenticate with a Basic header. Only password and refresh grants get a
   * refresh token.
   */
  private issueToken({ req, method, body }: Exchange): Reply {
    if (method !== 'POST') return methodNotAllowed(method);
    const form = new URLSearchParams(body);
    const basic = parseAuthorization(req.headers.authorization);
    const clientId = form.get('client_id') ?? (basic?.kind === 'basic' ? basic.username : null);
    const clientSecret = form.get('client_secret') ?? (basic?.kind === 'basic' ? basic.password : null);
    const grant = form.get('grant_type');
    if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (!['client_credentials', 'password', 'refresh_token'].includes(grant)) {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
    }
    const state = clientId === null ? undefined : this.byClient.get(clientId);
    const denied = oauthError(401, 'server_error', 'access_denied');
    if (!state || state.config.clientSecret === undefined || state.config.clientSecret !== clientSecret)
      return denied;
    const name = state.config.name;
    if (
      grant === 'password' &&
      (form.get('username')?.toLowerCase() !== state.config.username.toLowerCase() ||
        form.get('password') !== state.config.password)
    ) {
      return { ...denied, tenant: name };
    }
    if (grant === 'refresh_token' && this.tokens.redeem(form.get('refresh_token') ?? '') !== name) {
      return { ...denied, tenant: name };
    }
    const lifetime = state.config.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const issued = this.tokens.issue(name, lifetime, this.nowMs(), grant !== 'client_credentials');
    return {
      ...json(200, {
        scope: form.get('scope') || 'useraccount',
        token_type: 'Bearer',
        expires_in: Math.max(0, lifetime - 1),
        ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
        access_token: issued.accessToken,
      }),
      tenant: name,
    };
  }
}

/** Starts the ServiceNow simulator on 127.0.0.1 (port 0 = any free port). */
export async function startServiceNowSimulator(
  options: ServiceNowSimulatorOptions,
): Promise<ServiceNowSimulator> {
  const simulator = new ServiceNowSimulatorServer(options);
  await simulator.listen();
  return simulator;
}
