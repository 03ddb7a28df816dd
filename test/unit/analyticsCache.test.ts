import { ResultCache } from '../../api/store/cache';
import type { Row, SqlQuery, TenantSqlEngine } from '../../api/store/port';
import { TenantAnalytics } from '../../api/store/tenantAnalytics';
import { DUCKDB_DIALECT } from '../../shared/adapters/analytics/duckDbEngine';

/** An engine that answers every query with one empty row, counting queries, with a data version we set. */
class CountingEngine implements TenantSqlEngine {
  readonly dialect = DUCKDB_DIALECT;
  queries = 0;
  version = 'v1';
  constructor(readonly tenantId: string) {}
  async rows(_query: SqlQuery): Promise<Row[]> {
    this.queries += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return [{}];
  }
  async dataVersion(): Promise<string> {
    return this.version;
  }
}

const period = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };
const options = { capacityHoursPerWeek: 40, now: () => new Date('2026-01-20T00:00:00Z') };

describe('analytics answers cached under the data version', () => {
  it('runs the dashboard queries once for a burst of concurrent identical requests (single flight)', async () => {
    const engine = new CountingEngine('acme');
    const analytics = new TenantAnalytics(engine, new ResultCache(), options);
    const answers = await Promise.all(Array.from({ length: 200 }, () => analytics.dashboard(period)));
    expect(engine.queries).toBe(3);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    await analytics.dashboard(period);
    expect(engine.queries).toBe(3);
  });

  it('asks again when the data version changes, and for a different period', async () => {
    const engine = new CountingEngine('acme');
    const analytics = new TenantAnalytics(engine, new ResultCache(), options);
    await analytics.dashboard(period);
    engine.version = 'v2';
    await analytics.dashboard(period);
    expect(engine.queries).toBe(6);
    await analytics.dashboard({ from: period.from, to: new Date('2026-01-15T00:00:00Z') });
    expect(engine.queries).toBe(9);
  });

  it('never shares an answer between tenants, even with equal data versions', async () => {
    const cache = new ResultCache();
    const acme = new CountingEngine('acme');
    const other = new CountingEngine('other');
    await new TenantAnalytics(acme, cache, options).ticketStatus();
    await new TenantAnalytics(other, cache, options).ticketStatus();
    expect([acme.queries, other.queries]).toEqual([1, 1]);
  });

  it('does not keep a failed computation: the next request tries again', async () => {
    const cache = new ResultCache();
    let calls = 0;
    await expect(
      cache.get('k', async () => {
        calls += 1;
        throw new Error('engine down');
      }),
    ).rejects.toThrow('engine down');
    await expect(cache.get('k', async () => ++calls)).resolves.toBe(2);
  });

  it('with no entries allowed (uncached mode), every request computes', async () => {
    const engine = new CountingEngine('acme');
    const analytics = new TenantAnalytics(engine, new ResultCache({ maxEntries: 0, ttlMs: 1 }), options);
    await analytics.ticketStatus();
    await analytics.ticketStatus();
    expect(engine.queries).toBe(2);
  });
});
