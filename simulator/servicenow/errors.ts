/**
 * What ServiceNow answers when a request fails (reference §A.8–A.9): the error envelope
 * `{"error":{"message":…,"detail":…},"status":"failure"}`, the exact rate-limit body, and the answers to injected
 * faults. Messages marked [U] are plausible wording, not confirmed against an instance.
 */
import type { FaultReplies } from '../core/faults';
import type { Reply } from '../core/types';

export function errorEnvelope(message: string, detail: string): string {
  return JSON.stringify({ error: { message, detail }, status: 'failure' });
}

export function errorReply(status: number, message: string, detail: string): Reply {
  return { status, body: errorEnvelope(message, detail), records: 0 };
}

export const unauthenticated = (): Reply =>
  errorReply(401, 'User Not Authenticated', 'Required to provide Auth information');

/** [U] wording. */
export const forbiddenTable = (table: string): Reply =>
  errorReply(403, 'User Not Authorized', `Insufficient rights to read table ${table}`);

/** [U] wording (reference §G: the 404 body of an unknown table is not confirmed). */
export const invalidTable = (table: string): Reply => errorReply(404, `Invalid table ${table}`, '');

/** A missing record, and a v1 list with no results. */
export const noRecord = (): Reply =>
  errorReply(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");

export const badUri = (): Reply => errorReply(400, 'Requested URI does not represent any resource', '');

/** [U] wording. */
export const badRequest = (detail: string): Reply => errorReply(400, 'Invalid request', detail);

/** The simulator is read-only. */
export const methodNotAllowed = (method: string): Reply =>
  errorReply(405, 'Method not Supported', `Method ${method} is not supported by this resource`);

/** The exact 429 body of a `sys_rate_limit_rules` rule (reference §A.8). */
export function rateLimitExceededBody(limitPerHour: number): string {
  return errorEnvelope(
    'Rate limit exceeded',
    `Rate limit of ${limitPerHour} requests per hour for Table API exceeded`,
  );
}

const HTML = 'text/html;charset=UTF-8';

/**
 * ServiceNow's answers to the injected status faults. A 429 storm answers as the instance's rate-limit rule would
 * (its X-RateLimit-* headers from `rateHeaders`); 502 and 503 come from the load balancer in front, as HTML.
 */
export function serviceNowFaultReplies(
  limitPerHour: number,
  rateHeaders: (retryAfterSeconds: number) => Record<string, string>,
): FaultReplies {
  return {
    tooManyRequests: (retryAfterSeconds) => ({
      status: 429,
      body: rateLimitExceededBody(limitPerHour),
      records: 0,
      headers: { 'Retry-After': String(retryAfterSeconds), ...rateHeaders(retryAfterSeconds) },
    }),
    timeout: () =>
      errorReply(
        500,
        'Transaction cancelled: maximum execution time exceeded',
        'The transaction timed out (timeout); retry the request',
      ),
    badGateway: () => ({
      status: 502,
      body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
      records: 0,
      contentType: HTML,
    }),
    unavailable: () => ({
      status: 503,
      body: '<html><head><title>Instance Unavailable</title></head><body><h1>This instance is temporarily unavailable</h1></body></html>',
      records: 0,
      contentType: HTML,
    }),
    notArrayBody: '{"result":{}}',
  };
}
