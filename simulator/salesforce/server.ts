/**
 * The HTTP face of the Salesforce simulator (reference sources-servicenow-salesforce-deletes.md §B): the OAuth
 * token endpoint, REST query / queryAll / query locators, getDeleted and `/limits` for every simulated org on one
 * server. The org of a request is the one its session belongs to. The HTTP harness, latency and fault injection
 * are shared with the other simulators (core/).
 */
import { createHmac } from 'node:crypto';
import { answerWithFaults, FaultInjector, requestKey } from '../core/faults';
import { startHarness, type Exchange, type HttpHarness } from '../core/harness';
import { dataPeriod } from '../core/period';
import { hashString } from '../core/prng';
import type { Reply } from '../core/types';
import { bearerToken, SessionStore } from './auth';
import { CursorStore, type Cursor } from './cursors';
import { parseDateTime, sfDateTime } from './dates';
import {
  errorReply,
  invalidQueryLocator,
  invalidSession,
  malformedQuery,
  methodNotAllowed,
  notFound,
  requestLimitExceeded,
  salesforceFaultReplies,
} from './errors';
import { compileQuery, SoqlSemanticError, type CompiledQuery } from './evaluate';
import { podOf } from './ids';
import { DailyAllocation } from './limits';
import { objectNamed, SCHEMAS, type SalesforceObjectName } from './objects';
import { allFields, DEFAULT_API_VERSION, renderRecord, type SalesforceRecord } from './render';
import { parseSoql, SoqlSyntaxError } from './soql';
import { OrgData, RECYCLE_BIN_SECONDS, Row } from './store';
import type {
  FaultOptions,
  SalesforceApiUsage,
  SalesforceRecordedRequest,
  SalesforceRequestHook,
  SalesforceSimulator,
  SalesforceSimulatorOptions,
  SimulatedOrg,
} from './types';

/** Batch sizes of `Sforce-Query-Options: batchSize=N` (reference §B.1). */
export const DEFAULT_BATCH_SIZE = 2000;
export const MIN_BATCH_SIZE = 200;
const DEFAULT_SESSION_SECONDS = 7200;
const DEFAULT_DAILY_REQUESTS = 15_000;
const DEFAULT_LOCATOR_SECONDS = 2 * 86_400;
/** SOQL OFFSET maximum (reference §B.2). */
const MAX_OFFSET = 2000;

interface OrgState {
  config: SimulatedOrg;
  data: OrgData;
  allocation: DailyAllocation;
  missing: ReadonlySet<SalesforceObjectName>;
}

