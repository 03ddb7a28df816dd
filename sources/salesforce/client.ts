import type { CanonicalTableName } from '../../mappings/canonical';
import {
  AuthenticationError,
  ClientRequestError,
  MalformedResponseError,
  PermissionError,
  QuotaExhaustedError,
  RateLimitedError,
  SessionExpiredError,
  TransientServerError,
} from '../../shared/errors';
import type { RequestBudget, RequestLimits } from '../../shared/ports';
import {
  RecordArrayError,
  splitPage,
  type ReceivedRecord,
  type RecordLayout,
} from '../../shared/sources/recordArray';
import { SourceHttp, type HttpAnswer, type HttpOverrides } from '../../shared/sources/sourceHttp';
import type { SalesforceCredentials } from './settings';

export const SALESFORCE_SOURCE = 'salesforce';

/** Records per query batch: Salesforce's maximum and default (`Sforce-Query-Options: batchSize=200..2000`). */
export const SALESFORCE_BATCH_SIZE = 2000;
export const SALESFORCE_MIN_BATCH_SIZE = 200;

/** When a 429 (the concurrent long-running request limit) carries no Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 30;

/**
 * A usage figure older than this is not trusted to hold a paused lane back: the allocation is a rolling 24 h
 * count, so after a pause the next request is sent and its `Sforce-Limit-Info` says whether room came back.
 */
const USAGE_FRESH_MS = 5 * 60_000;

/** The daily allocation rolls over 24 h; a paused lane is tried again by the next job, at the soonest in an hour. */
const QUOTA_RETRY_SECONDS = 3600;

export interface SalesforceClientOptions extends HttpOverrides {
  tenantId: string;
  /** `https://acme.my.salesforce.com`: where the token is asked for. Data calls go to its `instance_url`. */
  loginUrl: string;
  apiVersion: string;
  credentials: SalesforceCredentials;
  limits: RequestLimits;
  budget: RequestBudget;
  /** Share (0–1] of the org's daily allocation the sync may use before it pauses. */
  dailyQuotaShare: number;
  maxRateLimitWaitSeconds?: number;
  deadline?: () => number;
  /** The clock of the usage figures' freshness (ms since epoch). */
  now?: () => number;
}

/** A canonical table and the Salesforce object it is read from: error messages name both. */
export interface ObjectRef {
  table: CanonicalTableName;
  object: string;
}

/** A REST query batch: `{totalSize, done, nextRecordsUrl?, records: [{attributes, Id, …, SystemModstamp}]}`. */
export const SALESFORCE_RECORD_LAYOUT: RecordLayout = {
  envelope: ['records'],
  idPath: ['Id'],
  idType: 'string',
  updatedAtPath: ['SystemModstamp'],
  parseUpdatedAt: parseSalesforceDateTime,
  envelopeFields: ['totalSize', 'nextRecordsUrl'],
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})$/;

