/**
 * What scenario 6 asks the API outside the load: sign-ins, the samples the mix draws from (real ids, statuses,
 * words and members, read through the API itself), and single timed requests.
 */
import type { TenantSamples } from './apiMix';

export class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    path: string,
    body: string,
  ) {
    super(`${path} answered ${status}: ${body.slice(0, 300)}`);
  }
}

async function json<T>(response: Response, path: string): Promise<T> {
  const body = await response.text();
  if (!response.ok) throw new ApiAnswerError(response.status, path, body);
  return JSON.parse(body) as T;
}

/** POST /auth/login; the access token (15 minutes: longer than any part of the scenario). */
export async function logIn(
  url: string,
  user: { tenantId: string; email: string; password: string },
): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: user.tenantId, email: user.email, password: user.password }),
  });
  return (await json<{ accessToken: string }>(response, '/auth/login')).accessToken;
}

export async function getJson<T>(url: string, token: string, path: string): Promise<T> {
  return json<T>(await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }), path);
}

/** One GET, timed from before the request to its last byte; throws on a non-2xx answer. */
export async function timedGet(url: string, token: string, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  const milliseconds = performance.now() - started;
  if (!response.ok) throw new ApiAnswerError(response.status, path, body);
  return milliseconds;
}

/** Searched for when a tenant's texts give no words. */
const FALLBACK_SEARCH = 'support';

interface Page {
  data: Array<Record<string, unknown>>;
  total: number;
}

const words = (texts: unknown[], limit: number) =>
  [
    ...new Set(
      texts
        .flatMap((text) => (typeof text === 'string' ? text.split(/[\s,.;:()/-]+/) : []))
        .filter((word) => word.length >= 3 && !/^\d+$/.test(word))
        .map((word) => word.toLowerCase()),
    ),
  ].slice(0, limit);

export interface SampleSizes {
  /** Ticket ids for detail (and half of them for history). */
  tickets: number;
  /** Statuses, search words (of tickets and of companies) and technicians, each. */
  words: number;
}

/**
 * A tenant's samples: ticket ids from two pages (the first and one in the middle), the most common open
 * statuses, summary words of those tickets, words of company names, and technicians with time entries.
 */
export async function readSamples(url: string, token: string, sizes: SampleSizes): Promise<TenantSamples> {
  const first = await getJson<Page>(url, token, '/api/tickets?limit=100');
  const middle = await getJson<Page>(
    url,
    token,
    `/api/tickets?limit=100&offset=${Math.floor(first.total / 2)}`,
  );
  const tickets = [...first.data, ...middle.data];
  const companies = await getJson<Page>(url, token, '/api/companies?limit=100');
  const entries = await getJson<Page>(url, token, '/api/time-entries?limit=200');
  const status = await getJson<{ byStatus: Array<{ status: string | null }> }>(
    url,
    token,
    '/api/analytics/tickets/status',
  );
  const statuses = [
    ...new Set([
      ...status.byStatus.flatMap((entry) => (entry.status ? [entry.status] : [])),
      ...tickets.flatMap((ticket) => (typeof ticket.status === 'string' ? [ticket.status] : [])),
    ]),
  ];
  const members = [
    ...new Set(entries.data.flatMap((entry) => (typeof entry.member === 'string' ? [entry.member] : []))),
  ];
  const ids = [...new Set(tickets.map((ticket) => String(ticket.id)))];
  // Half from the first page (the newest tickets), half from the middle.
  const half = Math.ceil(sizes.tickets / 2);
  const samples: TenantSamples = {
    ticketIds: [
      ...new Set([...ids.slice(0, half), ...ids.slice(first.data.length, first.data.length + half)]),
    ].slice(0, sizes.tickets),
    statuses: statuses.slice(0, sizes.words),
    ticketSearches: words(
      tickets.map((ticket) => ticket.summary),
      sizes.words,
    ),
    companySearches: words(
      companies.data.map((company) => company.name),
      sizes.words,
    ),
    members: members.slice(0, sizes.words),
    ticketPages: Math.ceil(first.total / 50),
  };
  // A tenant without time entries or words still gets well-formed requests (answered with empty pages).
  if (samples.members.length === 0) samples.members.push('nobody');
  if (samples.ticketSearches.length === 0) samples.ticketSearches.push(FALLBACK_SEARCH);
  if (samples.companySearches.length === 0) samples.companySearches.push(FALLBACK_SEARCH);
  if (samples.ticketIds.length === 0) throw new Error('the tenant has no tickets to ask for');
  return samples;
}