type Route =
  | { kind: 'token' }
  | { kind: 'versions' }
  | { kind: 'query'; version: string; all: boolean }
  | { kind: 'locator'; version: string; locator: string }
  | { kind: 'limits'; version: string }
  | { kind: 'deleted'; version: string; object: string }
  | { kind: 'unknown' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function route(pathname: string): Route {
  if (pathname === '/services/oauth2/token') return { kind: 'token' };
  if (/^\/services\/data\/?$/.test(pathname)) return { kind: 'versions' };
  const api = /^\/services\/data\/v(\d+\.\d+)\/(.*?)\/?$/.exec(pathname);
  if (!api) return { kind: 'unknown' };
  const version = api[1] as string;
  const rest = api[2] as string;
  if (rest === 'query' || rest === 'queryAll') return { kind: 'query', version, all: rest === 'queryAll' };
  if (rest === 'limits') return { kind: 'limits', version };
  const locator = /^(?:query|queryAll)\/([^/]+)$/.exec(rest);
  if (locator) return { kind: 'locator', version, locator: decode(locator[1] as string) };
  const deleted = /^sobjects\/([^/]+)\/deleted$/.exec(rest);
  if (deleted) return { kind: 'deleted', version, object: decode(deleted[1] as string) };
  return { kind: 'unknown' };
}

function json(status: number, value: unknown, records = 0): Reply {
  return { status, body: JSON.stringify(value), records };
}

/** An OAuth error as the token endpoint writes it (not the REST error array). */
function oauthError(error: string, description: string): Reply {
  return json(400, { error, error_description: description });
}

const DATETIME_LITERALS = /\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?/g;

/**
 * Identifies "the same request" for keyed fault draws: method, path and parameters, with datetime literals blanked
 * (a sync window ends at the job's start time) and the query id of a locator blanked (it depends on how many
 * queries ran before), its offset kept.
 */
function salesforceRequestKey(method: string, url: URL): string {
  const path = url.pathname.replace(/\/query\/[0-9A-Za-z]{18}-/, '/query/<locator>-');
  return requestKey(
    method,
    path,
    [...url.searchParams].map(([key, value]) => [key, value.replace(DATETIME_LITERALS, '<t>')]),
  );
}

/** `Sforce-Query-Options: batchSize=N`, clamped to 200–2000; undefined when absent or unreadable. */
function requestedBatchSize(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const match = text ? /batchSize\s*=\s*(\d+)/i.exec(text) : null;
  if (!match) return undefined;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
}

class SalesforceSimulatorServer implements SalesforceSimulator {
  private readonly orgs = new Map<string, OrgState>();
  private readonly byClient = new Map<string, OrgState>();
  private readonly sessions = new SessionStore();
  private readonly cursors: CursorStore;
  private faults: FaultInjector | undefined;
  private harness!: HttpHarness<SalesforceRecordedRequest>;

  constructor(private readonly options: SalesforceSimulatorOptions) {
    const period = dataPeriod(options.dataEndsAt);
    for (const config of options.orgs) {
      const key = config.name.toLowerCase();
      if (this.orgs.has(key)) throw new Error(`Duplicate simulated org '${config.name}'`);
      if (this.byClient.has(config.clientId)) throw new Error(`Duplicate OAuth client '${config.clientId}'`);
      const state: OrgState = {
        config,
        data: new OrgData(config.name, config.seed ?? hashString(config.name), config.sizes, period),
        allocation: new DailyAllocation(config.dailyRequestLimit ?? DEFAULT_DAILY_REQUESTS),
        missing: new Set(config.missingObjects ?? []),
      };
      this.orgs.set(key, state);
      this.byClient.set(config.clientId, state);
    }
    this.cursors = new CursorStore(
      podOf(hashString('query-locators')),
      options.queryLocatorSeconds ?? DEFAULT_LOCATOR_SECONDS,
    );
    this.setFaults(options.faults);
  }

  async listen(): Promise<void> {
    this.harness = await startHarness<SalesforceRecordedRequest>({
      port: this.options.port,
      latency: this.options.latency,
      label: 'salesforce simulator',
      contentType: 'application/json;charset=UTF-8',
      identify: (req) => {
        const token = bearerToken(req.headers.authorization);
        return token === undefined ? undefined : this.sessions.orgOf(token);
      },
      headers: () => ({ 'Cache-Control': 'no-cache,must-revalidate,max-age=0,no-store,private' }),
      answer: (exchange) => this.dispatchSafely(exchange),
      present: ({ tenant, ...rest }) => ({ org: tenant, ...rest }),
    });
  }

  get instanceUrl(): string {
    return this.harness.origin;
  }

  private org(name: string): OrgState {
    const state = this.orgs.get(name.toLowerCase());
    if (!state) throw new Error(`Unknown simulated org '${name}'`);
    return state;
  }

  private nowMs(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  // ----- SalesforceSimulator API -----------------------------------------------------------------------------------

  records(org: string, object: SalesforceObjectName): readonly SalesforceRecord[] {
    const state = this.org(org);
    const schema = SCHEMAS[object];
    const fields = allFields(schema);
    return state.data
      .object(object)
      .snapshot((row) => renderRecord(schema, fields, row, DEFAULT_API_VERSION), state.data);
  }

  ids(org: string, object: SalesforceObjectName): string[] {
    const store = this.org(org).data.object(object);
    return store.liveOrdinals().map((ordinal) => store.idOf(ordinal));
  }

  mutate(org: string, object: SalesforceObjectName, count: number): string[] {
    return this.org(org).data.mutate(object, count, this.nowSeconds());
  }

  addRecords(org: string, object: SalesforceObjectName, count: number): string[] {
    return this.org(org).data.addRecords(object, count, this.nowSeconds());
  }

  deleteRecords(org: string, object: SalesforceObjectName, ids: string[]): void {
    this.org(org).data.deleteRecords(object, ids, this.nowSeconds());
  }

  purgeRecords(org: string, object: SalesforceObjectName, ids: string[]): void {
    this.org(org).data.purgeRecords(object, ids, this.nowSeconds());
  }

  undeleteRecords(org: string, object: SalesforceObjectName, ids: string[]): void {
    this.org(org).data.undeleteRecords(object, ids, this.nowSeconds());
  }

  setSystemModstamp(org: string, object: SalesforceObjectName, ids: string[], iso: string): void {
    const seconds = parseDateTime(iso) ?? Date.parse(iso) / 1000;
    if (Number.isNaN(seconds)) throw new Error(`setSystemModstamp: '${iso}' is not a datetime`);
    this.org(org).data.setSystemModstamp(object, ids, Math.floor(seconds));
  }

  expireSessions(org?: string): void {
    this.sessions.expire(org === undefined ? undefined : this.org(org).config.name);
  }

  onRequest(hook: SalesforceRequestHook | undefined): void {
    this.harness.onRequest(hook);
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults = faults ? new FaultInjector(faults) : undefined;
  }

  requests(org?: string): readonly SalesforceRecordedRequest[] {
    return this.harness.requests(org);
  }

  resetRequests(): void {
    this.harness.resetRequests();
  }

  maxConcurrent(org: string): number {
    return this.harness.maxConcurrent(this.org(org).config.name);
  }

  apiUsage(org: string): SalesforceApiUsage {
    const { allocation } = this.org(org);
    return { used: allocation.used(this.nowMs()), max: allocation.max };
  }

  stop(): Promise<void> {
    return this.harness.stop();
  }

  // ----- HTTP ----------------------------------------------------------------------------------------------------

  private dispatchSafely(exchange: Exchange): Reply {
    try {
      return this.dispatch(exchange);
    } catch (cause) {
      console.error('salesforce simulator: answer failed', cause);
      return errorReply(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred.');
    }
  }

  private dispatch(exchange: Exchange): Reply {
    const target = route(exchange.url.pathname);
    if (target.kind === 'token') return this.issueToken(exchange);
    if (target.kind === 'versions') {
      return json(200, [
        { label: "Winter '25", url: `/services/data/v${DEFAULT_API_VERSION}`, version: DEFAULT_API_VERSION },
      ]);
    }
    const token = bearerToken(exchange.req.headers.authorization);
    const nowMs = this.nowMs();
    const known =
      token === undefined ? undefined : this.orgs.get(this.sessions.orgOf(token)?.toLowerCase() ?? '');
    const withUsage = (reply: Reply, state: OrgState): Reply => ({
      ...reply,
      headers: { 'Sforce-Limit-Info': state.allocation.header(nowMs), ...reply.headers },
    });
    if (!known || !this.sessions.isValid(token as string, nowMs)) {
      return known ? withUsage(invalidSession(), known) : invalidSession();
    }
    if (!known.allocation.take(nowMs)) return withUsage(requestLimitExceeded(), known);
    if (target.kind === 'unknown') return withUsage(notFound(), known);
    const reply = answerWithFaults(
      this.faults,
      known.config.name,
      salesforceRequestKey(exchange.method, exchange.url),
      salesforceFaultReplies,
      () => this.answer(exchange, target, known),
    );
    // A 502 comes from the edge in front of the org, which does not know the org's usage.
    return reply.fault === '502' ? reply : withUsage(reply, known);
  }

  private answer(
    exchange: Exchange,
    target: Exclude<Route, { kind: 'token' | 'versions' | 'unknown' }>,
    state: OrgState,
  ): Reply {
    if (exchange.method !== 'GET' && exchange.method !== 'HEAD') return methodNotAllowed(exchange.method);
    switch (target.kind) {
      case 'query':
        return this.query(exchange, target.version, target.all, state);
      case 'locator':
        return this.queryMore(exchange, target.version, target.locator, state);
      case 'limits': {
        const used = state.allocation.used(this.nowMs());
        const max = state.allocation.max;
        return json(200, { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) } });
      }
      case 'deleted':
        return this.deleted(exchange.url, target.object, state);
    }
  }

  private query(exchange: Exchange, version: string, all: boolean, state: OrgState): Reply {
    const text = exchange.url.searchParams.get('q');
    if (text === null || text.trim() === '') return malformedQuery('A query string has to be specified');
    let compiled: CompiledQuery;
    try {
      compiled = compileQuery(parseSoql(text), (object) => !state.missing.has(object));
    } catch (cause) {
      if (cause instanceof SoqlSyntaxError) return malformedQuery(cause.message);
      if (cause instanceof SoqlSemanticError) return errorReply(400, cause.errorCode, cause.message);
      throw cause;
    }
    if ((compiled.offset ?? 0) > MAX_OFFSET) {
      return errorReply(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    const ordinals = state.data.object(compiled.object).run(state.data, compiled, all, this.nowSeconds());
    if (compiled.count) return json(200, { totalSize: ordinals.length, done: true, records: [] });
    const cursor = {
      org: state.config.name,
      object: compiled.object,
      fields: compiled.fields,
      ordinals,
      batchSize: requestedBatchSize(exchange.req.headers['sforce-query-options']) ?? DEFAULT_BATCH_SIZE,
    };
    const locator = ordinals.length > cursor.batchSize ? this.cursors.open(cursor, this.nowMs()) : undefined;
    return this.batch(state, cursor, locator, 0, cursor.batchSize, version);
  }

  private queryMore(exchange: Exchange, version: string, locator: string, state: OrgState): Reply {
    const found = this.cursors.find(locator, state.config.name, this.nowMs());
    if (!found) return invalidQueryLocator();
    const batchSize =
      requestedBatchSize(exchange.req.headers['sforce-query-options']) ?? found.cursor.batchSize;
    return this.batch(state, found.cursor, locator.split('-')[0], found.offset, batchSize, version);
  }

  private batch(
    state: OrgState,
    cursor: Omit<Cursor, 'expiresAtMs'>,
    locator: string | undefined,
    offset: number,
    batchSize: number,
    version: string,
  ): Reply {
    const schema = SCHEMAS[cursor.object];
    const row = new Row(state.data, state.data.object(cursor.object));
    const end = Math.min(cursor.ordinals.length, offset + batchSize);
    const records: string[] = [];
    for (let position = offset; position < end; position++) {
      row.at(cursor.ordinals[position] as number);
      records.push(JSON.stringify(renderRecord(schema, cursor.fields, row, version)));
    }
    const done = end >= cursor.ordinals.length;
    const next =
      done || locator === undefined
        ? ''
        : `"nextRecordsUrl":${JSON.stringify(`/services/data/v${version}/query/${locator}-${end}`)},`;
    return {
      status: 200,
      body: `{"totalSize":${cursor.ordinals.length},"done":${done},${next}"records":[${records.join(',')}]}`,
      records: records.length,
    };
  }

  /**
   * getDeleted (reference §B.6): minute granularity, `[start, end)` by deletion time, the end capped at the
   * current minute (`latestDateCovered`, the next call's start); only the last 15 days are kept
   * (`earliestDateAvailable`). Start must precede end by more than a minute.
   */
  private deleted(url: URL, name: string, state: OrgState): Reply {
    const object = objectNamed(name);
    if (!object || state.missing.has(object)) return notFound();
    const start = parseDateTime(url.searchParams.get('start') ?? '');
    const end = parseDateTime(url.searchParams.get('end') ?? '');
    if (start === undefined || end === undefined) {
      return errorReply(400, 'INVALID_REPLICATION_DATE', 'start and end must be dateTime values'); // [U] wording
    }
    if (end - start <= 60) {
      return errorReply(
        400,
        'INVALID_REPLICATION_DATE',
        'EndDate must be at least one minute greater than StartDate',
      );
    }
    const now = this.nowSeconds();
    const minute = (seconds: number) => Math.floor(seconds / 60) * 60;
    const covered = Math.min(minute(end), minute(now));
    const deletions = state.data.deletedBetween(object, minute(start), covered, now);
    return json(
      200,
      {
        deletedRecords: deletions.map(({ id, deletedAt }) => ({ id, deletedDate: sfDateTime(deletedAt) })),
        earliestDateAvailable: sfDateTime(minute(now - RECYCLE_BIN_SECONDS)),
        latestDateCovered: sfDateTime(covered),
      },
      deletions.length,
    );
  }

  /** `POST /services/oauth2/token`, client_credentials grant with a form body or a Basic header (reference §B.4). */
  private issueToken({ req, method, body }: Exchange): Reply {
    if (method !== 'POST') return methodNotAllowed(method);
    const form = new URLSearchParams(body);
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic[1] as string, 'base64')
          .toString('utf8')
          .split(':')
      : [];
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials')
      return oauthError('unsupported_grant_type', 'grant type not supported');
    const state = this.byClient.get(form.get('client_id') ?? basicId ?? '');
    if (!state) return oauthError('invalid_client_id', 'client identifier invalid');
    if ((form.get('client_secret') ?? basicSecret) !== state.config.clientSecret) {
      return { ...oauthError('invalid_client', 'invalid client credentials'), tenant: state.config.name };
    }
    const nowMs = this.nowMs();
    const data = state.data;
    const accessToken = this.sessions.issue(
      state.config.name,
      data.orgId,
      state.config.sessionSeconds ?? DEFAULT_SESSION_SECONDS,
      nowMs,
    );
    const id = `${this.instanceUrl}/id/${data.orgId}/${data.userId}`;
    const issuedAt = String(nowMs);
    return {
      ...json(200, {
        access_token: accessToken,
        signature: createHmac('sha256', state.config.clientSecret)
          .update(id + issuedAt)
          .digest('base64'),
        scope: 'api',
        instance_url: this.instanceUrl,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      }),
      tenant: state.config.name,
    };
  }
}

/** Starts the Salesforce simulator on 127.0.0.1 (port 0 = any free port). */
export async function startSalesforceSimulator(
  options: SalesforceSimulatorOptions,
): Promise<SalesforceSimulator> {
  const simulator = new SalesforceSimulatorServer(options);
  await simulator.listen();
  return simulator;
}
