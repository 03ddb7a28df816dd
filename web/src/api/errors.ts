/**
 * What can go wrong talking to the API, as named errors the pages tell apart: a record that is not the
 * tenant's (404), a role that may not see it (403), a session that ended (401 after a refresh), bad input
 * (400 naming the parameter), too many requests (429) and the rest.
 */

export interface ParameterIssue {
  parameter: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ParameterIssue[] = [],
    /** Seconds to wait before trying again (429), from Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Reads the API's error body ({ error, message, issues }); any other body keeps the HTTP status text. */
  static async from(response: Response): Promise<ApiError> {
    let body: { error?: unknown; message?: unknown; issues?: unknown } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : response.statusText || 'request failed';
    const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
    const issues = Array.isArray(body.issues) ? (body.issues as ParameterIssue[]) : [];
    const retryAfter = Number(response.headers.get('retry-after'));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const Kind =
      response.status === 404 ? NotFoundError : response.status === 403 ? ForbiddenError : ApiError;
    return new Kind(response.status, code, message, issues, retryAfterSeconds);
  }
}

/** The record or page does not exist in the caller's tenant (another tenant's id reads the same). */
export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
}

/** The caller's role may not see this (history for viewers, the pipeline for non-admins). */
export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
}

/** No session, or it could not be renewed: the user signs in again. */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
  constructor() {
    super('Your session has ended. Sign in again.');
  }
}

/** The server could not be reached at all. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(cause: unknown) {
    super('Cannot reach the server. Check your connection and try again.', { cause });
  }
}

/** Whether retrying could help: the network, a 5xx, not a 4xx. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && error.status >= 500;
}
