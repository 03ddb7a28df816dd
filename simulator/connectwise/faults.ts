/**
 * What ConnectWise's throttling and failures look like on the wire (reference source-apis.md §1.9–1.11). The
 * seeded injector, token bucket and latency model are shared by every source (core/faults.ts).
 */
import type { FaultReplies } from '../core/faults';

export { FaultInjector, LatencyModel, MALFORMED_200_BODY, TokenBucket, type Fault } from '../core/faults';

/** The 429 body ConnectWise documents, a different envelope from other errors (reference §1.9). */
export function tooManyRequestsBody(retryAfterSeconds: number): string {
  return JSON.stringify({
    error: 'ConnectWiseAPI',
    message: `Too many requests. Please try again in ${retryAfterSeconds} seconds.`,
  });
}

/** Heavy queries surface as 500 whose text contains "timeout" (pyconnectwise retries on it, reference §1.9). */
export const TIMEOUT_500_BODY = JSON.stringify({
  code: 'ConnectWiseApi',
  message: 'The operation has timed out (timeout). Please retry the request.',
  errors: null,
});

/** What a gateway in front of the API answers: HTML, not the API's JSON envelope. */
export const BAD_GATEWAY_502_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

/** ConnectWise's answers to the injected status faults; a list page must be an array, so `{}` is "not an array". */
export const CONNECTWISE_FAULT_REPLIES: FaultReplies = {
  tooManyRequests: (retryAfterSeconds) => ({
    status: 429,
    body: tooManyRequestsBody(retryAfterSeconds),
    records: 0,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  timeout: () => ({ status: 500, body: TIMEOUT_500_BODY, records: 0 }),
  badGateway: () => ({
    status: 502,
    body: BAD_GATEWAY_502_BODY,
    records: 0,
    contentType: 'text/html; charset=utf-8',
  }),
  unavailable: () => ({ status: 503, body: '', records: 0 }),
  notArrayBody: '{}',
};
