import type { ConnectWiseCredentials } from '../../shared/config/tenantsFile';
import {
  AuthenticationError,
  DeadlineReachedError,
  ClientRequestError,
  MalformedResponseError,
  PermissionError,
  RateLimitedError,
  TransientServerError,
} from '../../shared/errors';
import type { RequestBudget, RequestLimits } from '../../shared/ports';
import { CONNECTWISE_API_VERSION, CONNECTWISE_ENDPOINTS, type ConnectWiseTable } from './endpoints';
import { RecordArrayError, splitRecordArray, type ReceivedRecord } from './recordArray';

export interface RetryPolicy {
  /** Attempts for 5xx, timeouts and connection errors (429 is never retried here: the caller re-queues). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8000 };

export interface ConnectWiseClientOptions {
  tenantId: string;
  baseUrl: string;
  credentials: ConnectWiseCredentials;
  limits: RequestLimits;
  budget: RequestBudget;
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * A 429 whose Retry-After is at most this many seconds is waited out in-process (up to 5 times), when the
   * deadline allows. Default 0: the caller re-queues instead, so a Lambda never sleeps away its time.
   */
  maxRateLimitWaitSeconds?: number;
  /** Wall-clock time (ms since epoch) after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ListOptions {
  conditions?: string;
  pageSize: number;
  /** Forward-only paging: only records with `id > afterId`, ordered by id (reference §1.5). */
  afterId?: number;
  /** Navigable paging only: forward-only cannot be combined with orderBy. */
  orderBy?: string;
  fields?: string;
}

export type RawRecord = Record<string, unknown> & { id: number };

/** What the planner and the fetcher need from a source client; the port their unit tests fake. */
export interface ConnectWiseReader {
  /** Requests sent by this reader so far. */
  readonly apiCalls: number;
  count(table: ConnectWiseTable, conditions?: string): Promise<number>;
  listPage(table: ConnectWiseTable, options: ListOptions): Promise<RawRecord[]>;
  /** A page whose records stay the bytes the source sent (the fetcher stores them as received). */
  listReceivedPage(table: ConnectWiseTable, options: ListOptions): Promise<ReceivedRecord[]>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A ConnectWise Manage REST client for one tenant: Basic auth + clientId + pinned Accept version,
 * the tenant's shared request budget, bounded backoff with jitter for 5xx/timeouts, typed errors for the rest.
 */
export class ConnectWiseClient implements ConnectWiseReader {
  /** Requests sent, retries included: the figure reported as API calls. */
  apiCalls = 0;
  private readonly authorization: string;
  private readonly options: Required<Omit<ConnectWiseClientOptions, 'deadline'>> &
    Pick<ConnectWiseClientOptions, 'deadline'>;

  constructor(options: ConnectWiseClientOptions) {
    this.options = {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      retry: DEFAULT_RETRY_POLICY,
      maxRateLimitWaitSeconds: 0,
      fetch: globalThis.fetch,
      sleep: sleepFor,
      random: Math.random,
      ...options,
    };
    const { companyId, publicKey, privateKey } = options.credentials;
    this.authorization = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;
  }

  /** `GET {table}/count` with the same conditions as a list. */
  async count(table: ConnectWiseTable, conditions?: string): Promise<number> {
    return this.request(
      table,
      `${CONNECTWISE_ENDPOINTS[table]}/count`,
      conditions ? { conditions } : {},
      false,
      (received) => {
        const body = parseJson(received);
        const count = (body as { count?: unknown } | null)?.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
          throw new MalformedResponseError(
            `tenant ${this.options.tenantId}, table ${table}: /count answered ${JSON.stringify(body)?.slice(0, 200)} instead of {"count": N}`,
          );
        }
        return count;
      },
    );
  }

