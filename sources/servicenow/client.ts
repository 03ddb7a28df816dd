import type { CanonicalTableName } from '../../mappings/canonical';
import {
  AuthenticationError,
  ClientRequestError,
  MalformedResponseError,
  PermissionError,
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
import { accessToken, forgetToken, tokenCacheKey, type IssuedToken } from './oauthToken';
import { ORDER_BY_SYS_ID, ORDER_BY_SYS_ID_DESC } from './queries';
import type { ServiceNowCredentials } from './settings';

export const SERVICENOW_SOURCE = 'servicenow';

/** Records per data page: the reference's recommendation (§A.5), well under the default 10,000 cap. */
export const SERVICENOW_PAGE_SIZE = 1000;

/** When a 429 carries neither Retry-After nor X-RateLimit-Reset (limits are per hour, reference §A.8). */
const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 60;

export interface ServiceNowClientOptions extends HttpOverrides {
  tenantId: string;
  /** `https://acme.service-now.com`, without a trailing slash. */
  instanceUrl: string;
  credentials: ServiceNowCredentials;
  limits: RequestLimits;
  budget: RequestBudget;
  /** See SourceHttpOptions: Retry-After values up to this are waited out in-process. */
  maxRateLimitWaitSeconds?: number;
  /** Wall-clock time (ms since epoch) after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
  /** The clock of token expiry and X-RateLimit-Reset (ms since epoch). */
  now?: () => number;
}

/** A canonical table and the ServiceNow table it is read from: error messages name both. */
export interface TableRef {
  table: CanonicalTableName;
  sourceTable: string;
}

/** A Table API list page, `{"result": [ … ]}`, keyed by sys_id, changed at `sys_updated_on` (reference §A.6). */
export const SERVICENOW_RECORD_LAYOUT: RecordLayout = {
  envelope: ['result'],
  idPath: ['sys_id'],
  idType: 'string',
  updatedAtPath: ['sys_updated_on'],
  parseUpdatedAt: parseServiceNowDateTime,
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A database date-time value, `YYYY-MM-DD HH:MM:SS` in UTC; null when the text is not one. */
export function parseServiceNowDateTime(text: string): Date | null {
  const parts = DATE_TIME.exec(text);
  if (!parts) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2024-02-31 over to March: such text is not a date-time.
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : null;
}

type Endpoint = 'table' | 'stats';

/**
 * A ServiceNow Table API v2 client for one tenant (reference §A): Basic auth, or OAuth client credentials
 * with a process-wide token cache, sent through the shared retry/deadline loop (SourceHttp) with the
 * tenant's request budget. Answers are mapped onto the shared error classes, quoting ServiceNow's error
 * envelope and naming tenant, source, canonical table and ServiceNow table.
 */
export class ServiceNowClient {
  private readonly http: SourceHttp;
  private readonly now: () => number;
  private readonly tokenKey: string | undefined;

  constructor(private readonly options: ServiceNowClientOptions) {
    this.http = new SourceHttp({ ...options, source: SERVICENOW_SOURCE });
    this.now = options.now ?? Date.now;
    const { credentials } = options;
    this.tokenKey =
      'clientId' in credentials
        ? tokenCacheKey(options.tenantId, options.instanceUrl, credentials.clientId)
        : undefined;
  }

  /** Requests sent (token requests and retries included): the figure reported as API calls. */
  get apiCalls(): number {
    return this.http.apiCalls;
  }

  /** The Aggregate API's count of the records matching `query` (reference §A.10). */
  async count(ref: TableRef, query: string): Promise<number> {
    return this.get(ref, 'stats', { sysparm_count: 'true', sysparm_query: query }, (bytes) =>
      this.countOf(ref, bytes),
    );
  }

  private countOf(ref: TableRef, bytes: Uint8Array): number {
    const body = parseJson(bytes, ref, this.where(ref));
    const count = (body as { result?: { stats?: { count?: unknown } } } | null)?.result?.stats?.count;
    const value =
      typeof count === 'string' && /^\d+$/.test(count)
        ? Number(count)
        : typeof count === 'number'
          ? count
          : NaN;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new MalformedResponseError(
        `${this.where(ref)}: the Aggregate API answered ${describeText(utf8.decode(bytes))} for table ${ref.sourceTable} instead of {"result":{"stats":{"count":"N"}}}`,
      );
    }
    return value;
  }

  /** The smallest (`first`) or greatest (`last`) sys_id matching `query`; null when none does. */
  async boundarySysId(ref: TableRef, query: string, end: 'first' | 'last'): Promise<string | null> {
    const order = end === 'first' ? ORDER_BY_SYS_ID : ORDER_BY_SYS_ID_DESC;
    const first = await this.get(
      ref,
      'table',
      {
        sysparm_query: `${query}^${order}`,
        sysparm_limit: '1',
        sysparm_fields: 'sys_id',
        sysparm_no_count: 'true',
      },
      (bytes) => this.records(ref, bytes)[0],
    );
    return first?.id ?? null;
  }

  /**
   * One page of whole records (no `sysparm_fields`: the raw layer keeps every field) as the bytes the
   * instance sent, with database values and bare sys_ids for references.
   */
  async listPage(
    ref: TableRef,
    query: string,
    limit = SERVICENOW_PAGE_SIZE,
    /** Only these fields (a delete sweep's audit rows); absent: whole records. */
    fields?: readonly string[],
  ): Promise<ReceivedRecord[]> {
    return this.get(
      ref,
      'table',
      {
        sysparm_query: query,
        sysparm_limit: String(limit),
        sysparm_display_value: 'false',
        sysparm_exclude_reference_link: 'true',
        sysparm_no_count: 'true',
        ...(fields ? { sysparm_fields: fields.join(',') } : {}),
      },
      (bytes) => this.records(ref, bytes, fields !== undefined),
    );
  }

  private records(ref: TableRef, bytes: Uint8Array, partial = false): ReceivedRecord[] {
    try {
      // Rows limited to some fields need not have sys_updated_on (audit rows are read by sys_created_on).
      return splitPage(
        bytes,
        partial
          ? { ...SERVICENOW_RECORD_LAYOUT, updatedAtPath: ['sys_created_on'] }
          : SERVICENOW_RECORD_LAYOUT,
      ).records;
    } catch (error) {
      if (!(error instanceof RecordArrayError)) throw error;
      throw new MalformedResponseError(
        `${this.where(ref)}: table ${ref.sourceTable} answered 200 with a body that is not {"result": [records with sys_id]}: ${error.message}`,
      );
    }
  }

  private where(ref: TableRef): string {
    return `tenant ${this.options.tenantId}, source ${SERVICENOW_SOURCE}, table ${ref.table}`;
  }

  /**
   * Sends a GET and reads a 2xx body with `parse` inside the retry loop, so a body cut short (a reset
   * connection, a proxy) is fetched again like any transient failure.
   */
  private async get<T>(
    ref: TableRef,
    endpoint: Endpoint,
    query: Record<string, string>,
    parse: (bytes: Uint8Array) => T,
  ): Promise<T> {
    const path = `/api/now/v2/${endpoint}/${encodeURIComponent(ref.sourceTable)}`;
    const tokenKey = this.tokenKey;
    const context = { ref, endpoint, bearer: tokenKey !== undefined, renewed: false };
    // The token is settled before the request takes its budget slot: asking for one from inside an attempt
    // would need a second slot while holding the first (a deadlock at maxConcurrentRequests 1).
    let token = tokenKey === undefined ? undefined : await this.token(tokenKey, ref);
    return this.http.send(
      {
        url: `${this.options.instanceUrl}${path}?${queryString(query)}`,
        headers: () => ({
          Accept: 'application/json',
          Authorization: token === undefined ? this.basic() : `Bearer ${token}`,
        }),
        where: this.where(ref),
        ...(tokenKey !== undefined
          ? {
              renewSession: async () => {
                context.renewed = true;
                forgetToken(tokenKey, token!);
                token = await this.token(tokenKey, ref);
              },
            }
          : {}),
      },
      (answer, where) => {
        if (answer.status >= 200 && answer.status < 300) return parse(answer.bytes);
        throw errorFor(answer, where, context, this.now());
      },
    );
  }

  private token(key: string, ref: TableRef): Promise<string> {
    return accessToken(key, this.now, () => this.issueToken(ref));
  }

  private basic(): string {
    const { username, password } = this.options.credentials as { username: string; password: string };
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  /** `POST {instance}/oauth_token.do` with the client credentials grant (reference §A.2). */
  private issueToken(ref: TableRef): Promise<IssuedToken> {
    const { clientId, clientSecret } = this.options.credentials as { clientId: string; clientSecret: string };
    const where = this.where(ref);
    return this.http.send(
      {
        url: `${this.options.instanceUrl}/oauth_token.do`,
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
            `${where}: ServiceNow refused the OAuth client credentials (${answer.status}): check clientId and clientSecret of this tenant, and that the instance has an OAuth application for the client credentials grant. ${quoteEnvelope(answer.bytes)}`,
          );
        }
        if (answer.status < 200 || answer.status >= 300)
          throw errorFor(
            answer,
            where,
            { ref, endpoint: 'token', bearer: false, renewed: false },
            this.now(),
          );
        const body = parseJson(answer.bytes, ref, where) as {
          access_token?: unknown;
          expires_in?: unknown;
        } | null;
        if (typeof body?.access_token !== 'string' || body.access_token === '') {
          throw new MalformedResponseError(
            `${where}: oauth_token.do answered ${answer.status} without an access_token: ${describeText(utf8.decode(answer.bytes), ['access_token', 'refresh_token'])}`,
          );
        }
        const expiresIn = Number(body.expires_in);
        return {
          accessToken: body.access_token,
          // ServiceNow's default access-token lifespan when the answer does not say.
          expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 1800,
        };
      },
    );
  }
}

