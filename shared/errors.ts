/**
 * Every failure the pipeline knows is a named class that says whether trying again can help.
 * Consumers route on `retryable`: retryable errors return the message to its queue (or re-queue the chunk
 * with a delay), permanent ones become a ChunkFailed / TablePlanFailed event or go to the DLQ.
 */
export abstract class PipelineError extends Error {
  abstract readonly retryable: boolean;
  /** A stable machine-readable code, carried in failure events and summaries. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy a schema: a tenants file, an event, a record. Never retryable. */
export class ValidationError extends PipelineError {
  readonly retryable = false;
  readonly code = 'ValidationError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length > 0 ? `${message}:\n  - ${issues.join('\n  - ')}` : message);
  }
}

/** A tenant id that is not a slug. Checked before the id reaches any key or path. */
export class InvalidTenantIdError extends PipelineError {
  readonly retryable = false;
  readonly code = 'InvalidTenantId';
  constructor(readonly tenantId: string) {
    super(
      `Invalid tenant id ${JSON.stringify(tenantId)}: it must match ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits and dashes)`,
    );
  }
}

/** 401 (or 404 on ConnectWise cloud, which answers bad keys that way). Retrying with the same keys cannot help. */
export class AuthenticationError extends PipelineError {
  readonly retryable = false;
  readonly code = 'AuthenticationFailed';
}

/** 403: the API member lacks a security role, or the clientId is missing. */
export class PermissionError extends PipelineError {
  readonly retryable = false;
  readonly code = 'PermissionDenied';
}

/** Any other 4xx: the request itself is wrong. */
export class ClientRequestError extends PipelineError {
  readonly retryable = false;
  readonly code = 'ClientRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A 2xx response whose body is not what the API contract promises (not JSON, not an array, no id). */
export class MalformedResponseError extends PipelineError {
  readonly retryable = false;
  readonly code = 'MalformedResponse';
}

/** 429. Carries the server's Retry-After so the caller can re-queue instead of sleeping away its deadline. */
export class RateLimitedError extends PipelineError {
  readonly retryable = true;
  readonly code = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** 5xx, timeouts and connection failures that survived the client's bounded retries. */
export class TransientServerError extends PipelineError {
  readonly retryable = true;
  readonly code = 'TransientServerError';
}

/**
 * The source says the session (an OAuth access token) has expired. The HTTP loop renews it once and sends the
 * request again; a second expiry in a row is reported as the authentication failure it then is.
 */
export class SessionExpiredError extends PipelineError {
  readonly retryable = true;
  readonly code = 'SessionExpired';
}

/**
 * The source's own quota for the tenant (a daily API allowance) is used up, or reserved for the tenant's
 * own users: the work waits until it resets instead of retrying now.
 */
export class QuotaExhaustedError extends PipelineError {
  readonly retryable = true;
  readonly code = 'QuotaExhausted';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The invocation's deadline arrived while a request was in flight: continue in a new invocation. */
export class DeadlineReachedError extends PipelineError {
  readonly retryable = true;
  readonly code = 'DeadlineReached';
}

/** The tenant's request budget has no room within the time this invocation can wait. */
export class BudgetExhaustedError extends PipelineError {
  readonly retryable = true;
  readonly code = 'BudgetExhausted';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A retryable failure that kept happening past the configured number of retries. */
export class RetriesExhaustedError extends PipelineError {
  readonly retryable = false;
  readonly code = 'RetriesExhausted';
}

/** A conditional write lost a race; the caller re-reads and tries again. */
export class ConflictError extends PipelineError {
  readonly retryable = true;
  readonly code = 'Conflict';
}

export function isRetryable(error: unknown): boolean {
  return error instanceof PipelineError ? error.retryable : true;
}

export function errorCode(error: unknown): string {
  return error instanceof PipelineError ? error.code : 'UnexpectedError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seconds the caller should wait before trying again, when the error says so. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (
    error instanceof RateLimitedError ||
    error instanceof BudgetExhaustedError ||
    error instanceof QuotaExhaustedError
  )
    return error.retryAfterSeconds;
  return undefined;
}
