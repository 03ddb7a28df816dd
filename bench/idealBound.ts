/**
 * The ideal bound of a latency-bound run: how fast the pages could be fetched if the only limits were the
 * page latency and the concurrency the runtime and the tenants' budgets allow (CPU, planning and transform
 * free). A run's wall time divided by it says how much of the allowed parallelism the pipeline turns into
 * throughput.
 */
export interface LatencyModel {
  baseMs: number;
  /** Uniform extra delay in [0, jitterMs): its mean is jitterMs / 2. */
  jitterMs: number;
  perRecordMs: number;
}

export interface TenantLimits {
  requestsPerMinute: number;
  maxConcurrentRequests: number;
}

/** Mean latency of a page holding `recordsPerPage` records. */
export function meanPageLatencyMs(latency: LatencyModel, recordsPerPage: number): number {
  return latency.baseMs + latency.jitterMs / 2 + latency.perRecordMs * recordsPerPage;
}

/**
 * How many requests a tenant can keep in flight: its concurrency cap, and its rate limit turned into a
 * concurrency by Little's law (requests in flight = arrival rate × time in the system), so a tenant whose
 * budget is `rpm` requests a minute never has more than rpm / 60 000 ms × latency requests open on average.
 */
export function tenantConcurrency(limits: TenantLimits, pageLatencyMs: number): number {
  return Math.min(limits.maxConcurrentRequests, (limits.requestsPerMinute / 60_000) * pageLatencyMs);
}

/**
 * Allowed concurrency: a fetcher invocation has one page in flight at a time, so the runtime allows
 * `fetcherConcurrency` requests at once; the tenants allow the sum of their own concurrencies. The smaller
 * of the two is the fleet's.
 */
export function allowedConcurrency(
  fetcherConcurrency: number,
  tenants: readonly TenantLimits[],
  pageLatencyMs: number,
): number {
  const byTenants = tenants.reduce((sum, tenant) => sum + tenantConcurrency(tenant, pageLatencyMs), 0);
  return Math.min(fetcherConcurrency, byTenants);
}

/**
 * pages × mean latency ÷ allowed concurrency, but never less than the busiest tenant's own bound
 * (its pages × latency ÷ its concurrency): one big tenant cannot borrow the fleet's parallelism.
 */
export function idealSeconds(input: {
  fetcherConcurrency: number;
  tenants: ReadonlyArray<TenantLimits & { pages: number }>;
  pageLatencyMs: number;
}): number {
  const { fetcherConcurrency, tenants, pageLatencyMs } = input;
  const pages = tenants.reduce((sum, tenant) => sum + tenant.pages, 0);
  const fleet = (pages * pageLatencyMs) / allowedConcurrency(fetcherConcurrency, tenants, pageLatencyMs);
  const busiest = Math.max(
    0,
    ...tenants.map(
      (tenant) =>
        (tenant.pages * pageLatencyMs) /
        Math.min(fetcherConcurrency, tenantConcurrency(tenant, pageLatencyMs)),
    ),
  );
  return Math.max(fleet, busiest) / 1000;
}
