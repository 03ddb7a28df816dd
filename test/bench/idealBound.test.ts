import {
  allowedConcurrency,
  idealSeconds,
  meanPageLatencyMs,
  tenantConcurrency,
} from '../../bench/idealBound';

const limits = (maxConcurrentRequests: number, requestsPerMinute = 100_000) => ({
  maxConcurrentRequests,
  requestsPerMinute,
});

describe('the ideal bound of a latency-bound run', () => {
  it('given base 150 ms and jitter 250 ms, then a page takes 275 ms on average plus its per-record cost', () => {
    expect(meanPageLatencyMs({ baseMs: 150, jitterMs: 250, perRecordMs: 0 }, 1000)).toBe(275);
    expect(meanPageLatencyMs({ baseMs: 100, jitterMs: 0, perRecordMs: 0.1 }, 1000)).toBe(200);
  });

  it('given a rate limit that allows fewer requests in flight than the concurrency cap, then the rate limit binds', () => {
    // 600/min = 10/s; at 250 ms a request, 10/s × 0.25 s = 2.5 requests in flight (Little's law).
    expect(tenantConcurrency(limits(4, 600), 250)).toBeCloseTo(2.5);
    expect(tenantConcurrency(limits(4, 1000), 275)).toBe(4);
  });

  it('given more tenant concurrency than fetchers, then the fetchers bound it, and the other way round', () => {
    const hundred = Array.from({ length: 100 }, () => limits(4));
    expect(allowedConcurrency(8, hundred, 275)).toBe(8);
    expect(allowedConcurrency(1000, hundred, 275)).toBe(400);
    expect(allowedConcurrency(8, [limits(1), limits(1)], 275)).toBe(2);
  });

  it('given evenly spread pages, then the bound is pages × latency ÷ allowed concurrency', () => {
    const tenants = Array.from({ length: 100 }, () => ({ ...limits(4), pages: 20 }));
    expect(idealSeconds({ fetcherConcurrency: 8, tenants, pageLatencyMs: 275 })).toBeCloseTo(
      (2000 * 0.275) / 8,
    );
  });

  it('given one tenant holding most pages, then its own concurrency bounds the run', () => {
    const tenants = [
      { ...limits(4), pages: 1000 },
      ...Array.from({ length: 9 }, () => ({ ...limits(4), pages: 10 })),
    ];
    // Fleet: 1090 pages over 40 slots = 7.5 s; the big tenant alone: 1000 pages over its 4 = 68.75 s.
    expect(idealSeconds({ fetcherConcurrency: 64, tenants, pageLatencyMs: 275 })).toBeCloseTo(68.75);
  });

  it('given the sequential baseline, then every page waits for the one before', () => {
    const tenants = Array.from({ length: 3 }, () => ({ ...limits(1), pages: 10 }));
    expect(idealSeconds({ fetcherConcurrency: 1, tenants, pageLatencyMs: 200 })).toBeCloseTo(6);
  });
});
