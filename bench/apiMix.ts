/**
 * Scenario 6's request mix: what a dashboard's users ask the analytics API (DESIGN §12), by weight, and the
 * paths each kind of request takes for one tenant. Pure: the draw comes in as numbers in [0, 1), so the same
 * draws always give the same requests (test/bench/apiMix.test.ts).
 */

/** Endpoint classes of the mix; results are broken down by these. */
export type RequestKind =
  | 'dashboard'
  | 'ticket status'
  | 'ticket trend'
  | 'top companies'
  | 'ticket list'
  | 'company list'
  | 'time-entry list'
  | 'ticket detail'
  | 'ticket history';

export interface Weighted<T> {
  value: T;
  weight: number;
}

/**
 * 30% dashboard, 10% each chart, 25% lists (filters, search, pages), 10% ticket detail, 5% history: a screen
 * load fetches the tiles and charts, then people page and search lists and open tickets.
 */
export const API_MIX: ReadonlyArray<Weighted<RequestKind>> = [
  { value: 'dashboard', weight: 30 },
  { value: 'ticket status', weight: 10 },
  { value: 'ticket trend', weight: 10 },
  { value: 'top companies', weight: 10 },
  { value: 'ticket list', weight: 15 },
  { value: 'company list', weight: 5 },
  { value: 'time-entry list', weight: 5 },
  { value: 'ticket detail', weight: 10 },
  { value: 'ticket history', weight: 5 },
];

/** The entry whose share of the total weight contains `draw` (0 ≤ draw < 1), in the entries' order. */
export function pickWeighted<T>(entries: ReadonlyArray<Weighted<T>>, draw: number): T {
  if (entries.length === 0) throw new Error('pickWeighted: no entries');
  const total = entries.reduce((sum, entry) => sum + entry.weight, 0);
  if (!(total > 0)) throw new Error('pickWeighted: the weights sum to nothing');
  let threshold = Math.min(Math.max(draw, 0), 1) * total;
  for (const entry of entries) {
    if (threshold < entry.weight) return entry.value;
    threshold -= entry.weight;
  }
  // draw = 1 (or rounding at the very top): the last entry with any weight.
  return [...entries].reverse().find((entry) => entry.weight > 0)!.value;
}

/** `values[floor(draw × length)]`. */
export function pickOne<T>(values: readonly T[], draw: number): T {
  if (values.length === 0) throw new Error('pickOne: no values');
  return values[Math.min(values.length - 1, Math.floor(Math.max(draw, 0) * values.length))]!;
}

/** What the mix needs to know about one tenant's data, read from the API before the load (real ids, names). */
export interface TenantSamples {
  /** API ids (`{source}:{key}`) of tickets. */
  ticketIds: string[];
  /** Statuses tickets have. */
  statuses: string[];
  /** Words that occur in ticket summaries. */
  ticketSearches: string[];
  /** Words that occur in company names. */
  companySearches: string[];
  /** Technicians with time entries. */
  members: string[];
  /** How many list pages of 50 the tickets fill (paging goes no further). */
  ticketPages: number;
}

export const PAGE_SIZE = 50;

const query = (params: Record<string, string | number>) =>
  Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');

const pages = (samples: TenantSamples, count: number) =>
  Array.from({ length: Math.max(1, Math.min(count, samples.ticketPages)) }, (_, page) => page * PAGE_SIZE);

/**
 * Every distinct request of `kind` for a tenant: the mix draws among them uniformly, and a cached part asks
 * each once before it is measured. Lists: the first pages plain, open tickets, by status, searched, sorted;
 * history for the first half of the sampled tickets.
 */
export function pathsOf(kind: RequestKind, samples: TenantSamples): string[] {
  const periods = ['30d', '90d'];
  switch (kind) {
    case 'dashboard':
      return ['7d', '30d', '90d', '365d'].map((period) => `/api/analytics/dashboard?${query({ period })}`);
    case 'ticket status':
      return ['/api/analytics/tickets/status'];
    case 'ticket trend':
      return ['day', 'week', 'month'].flatMap((interval) =>
        periods.map((period) => `/api/analytics/tickets/trend?${query({ interval, period })}`),
      );
    case 'top companies':
      return ['tickets', 'hours'].flatMap((by) =>
        periods.map((period) => `/api/analytics/companies/top?${query({ by, period })}`),
      );
    case 'ticket list':
      return [
        ...pages(samples, 5).map((offset) => `/api/tickets?${query({ limit: PAGE_SIZE, offset })}`),
        ...pages(samples, 3).map(
          (offset) => `/api/tickets?${query({ limit: PAGE_SIZE, offset, closed: 'false' })}`,
        ),
        ...samples.statuses.flatMap((status) =>
          pages(samples, 2).map((offset) => `/api/tickets?${query({ limit: PAGE_SIZE, offset, status })}`),
        ),
        // A search narrows the list: people look at its first page.
        ...samples.ticketSearches.map((search) => `/api/tickets?${query({ limit: PAGE_SIZE, search })}`),
        ...['priority', 'updated_at'].flatMap((sort) =>
          pages(samples, 2).map(
            (offset) => `/api/tickets?${query({ limit: PAGE_SIZE, offset, sort, order: 'desc' })}`,
          ),
        ),
      ];
    case 'company list':
      return [
        ...samples.companySearches.map((search) => `/api/companies?${query({ limit: PAGE_SIZE, search })}`),
        ...pages({ ...samples, ticketPages: 5 }, 5).map(
          (offset) => `/api/companies?${query({ limit: PAGE_SIZE, offset })}`,
        ),
      ];
    case 'time-entry list':
      return samples.members.map((member) => `/api/time-entries?${query({ limit: PAGE_SIZE, member })}`);
    case 'ticket detail':
      return samples.ticketIds.map((id) => `/api/tickets/${encodeURIComponent(id)}`);
    case 'ticket history':
      return samples.ticketIds
        .slice(0, Math.ceil(samples.ticketIds.length / 2))
        .map((id) => `/api/tickets/${encodeURIComponent(id)}/history`);
  }
}

/** One request of `kind` for a tenant: `pathsOf(kind)[floor(draw × count)]`. */
export function requestPath(kind: RequestKind, samples: TenantSamples, draw: number): string {
  return pickOne(pathsOf(kind, samples), draw);
}

/** Every distinct request of the mix for a tenant (what a cached part asks before it is measured). */
export function keySpace(
  samples: TenantSamples,
  mix: ReadonlyArray<Weighted<RequestKind>> = API_MIX,
): string[] {
  return [...new Set(mix.flatMap((entry) => pathsOf(entry.value, samples)))];
}

/** A deterministic generator of numbers in [0, 1) (mulberry32), so a run's requests can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