  /** One page of a list. Validates that the body is an array of records with integer ids. */
  async listPage(table: ConnectWiseTable, options: ListOptions): Promise<RawRecord[]> {
    const { query, forwardOnly } = listQuery(options);
    return this.request(table, CONNECTWISE_ENDPOINTS[table], query, forwardOnly, (received) => {
      const body = parseJson(received);
      if (!Array.isArray(body)) {
        throw new MalformedResponseError(
          `tenant ${this.options.tenantId}, table ${table}: expected a JSON array of records, got ${describe(body)}`,
        );
      }
      body.forEach((record, index) => {
        const id = (record as { id?: unknown } | null)?.id;
        if (typeof id !== 'number' || !Number.isInteger(id)) {
          throw new MalformedResponseError(
            `tenant ${this.options.tenantId}, table ${table}: record #${index} of the page has no integer id (${JSON.stringify(record)?.slice(0, 120)})`,
          );
        }
      });
      return body as RawRecord[];
    });
  }

  /**
   * One page of a list as the records' own bytes, with each id and `_info.lastUpdated` read out
   * (recordArray.ts). Same validation as `listPage` as far as the fetcher depends on it: an array of
   * objects with integer ids.
   */
  async listReceivedPage(table: ConnectWiseTable, options: ListOptions): Promise<ReceivedRecord[]> {
    const { query, forwardOnly } = listQuery(options);
    return this.request(table, CONNECTWISE_ENDPOINTS[table], query, forwardOnly, (received) => {
      try {
        return splitRecordArray(received.bytes);
      } catch (error) {
        if (!(error instanceof RecordArrayError)) throw error;
        throw new MalformedResponseError(
          `tenant ${this.options.tenantId}, table ${table}: the page is not a JSON array of records: ${error.message}`,
        );
      }
    });
  }