/** A REST datetime, `2024-05-01T12:00:03.000+0000` (reference §B.1); null when the text is not one. */
export function parseSalesforceDateTime(text: string): Date | null {
  if (!DATE_TIME.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One query batch: the records as received and where the next batch is (null: the query is done). */
export interface QueryBatch {
  records: ReceivedRecord[];
  totalSize: number;
  /** The relative `nextRecordsUrl`, e.g. `/services/data/v62.0/query/01gD0000002HU6KIAW-2000`. */
  nextRecordsUrl: string | null;
}

/** A query locator Salesforce no longer knows (expired after two days, or the org was restarted). */
export class QueryLocatorExpiredError extends ClientRequestError {}

/** A session: the access token and the instance its data calls go to. */
interface Session {
  accessToken: string;
  instanceUrl: string;
}

/**
 * Sessions per (tenant, login URL, client), shared by every reader of the process: concurrent readers wait for
 * one token request. Salesforce does not say when a client-credentials session ends (the org's session timeout
 * does), so one is used until the org answers INVALID_SESSION_ID, then renewed once.
 */
interface CachedSession {
  pending: Promise<Session>;
  /** Set once the token request has answered. */
  session?: Session;
}
const sessions = new Map<string, CachedSession>();

/** What the org's `Sforce-Limit-Info` said last, per (tenant, login URL, client). */
interface ApiUsage {
  used: number;
  max: number;
  seenAtMs: number;
}
const usages = new Map<string, ApiUsage>();

/** Empties the session and usage caches (tests). */
export function clearSalesforceSessions(): void {
  sessions.clear();
  usages.clear();
}

type Endpoint = 'query' | 'queryMore' | 'deleted' | 'token';

/** What getDeleted answered: each deleted record with its deletion time, and how far back the org keeps them. */
export interface DeletedRecords {
  records: Array<{ id: string; deletedAt: Date; entry: unknown }>;
  earliestDateAvailable: Date;
}

/** getDeleted reads minutes (seconds are ignored): `2024-01-01T00:00:00Z`. */
const minuteOf = (date: Date) => `${date.toISOString().slice(0, 16)}:00Z`;

/**
 * A Salesforce REST client for one tenant (reference §B): OAuth 2.0 client credentials at
 * `{loginUrl}/services/oauth2/token`, data calls to the returned `instance_url`, sent through the shared
 * retry/deadline loop with the tenant's request budget. Every answer's `Sforce-Limit-Info` is read; once the org
 * has used the tenant's `dailyQuotaShare` of its daily allocation no further request is sent (a
 * QuotaExhaustedError, which pauses the lane rather than failing it).
 */
export class SalesforceClient {
  private readonly http: SourceHttp;
  private readonly now: () => number;
  private readonly cacheKey: string;

  constructor(private readonly options: SalesforceClientOptions) {
    this.http = new SourceHttp({ ...options, source: SALESFORCE_SOURCE });
    this.now = options.now ?? Date.now;
    this.cacheKey = JSON.stringify([options.tenantId, options.loginUrl, options.credentials.clientId]);
  }

  /** Requests sent (token requests and retries included). */
  get apiCalls(): number {
    return this.http.apiCalls;
  }

  /** `SELECT COUNT() …` through queryAll (soft-deleted rows count: they are synced too). */
  async count(ref: ObjectRef, soql: string): Promise<number> {
    return (await this.query(ref, soql, SALESFORCE_MIN_BATCH_SIZE)).totalSize;
  }

  /** The first batch of a query over `queryAll`, so soft-deleted rows (IsDeleted = true) are seen (§B.1). */
  query(ref: ObjectRef, soql: string, batchSize: number): Promise<QueryBatch> {
    const path = `/services/data/v${this.options.apiVersion}/queryAll?q=${encodeURIComponent(soql)}`;
    return this.get(ref, 'query', path, batchSize);
  }

  /** The batch at a `nextRecordsUrl`; a QueryLocatorExpiredError when the org no longer knows the locator. */
  queryMore(ref: ObjectRef, nextRecordsUrl: string, batchSize: number): Promise<QueryBatch> {
    if (!/^\/services\/data\/v\d+\.\d+\/query(All)?\/[0-9A-Za-z]+-\d+$/.test(nextRecordsUrl)) {
      throw new MalformedResponseError(
        `${this.where(ref)}: a nextRecordsUrl of object ${ref.object} is not a query locator: ${JSON.stringify(nextRecordsUrl.slice(0, 200))}`,
      );
    }
    return this.get(ref, 'queryMore', nextRecordsUrl, batchSize);
  }

  private where(ref: ObjectRef): string {
    return `tenant ${this.options.tenantId}, source ${SALESFORCE_SOURCE}, table ${ref.table}`;
  }

  /**
   * getDeleted (reference §B.6): the records of the object deleted in [start, end] (minute granularity, the
   * last 15 days only), with how far back the org could answer.
   */
  async deleted(ref: ObjectRef, start: Date, end: Date): Promise<DeletedRecords> {
    const query = new URLSearchParams({ start: minuteOf(start), end: minuteOf(end) });
    const path = `/services/data/v${this.options.apiVersion}/sobjects/${encodeURIComponent(ref.object)}/deleted/?${query}`;
    return this.get(ref, 'deleted', path, SALESFORCE_MIN_BATCH_SIZE, (bytes) =>
      this.deletedRecords(ref, bytes),
    );
  }

  private deletedRecords(ref: ObjectRef, bytes: Uint8Array): DeletedRecords {
    const body = parseJsonObject(bytes);
    const entries = body?.deletedRecords;
    const earliest =
      typeof body?.earliestDateAvailable === 'string'
        ? parseSalesforceDateTime(body.earliestDateAvailable)
        : null;
    if (!Array.isArray(entries) || earliest === null) {
      throw new MalformedResponseError(
        `${this.where(ref)}: getDeleted of object ${ref.object} answered without deletedRecords and earliestDateAvailable`,
      );
    }
    const records = entries.map((entry: { id?: unknown; deletedDate?: unknown }) => {
      const deletedAt =
        typeof entry?.deletedDate === 'string' ? parseSalesforceDateTime(entry.deletedDate) : null;
      if (typeof entry?.id !== 'string' || deletedAt === null)
        throw new MalformedResponseError(
          `${this.where(ref)}: getDeleted of object ${ref.object} listed an entry without id and deletedDate: ${JSON.stringify(entry).slice(0, 200)}`,
        );
      return { id: entry.id, deletedAt, entry: entry as unknown };
    });
    return { records, earliestDateAvailable: earliest };
  }

  private async get<T = QueryBatch>(
    ref: ObjectRef,
    endpoint: Endpoint,
    path: string,
    batchSize: number,
    parse: (bytes: Uint8Array) => T = (bytes) => this.batch(ref, bytes) as T,
  ): Promise<T> {
    const where = this.where(ref);
    // The session is settled before the request takes its budget slot (asking for one from inside an attempt
    // would need a second slot while holding the first).
    let session = await this.session(ref);
    const context = { ref, endpoint, renewed: false };
    return this.http.send(
      {
        url: `${session.instanceUrl}${path}`,
        headers: () => {
          // Checked once the request holds its budget slot, right before it is sent: requests that waited for
          // a slot while an answer reported the share reached are not sent either.
          this.holdBackAtQuota(where);
          return {
            Accept: 'application/json',
            Authorization: `Bearer ${session.accessToken}`,
            'Sforce-Query-Options': `batchSize=${batchSize}`,
          };
        },
        where,
        renewSession: async () => {
          context.renewed = true;
          this.forgetSession(session);
          session = await this.session(ref);
        },
      },
      (answer) => {
        this.noteUsage(answer.headers);
        if (answer.status >= 200 && answer.status < 300) return parse(answer.bytes);
        throw this.errorFor(answer, where, context);
      },
    );
  }

  private batch(ref: ObjectRef, bytes: Uint8Array): QueryBatch {
    try {
      const { records, envelope } = splitPage(bytes, SALESFORCE_RECORD_LAYOUT);
      const totalSize = Number(envelope.totalSize);
      const next =
        envelope.nextRecordsUrl === undefined ? null : (JSON.parse(envelope.nextRecordsUrl) as unknown);
      if (!Number.isSafeInteger(totalSize) || totalSize < 0) throw new RecordArrayError('no totalSize');
      if (next !== null && typeof next !== 'string') throw new RecordArrayError('nextRecordsUrl is not text');
      return { records, totalSize, nextRecordsUrl: next };
    } catch (error) {
      if (!(error instanceof RecordArrayError) && !(error instanceof SyntaxError)) throw error;
      throw new MalformedResponseError(
        `${this.where(ref)}: a query of object ${ref.object} answered 200 with a body that is not {"totalSize", "done", "records": [records with Id]}: ${(error as Error).message}`,
      );
    }
  }

  /** Throws QuotaExhaustedError while the org's last known usage is at or past the tenant's share. */
  private holdBackAtQuota(where: string): void {
    const usage = usages.get(this.cacheKey);
    if (!usage || this.now() - usage.seenAtMs > USAGE_FRESH_MS) return;
    const share = this.options.dailyQuotaShare;
    if (usage.used < Math.floor(usage.max * share)) return;
    throw new QuotaExhaustedError(
      `${where}: paused: the org has used ${usage.used} of its ${usage.max} daily API requests, and this sync stops at ${Math.round(share * 100)}% (dailyQuotaShare ${share}) to keep the rest for the tenant's own users; the next job resumes where this one stopped`,
      QUOTA_RETRY_SECONDS,
    );
  }

  /** `Sforce-Limit-Info: api-usage=18/15000`, sent with every REST answer (reference §B.5). */
  private noteUsage(headers: Headers): void {
    const match = /api-usage=(\d+)\/(\d+)/.exec(headers.get('sforce-limit-info') ?? '');
    if (match)
      usages.set(this.cacheKey, { used: Number(match[1]), max: Number(match[2]), seenAtMs: this.now() });
  }

  private session(ref: ObjectRef): Promise<Session> {
    const cached = sessions.get(this.cacheKey);
    if (cached) return cached.pending;
    const entry: CachedSession = { pending: this.issueSession(ref) };
    sessions.set(this.cacheKey, entry);
    entry.pending.then(
      (session) => (entry.session = session),
      // A failed login is not cached: the next request asks again.
      () => {
        if (sessions.get(this.cacheKey) === entry) sessions.delete(this.cacheKey);
      },
    );
    return entry.pending;
  }

  /** Drops a session the org rejected; when another reader has already replaced it, the replacement stays. */
  private forgetSession(rejected: Session): void {
    const cached = sessions.get(this.cacheKey);
    if (cached?.session?.accessToken === rejected.accessToken) sessions.delete(this.cacheKey);
  }

  /** `POST {loginUrl}/services/oauth2/token` with the client credentials grant (reference §B.4). */
  private issueSession(ref: ObjectRef): Promise<Session> {
    const { clientId, clientSecret } = this.options.credentials;
    const where = this.where(ref);
    return this.http.send(
      {
        url: `${this.options.loginUrl}/services/oauth2/token`,
        method: 'POST',
        headers: () => ({ Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }),
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }).toString(),
        where,
      },
      (answer) => {
        if (answer.status === 400 || answer.status === 401) {
          throw new AuthenticationError(
            `${where}: Salesforce refused the OAuth client credentials (${answer.status}) at ${this.options.loginUrl}: check clientId and clientSecret of this tenant, that the connected app enables the client credentials flow with a run-as user, and that loginUrl is the org's My Domain. ${quote(answer.bytes)}`,
          );
        }
        if (answer.status < 200 || answer.status >= 300)
          throw this.errorFor(answer, where, { ref, endpoint: 'token', renewed: false });
        const body = parseJsonObject(answer.bytes);
        const accessToken = body?.access_token;
        const instanceUrl = body?.instance_url;
        if (typeof accessToken !== 'string' || accessToken === '' || typeof instanceUrl !== 'string') {
          throw new MalformedResponseError(
            `${where}: the token endpoint answered ${answer.status} without an access_token and instance_url`,
          );
        }
        if (!/^https?:\/\/[^/]+$/.test(instanceUrl.replace(/\/+$/, ''))) {
          throw new MalformedResponseError(
            `${where}: the token endpoint's instance_url is not a base URL: ${JSON.stringify(instanceUrl.slice(0, 200))}`,
          );
        }
        return { accessToken, instanceUrl: instanceUrl.replace(/\/+$/, '') };
      },
    );
  }

  /** Maps a non-2xx answer onto the shared error classes (reference §B.5). */
  private errorFor(
    answer: HttpAnswer,
    where: string,
    context: { ref: ObjectRef; endpoint: Endpoint; renewed: boolean },
  ): Error {
    const { status, headers, bytes } = answer;
    const { object } = context.ref;
    const code = errorCodeOf(bytes);
    const said = quote(bytes);
    if (status === 401) {
      if (!context.renewed)
        return new SessionExpiredError(`${where}: the Salesforce session was rejected (401). ${said}`);
      return new AuthenticationError(
        `${where}: Salesforce rejected a newly issued session (401) for object ${object}: check the connected app's run-as user and its profile's API Enabled permission. ${said}`,
      );
    }
    if (status === 429) {
      const retryAfter = Number(headers.get('retry-after'));
      const seconds =
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : DEFAULT_RATE_LIMIT_WAIT_SECONDS;
      return new RateLimitedError(
        `${where}: Salesforce limits concurrent requests (429) for object ${object}, retry after ${seconds} s. ${said}`,
        seconds,
      );
    }
    if (code === 'REQUEST_LIMIT_EXCEEDED') {
      // The daily allocation is used up (by the tenant's own users or other integrations): not retried now,
      // the lane pauses and a later job resumes once the rolling 24 h count has room again.
      return new QuotaExhaustedError(
        `${where}: paused: the org's daily API allocation is used up (REQUEST_LIMIT_EXCEEDED); the next job resumes where this one stopped. ${said}`,
        QUOTA_RETRY_SECONDS,
      );
    }
    if (status >= 500)
      return new TransientServerError(
        `${where}: Salesforce answered ${status} for object ${object}. ${said}`,
      );
    if (code === 'INVALID_QUERY_LOCATOR')
      return new QueryLocatorExpiredError(
        `${where}: the query locator of object ${object} expired. ${said}`,
        status,
      );
    if (code === 'INVALID_TYPE') {
      return new ClientRequestError(
        `${where}: the org has no object ${object} (INVALID_TYPE)${object === 'TimeSheetEntry' ? ': TimeSheetEntry needs Field Service enabled' : ''}; name the object this org keeps ${context.ref.table} in with the tenant's tableMap, or leave ${context.ref.table} out of its tables. ${said}`,
        status,
      );
    }
    if (code === 'INVALID_FIELD') {
      return new ClientRequestError(
        `${where}: object ${object} lacks a field the mapping reads (INVALID_FIELD): check the tenant's tableMap field map, and that the run-as user can see the field (field-level security). ${said}`,
        status,
      );
    }
    if (status === 403) {
      return new PermissionError(
        `${where}: Salesforce denied reading object ${object} (403): the run-as user needs API Enabled and read access to ${object}. ${said}`,
      );
    }
    return new ClientRequestError(
      `${where}: Salesforce answered ${status} for object ${object}. ${said}`,
      status,
    );
  }
}