interface AnswerContext {
  ref: TableRef;
  endpoint: Endpoint | 'token';
  /** The request carried an OAuth bearer token (else Basic). */
  bearer: boolean;
  /** The token was already renewed once for this request. */
  renewed: boolean;
}

/** Maps a non-2xx answer onto the shared error classes (reference §A.8, §A.9). */
function errorFor(answer: HttpAnswer, where: string, context: AnswerContext, now: number): Error {
  const { status, headers, bytes } = answer;
  const table = context.ref.sourceTable;
  const said = quoteEnvelope(bytes);
  if (status === 429) {
    const seconds = retryAfterSeconds(headers, now);
    return new RateLimitedError(
      `${where}: rate limited by ServiceNow on table ${table} (429), retry after ${seconds} s. ${said}`,
      seconds,
    );
  }
  if (status >= 500)
    return new TransientServerError(`${where}: ServiceNow answered ${status} for table ${table}. ${said}`);
  if (status === 401) {
    if (context.bearer && !context.renewed)
      return new SessionExpiredError(
        `${where}: ServiceNow rejected the OAuth access token (401) for table ${table}. ${said}`,
      );
    if (context.bearer) {
      return new AuthenticationError(
        `${where}: ServiceNow rejected a newly issued OAuth access token (401) for table ${table}: check the OAuth application of clientId and the user it runs as. ${said}`,
      );
    }
    const mfa =
      headers.get('x-mfa_token') === 'invalid'
        ? ' (the instance asks for an MFA token: exempt the integration user from MFA)'
        : '';
    return new AuthenticationError(
      `${where}: ServiceNow rejected the credentials (401) for table ${table}: check username and password of this tenant's integration user${mfa}. ${said}`,
    );
  }
  if (status === 403) {
    const aggregate =
      context.endpoint === 'stats'
        ? '; the Aggregate API (counts) needs read access to every record of the table'
        : '';
    return new PermissionError(
      `${where}: ServiceNow denied reading table ${table} (403): the integration user needs read access to ${table} (an ACL, or a role that grants it, e.g. itil for incident, sn_customerservice_agent for CSM tables)${aggregate}. ${said}`,
    );
  }
  if (status === 404 && context.endpoint !== 'token') {
    return new ClientRequestError(
      `${where}: ServiceNow has no table ${table} (404): check the tenant's tableMap and that the plugin providing ${table} is active (an ACL can also hide a table this way). ${said}`,
      status,
    );
  }
  return new ClientRequestError(
    `${where}: ServiceNow answered ${status} for table ${table}. ${said}`,
    status,
  );
}

