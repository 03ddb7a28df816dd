import {
  API_MIX,
  keySpace,
  pathsOf,
  pickOne,
  pickWeighted,
  requestPath,
  seededRandom,
  type RequestKind,
  type TenantSamples,
} from '../../bench/apiMix';
import { latencyHistogram, percentile, recordMs, summarize } from '../../bench/latency';

const samples = (overrides: Partial<TenantSamples> = {}): TenantSamples => ({
  ticketIds: ['connectwise:1', 'connectwise:2', 'servicenow:a b', 'connectwise:4'],
  statuses: ['New', 'In Progress'],
  ticketSearches: ['printer', 'vpn'],
  companySearches: ['acme'],
  members: ['tech001', 'tech002'],
  ticketPages: 100,
  ...overrides,
});

describe('the request mix', () => {
  it('given weights, then each entry owns its share of [0, 1) in order, and the ends are clamped', () => {
    const entries = [
      { value: 'a', weight: 1 },
      { value: 'b', weight: 3 },
      { value: 'none', weight: 0 },
    ];
    expect(pickWeighted(entries, 0)).toBe('a');
    expect(pickWeighted(entries, 0.2499)).toBe('a');
    expect(pickWeighted(entries, 0.25)).toBe('b');
    expect(pickWeighted(entries, 0.9999)).toBe('b');
    expect(pickWeighted(entries, 1)).toBe('b');
    expect(pickWeighted(entries, -1)).toBe('a');
    expect(() => pickWeighted([], 0.5)).toThrow('no entries');
  });

  it('given many seeded draws, then the kinds come out in the mix proportions (30% dashboard, 5% history)', () => {
    const random = seededRandom(42);
    const counts = new Map<RequestKind, number>();
    const draws = 100_000;
    for (let index = 0; index < draws; index++) {
      const kind = pickWeighted(API_MIX, random());
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const total = API_MIX.reduce((sum, entry) => sum + entry.weight, 0);
    expect(total).toBe(100);
    for (const entry of API_MIX)
      expect((counts.get(entry.value) ?? 0) / draws).toBeCloseTo(entry.weight / total, 2);
  });

  it('given the same seed, then the same draws, so a run can be repeated', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const values = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('given a tenant, then details and history ask for its sampled ids, escaped, history for the first half', () => {
    expect(pathsOf('ticket detail', samples())).toContain('/api/tickets/servicenow%3Aa%20b');
    expect(pathsOf('ticket history', samples())).toEqual([
      '/api/tickets/connectwise%3A1/history',
      '/api/tickets/connectwise%3A2/history',
    ]);
    expect(requestPath('ticket detail', samples(), 0)).toBe('/api/tickets/connectwise%3A1');
    expect(requestPath('ticket detail', samples(), 0.99)).toBe('/api/tickets/connectwise%3A4');
  });

  it('given lists, then they page, filter, search and sort, and never page past the last page', () => {
    const lists = pathsOf('ticket list', samples());
    expect(lists).toContain('/api/tickets?limit=50&offset=200');
    expect(lists).toContain('/api/tickets?limit=50&offset=50&status=In%20Progress');
    expect(lists).toContain('/api/tickets?limit=50&search=printer');
    expect(lists).toContain('/api/tickets?limit=50&offset=0&closed=false');
    expect(lists).toContain('/api/tickets?limit=50&offset=0&sort=priority&order=desc');
    expect(
      pathsOf('ticket list', samples({ ticketPages: 1 })).filter((path) => /offset=[1-9]/.test(path)),
    ).toEqual([]);
    expect(pathsOf('time-entry list', samples())).toEqual([
      '/api/time-entries?limit=50&member=tech001',
      '/api/time-entries?limit=50&member=tech002',
    ]);
  });

  it('given a tenant, then its key space is every distinct request of every kind, once', () => {
    const space = keySpace(samples());
    expect(new Set(space).size).toBe(space.length);
    for (const entry of API_MIX)
      for (const path of pathsOf(entry.value, samples())) expect(space).toContain(path);
    expect(space).toContain('/api/analytics/dashboard?period=30d');
    expect(space).toContain('/api/analytics/tickets/trend?interval=week&period=90d');
  });

  it('given an empty list, then picking from it is an error, not undefined', () => {
    expect(() => pickOne([], 0.5)).toThrow('no values');
    expect(pickOne(['x', 'y'], 0.5)).toBe('y');
  });
});

describe('latency summaries', () => {
  it('given 1..100 ms, then p50, p95, p99 and max are those values (to the histogram precision)', () => {
    const histogram = latencyHistogram();
    for (let value = 1; value <= 100; value++) recordMs(histogram, value);
    const summary = summarize(histogram);
    expect(summary.count).toBe(100);
    expect(summary.p50).toBeCloseTo(50, 0);
    expect(summary.p95).toBeCloseTo(95, 0);
    expect(summary.p99).toBeCloseTo(99, 0);
    expect(summary.max).toBeCloseTo(100, 0);
    expect(summary.mean).toBeCloseTo(50.5, 0);
  });

  it('given sub-millisecond and very long latencies, then both are kept (the long one capped at two minutes)', () => {
    const histogram = latencyHistogram();
    recordMs(histogram, 0.25);
    recordMs(histogram, 10 * 60_000);
    const summary = summarize(histogram);
    expect(summary.p50).toBeCloseTo(0.25, 2);
    expect(summary.max).toBeCloseTo(120_000, -2);
  });

  it('given no answers, then every figure is 0 rather than NaN', () => {
    expect(summarize(latencyHistogram())).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('given a small sample, then percentiles are nearest-rank values of it', () => {
    const times = [120, 80, 300, 95, 110, 101, 99, 130, 90, 100];
    expect(percentile(times, 50)).toBe(100);
    expect(percentile(times, 95)).toBe(300);
    expect(percentile([], 50)).toBeNaN();
  });
});