const utf8 = new TextDecoder();

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value = JSON.parse(utf8.decode(bytes)) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The first `errorCode` of Salesforce's error array `[{"message","errorCode"}]`. */
function errorCodeOf(bytes: Uint8Array): string | undefined {
  try {
    const body = JSON.parse(utf8.decode(bytes)) as unknown;
    const first = Array.isArray(body) ? (body[0] as { errorCode?: unknown } | undefined) : undefined;
    return typeof first?.errorCode === 'string' ? first.errorCode : undefined;
  } catch {
    return undefined;
  }
}

/** What Salesforce said: its error array, an OAuth error, or the start of whatever else it sent. */
function quote(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  try {
    const body = JSON.parse(text) as unknown;
    if (Array.isArray(body) && body.length > 0) {
      const errors = body
        .map(
          (item: { errorCode?: unknown; message?: unknown }) =>
            `${String(item.errorCode)}: ${String(item.message)}`,
        )
        .join('; ');
      return `Salesforce says: ${JSON.stringify(errors.slice(0, 300))}`;
    }
    const oauth = body as { error?: unknown; error_description?: unknown } | null;
    if (typeof oauth?.error === 'string') {
      return `Salesforce says: ${JSON.stringify(oauth.error)}${typeof oauth.error_description === 'string' ? `: ${JSON.stringify(oauth.error_description)}` : ''}`;
    }
  } catch {
    // not JSON: quote the text
  }
  return text.trim() === ''
    ? 'Salesforce sent no body'
    : `Salesforce sent ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 200))}`;
}
