import type { RecordedRequest } from '../simulator';

/** What the pipeline asked the source for, from the simulator's request log. */
export interface RequestCounts {
  /** List requests of any answer (429s and retries included): the ones the ≤ 1.05 per 1,000 target counts. */
  listRequests: number;
  /** List requests answered 200 (pages). */
  listPages: number;
  /** `/count` calls and `fields=id` bound queries of the chunk planner. */
  planningCalls: number;
  /** Requests answered 429. */
  throttled: number;
  /** Records in the 200 list pages. */
  recordsListed: number;
  /** Pages answered per tenant (the ideal bound's per-tenant pages). */
  pagesByTenant: Record<string, number>;
}

export function isPlanningCall(request: Pick<RecordedRequest, 'path' | 'query'>): boolean {
  return request.path.toLowerCase().endsWith('/count') || request.query.fields === 'id';
}

export function countRequests(requests: readonly RecordedRequest[]): RequestCounts {
  const counts: RequestCounts = {
    listRequests: 0,
    listPages: 0,
    planningCalls: 0,
    throttled: 0,
    recordsListed: 0,
    pagesByTenant: {},
  };
  for (const request of requests) {
    if (request.status === 429) counts.throttled++;
    if (isPlanningCall(request)) {
      counts.planningCalls++;
      continue;
    }
    counts.listRequests++;
    if (request.status !== 200) continue;
    counts.listPages++;
    counts.recordsListed += request.records;
    const tenant = request.companyId ?? '(unknown)';
    counts.pagesByTenant[tenant] = (counts.pagesByTenant[tenant] ?? 0) + 1;
  }
  return counts;
}