  /**
   * Sends a request and validates its body with `parse`, retrying 5xx, timeouts, connection failures and
   * malformed 200 bodies with bounded backoff. A malformed body is retried because a one-off garbage answer
   * (a body cut by a proxy, an error page served with 200) is transient; one that persists through every
   * attempt is thrown as the permanent MalformedResponseError it is.
   */
  private async request<T>(
    table: ConnectWiseTable,
    path: string,
    query: Record<string, string>,
    forwardOnly: boolean,
    parse: (received: ReceivedBody) => T,
  ): Promise<T> {
    const { retry, tenantId } = this.options;
    const url = `${this.options.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    let rateLimitWaits = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return parse(await this.attempt(url, forwardOnly, table));
      } catch (error) {
        if (error instanceof RateLimitedError && this.canWaitOut(error, rateLimitWaits)) {
          rateLimitWaits++;
          attempt--;
          await this.options.sleep(error.retryAfterSeconds * 1000);
          continue;
        }
        const retryable = error instanceof TransientServerError || error instanceof MalformedResponseError;
        if (!retryable || attempt >= retry.attempts) throw error;
        // Full jitter: spreads the retries of many workers hitting the same failing server (AWS architecture blog).
        const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.round(this.options.random() * backoff);
        const deadline = this.options.deadline?.();
        if (deadline !== undefined && Date.now() + delay + 1000 > deadline) {
          if (error instanceof MalformedResponseError) throw error;
          throw new TransientServerError(
            `${error.message} (no time left for retry ${attempt + 1} of tenant ${tenantId})`,
          );
        }
        await this.options.sleep(delay);
      }
    }
  }

  private canWaitOut(error: RateLimitedError, waitsSoFar: number): boolean {
    if (waitsSoFar >= 5 || error.retryAfterSeconds > this.options.maxRateLimitWaitSeconds) return false;
    const deadline = this.options.deadline?.();
    return deadline === undefined || Date.now() + error.retryAfterSeconds * 1000 + 1000 < deadline;
  }

  private async attempt(url: string, forwardOnly: boolean, table: ConnectWiseTable): Promise<ReceivedBody> {
    const { tenantId, budget, limits } = this.options;
    // Wait for the budget only as long as the deadline allows; past that the caller re-queues.
    const maxWaitMs = this.options.deadline ? Math.max(0, this.options.deadline() - Date.now()) : 60_000;
    const release = await budget.acquire(tenantId, limits, Math.min(maxWaitMs, 60_000));
    const where = `tenant ${tenantId}, table ${table}`;
    let response: Response;
    let bytes: Uint8Array;
    try {
      this.apiCalls++;
      const headers: Record<string, string> = {
        Authorization: this.authorization,
        clientId: this.options.credentials.clientId,
        Accept: `application/vnd.connectwise.com+json; version=${CONNECTWISE_API_VERSION}`,
        'Cache-Control': 'no-cache',
      };
      if (forwardOnly) headers['pagination-type'] = 'forward-only';
      // A request never outlives the invocation: past the deadline it is abandoned and the chunk continues later.
      const untilDeadline = this.options.deadline
        ? this.options.deadline() - Date.now()
        : Number.POSITIVE_INFINITY;
      const timeoutMs = Math.max(1, Math.min(this.options.requestTimeoutMs, untilDeadline));
      try {
        response = await this.options.fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (timeoutMs < this.options.requestTimeoutMs && (error as Error).name === 'TimeoutError') {
          throw new DeadlineReachedError(`${where}: the invocation's deadline arrived during a request`, {
            cause: error,
          });
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof DeadlineReachedError) throw error;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.options.requestTimeoutMs} ms`
          : (error as Error).message;
      throw new TransientServerError(`${where}: request failed: ${reason}`, { cause: error });
    } finally {
      release();
    }
    return interpretResponse(response.status, response.headers, bytes, where);
  }
}

/** A successful (2xx) answer's body, not yet parsed; `where` names tenant and table for error messages. */
interface ReceivedBody {
  bytes: Uint8Array;
  status: number;
  where: string;
}

function listQuery(options: ListOptions): { query: Record<string, string>; forwardOnly: boolean } {
  const query: Record<string, string> = { pageSize: String(options.pageSize) };
  if (options.conditions) query.conditions = options.conditions;
  if (options.orderBy) query.orderBy = options.orderBy;
  if (options.fields) query.fields = options.fields;
  const forwardOnly = options.afterId !== undefined;
  if (forwardOnly && options.orderBy) throw new Error('forward-only paging cannot be combined with orderBy');
  if (forwardOnly && options.afterId! > 0) query.pageId = String(options.afterId);
  return { query, forwardOnly };
}

function parseJson({ bytes, status, where }: ReceivedBody): unknown {
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedResponseError(
      `${where}: ConnectWise answered ${status} with a body that is not JSON: ${summarize(text)}`,
    );
  }
}

const utf8 = new TextDecoder();

/** Maps an HTTP answer to its body or a typed error (reference §1.9, §1.10). */
function interpretResponse(status: number, headers: Headers, bytes: Uint8Array, where: string): ReceivedBody {
  if (status < 400) return { bytes, status, where };
  const text = utf8.decode(bytes);
  if (status === 429) {
    const retryAfter = Number.parseInt(headers.get('retry-after') ?? '', 10);
    const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 30;
    throw new RateLimitedError(
      `${where}: rate limited by ConnectWise (429), retry after ${seconds} s`,
      seconds,
    );
  }
  if (status >= 500)
    throw new TransientServerError(`${where}: ConnectWise answered ${status}: ${summarize(text)}`);
  if (status === 401 || status === 404) {
    // ConnectWise cloud answers bad keys with 404 (reference §1.2); the list and count paths we call always exist.
    throw new AuthenticationError(
      `${where}: ConnectWise rejected the credentials (${status}): check companyId, publicKey and privateKey of this tenant. ${summarize(text)}`,
    );
  }
  if (status === 403) {
    throw new PermissionError(
      `${where}: ConnectWise denied access (403): the API member needs a security role that can read this table, and a clientId is required. ${summarize(text)}`,
    );
  }
  throw new ClientRequestError(`${where}: ConnectWise answered ${status}: ${summarize(text)}`, status);
}

function summarize(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: unknown };
    if (body && typeof body.message === 'string') return `${body.code ?? 'error'}: ${body.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

function describe(body: unknown): string {
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  return `${typeof body} ${JSON.stringify(body)?.slice(0, 120)}`;
}