/** Retry-After (seconds or an HTTP date), else X-RateLimit-Reset (the UNIX time the hourly count resets) − now. */
function retryAfterSeconds(headers: Headers, now: number): number {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(1, Math.ceil((at - now) / 1000));
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(1, Math.ceil(Number(reset) - now / 1000));
  return DEFAULT_RATE_LIMIT_WAIT_SECONDS;
}

const utf8 = new TextDecoder();

/**
 * What ServiceNow said, quoted: its error envelope `{"error":{"message","detail"},"status":"failure"}`, an
 * OAuth error `{"error","error_description"}`, or the start of whatever else it sent.
 */
function quoteEnvelope(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const error = body?.error;
    if (error && typeof error === 'object') {
      const { message, detail } = error as { message?: unknown; detail?: unknown };
      if (typeof message === 'string') {
        return `ServiceNow says: ${JSON.stringify(message)}${typeof detail === 'string' && detail !== '' ? ` (${JSON.stringify(detail)})` : ''}`;
      }
    }
    if (typeof error === 'string') {
      const description =
        typeof body.error_description === 'string' ? `: ${JSON.stringify(body.error_description)}` : '';
      return `ServiceNow says: ${JSON.stringify(error)}${description}`;
    }
  } catch {
    // not JSON: quote the text
  }
  return text.trim() === '' ? 'ServiceNow sent no body' : `ServiceNow sent ${describeText(text)}`;
}

function parseJson(bytes: Uint8Array, ref: TableRef, where: string): unknown {
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError(
      `${where}: ServiceNow answered for table ${ref.sourceTable} with a body that is not JSON: ${describeText(text)}`,
    );
  }
}

/** The start of a body, one line; members named in `hide` (tokens) are blanked first. */
function describeText(text: string, hide: readonly string[] = []): string {
  let shown = text;
  for (const name of hide) shown = shown.replace(new RegExp(`("${name}"\\s*:\\s*)"[^"]*"`, 'g'), '$1"…"');
  return JSON.stringify(shown.replace(/\s+/g, ' ').slice(0, 200));
}

/** `name=value&…` with every value percent-encoded (`^` → %5E, space → %20: never `+`, which some servers keep). */
function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}
