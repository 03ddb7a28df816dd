import {
  DeadlineReachedError,
  MalformedResponseError,
  RateLimitedError,
  SessionExpiredError,
  TransientServerError,
} from '../errors';
import type { RequestBudget, RequestLimits } from '../ports';

export interface RetryPolicy {
  /** Attempts for 5xx, timeouts and connection errors (429 is never retried here: the caller re-queues). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8000 };

/** What tests and the embedded runtime may replace in any connector's HTTP: the transport and the clocks. */
export interface HttpOverrides {
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SourceHttpOptions extends HttpOverrides {
  tenantId: string;
  /** The source's registry name; with the tenant it names the request budget's lane. */
  source: string;
  limits: RequestLimits;
  budget: RequestBudget;
  /**
   * A 429 whose Retry-After is at most this many seconds is waited out in-process (up to 5 times), when the
   * deadline allows. Default 0: the caller re-queues instead, so a Lambda never sleeps away its time.
   */
  maxRateLimitWaitSeconds?: number;
  /** Wall-clock time (ms since epoch) after which no new attempt or backoff sleep starts. */
  deadline?: () => number;
}

/** An HTTP answer as received: the connector's `interpret` turns it into a value or a typed error. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

export interface SourceRequest {
  url: string;
  method?: 'GET' | 'POST';
  /** Built per attempt, so a renewed session's token is used by the next attempt. */
  headers: () => Promise<Record<string, string>> | Record<string, string>;
  body?: string;
  /** Names tenant, source and table in every error message, e.g. `tenant acme, source servicenow, table tickets`. */
  where: string;
  /**
   * Renews the session after a SessionExpiredError (an expired OAuth token): the request is sent once more
   * with fresh credentials; a second expiry in a row is the error it is.
   */
  renewSession?: () => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one retry/deadline loop every connector sends its requests through: the tenant's shared request
 * budget, a request timeout that never outlives the invocation's deadline, bounded exponential backoff
 * with full jitter for 5xx, timeouts, connection failures and malformed 2xx bodies, short Retry-After waits
 * where allowed, and one session renewal on expiry. What an answer means is the connector's business
 * (`interpret`): it returns the parsed value or throws one of the shared error classes.
 */
export class SourceHttp {
  /** Requests sent, retries included: the figure reported as API calls. */
  apiCalls = 0;
  private readonly options: Required<Omit<SourceHttpOptions, 'deadline'>> &
    Pick<SourceHttpOptions, 'deadline'>;

  constructor(options: SourceHttpOptions) {
    this.options = {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      retry: DEFAULT_RETRY_POLICY,
      maxRateLimitWaitSeconds: 0,
      fetch: globalThis.fetch,
      sleep: sleepFor,
      random: Math.random,
      ...options,
    };
  }

  /**
   * Sends a request and interprets its answer, retrying what is transient. A malformed body is retried
   * because a one-off garbage answer (a body cut by a proxy, an error page served with 200) is transient;
   * one that persists through every attempt is thrown as the permanent MalformedResponseError it is.
   */
  async send<T>(request: SourceRequest, interpret: (answer: HttpAnswer, where: string) => T): Promise<T> {
    const { retry, tenantId } = this.options;
    let rateLimitWaits = 0;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return interpret(await this.attempt(request), request.where);
      } catch (error) {
        if (error instanceof SessionExpiredError && request.renewSession && !renewed) {
          renewed = true;
          attempt--;
          await request.renewSession();
          continue;
        }
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

  private async attempt(request: SourceRequest): Promise<HttpAnswer> {
    const { tenantId, source, budget, limits } = this.options;
    // Wait for the budget only as long as the deadline allows; past that the caller re-queues.
    const maxWaitMs = this.options.deadline ? Math.max(0, this.options.deadline() - Date.now()) : 60_000;
    const release = await budget.acquire(budgetLane(tenantId, source), limits, Math.min(maxWaitMs, 60_000));
    const { where } = request;
    try {
      // Counted once the headers are built: a connector may decide there not to send the request at all.
      const headers = await request.headers();
      this.apiCalls++;
      // A request never outlives the invocation: past the deadline it is abandoned and the chunk continues later.
      const untilDeadline = this.options.deadline
        ? this.options.deadline() - Date.now()
        : Number.POSITIVE_INFINITY;
      const timeoutMs = Math.max(1, Math.min(this.options.requestTimeoutMs, untilDeadline));
      try {
        const response = await this.options.fetch(request.url, {
          method: request.method ?? 'GET',
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, headers: response.headers, bytes };
      } catch (error) {
        if (timeoutMs < this.options.requestTimeoutMs && (error as Error).name === 'TimeoutError') {
          throw new DeadlineReachedError(`${where}: the invocation's deadline arrived during a request`, {
            cause: error,
          });
        }
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${this.options.requestTimeoutMs} ms`
            : describeNetworkError(error);
        throw new TransientServerError(`${where}: request failed: ${reason}`, { cause: error });
      }
    } finally {
      release();
    }
  }
}

/** A request budget's lane: one per tenant and source, since each source has its own API and limits. */
export function budgetLane(tenantId: string, source: string): string {
  return `${tenantId}#${source}`;
}

/**
 * What went wrong under undici's bare "fetch failed": the cause's meaning and its own words, e.g.
 * `connection refused (connect ECONNREFUSED 127.0.0.1:8080)` or `DNS lookup failed: no such host (getaddrinfo
 * ENOTFOUND acme.example)`, so an operator can tell an unreachable source from a wrong host name or a TLS problem.
 */
export function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (!cause) return message;
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const detail = typeof cause.message === 'string' ? cause.message : code;
  const meaning = code ? NETWORK_ERROR_MEANINGS[code] : undefined;
  if (meaning) return detail ? `${meaning} (${detail})` : meaning;
  return detail ? `${message}: ${detail}` : message;
}

const NETWORK_ERROR_MEANINGS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'DNS lookup failed: no such host',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS error: self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS error: self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS error: the certificate cannot be verified',
  CERT_HAS_EXPIRED: 'TLS error: the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS error: the certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS error: the server does not speak TLS on this port',
};

/** A summary of an error body for messages: the first 200 characters, white space folded. */
export function summarizeText(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
