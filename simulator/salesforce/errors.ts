/**
 * What Salesforce answers when a request fails (reference §B.5): a JSON array `[{"message","errorCode"}]`, and the
 * answers to injected faults. Messages marked [U] are plausible wording, not confirmed against an org.
 */
import type { FaultReplies } from '../core/faults';
import type { Reply } from '../core/types';

export function errorReply(status: number, errorCode: string, message: string): Reply {
  return { status, body: JSON.stringify([{ message, errorCode }]), records: 0 };
}

export const invalidSession = (): Reply =>
  errorReply(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const requestLimitExceeded = (): Reply =>
  errorReply(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export const malformedQuery = (message: string): Reply => errorReply(400, 'MALFORMED_QUERY', message);

export const notFound = (): Reply => errorReply(404, 'NOT_FOUND', 'The requested resource does not exist');

/** [U] wording. */
export const invalidQueryLocator = (): Reply =>
  errorReply(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');

export const methodNotAllowed = (method: string): Reply =>
  errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);

const HTML = 'text/html;charset=UTF-8';

/**
 * Salesforce's answers to the injected status faults. Salesforce REST sends no 429 for the daily allocation;
 * a 429 storm stands for the concurrent-request limit (`ConcurrentPerOrgLongTxn`, [U] status) with Retry-After;
 * a 500 is an UNKNOWN_EXCEPTION that says it timed out [U]; 502 comes from the edge as HTML; 503 is
 * SERVER_UNAVAILABLE [U].
 */
export const salesforceFaultReplies: FaultReplies = {
  tooManyRequests: (retryAfterSeconds) => ({
    ...errorReply(429, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  timeout: () =>
    errorReply(
      500,
      'UNKNOWN_EXCEPTION',
      'An unexpected error occurred: the request timed out (timeout). Please include this ErrorId if you contact support: 1958452-204961 (-1091939374)',
    ),
  badGateway: () => ({
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    records: 0,
    contentType: HTML,
  }),
  unavailable: () => errorReply(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable'),
  notArrayBody: '{}',
};
