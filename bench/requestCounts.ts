import type { RecordedRequest } from '../simulator';
import {
  CONNECTWISE_ENDPOINTS,
  CONNECTWISE_TABLES,
  type ConnectWiseTable,
} from '../sources/connectwise/endpoints';

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

/** One table's share of the request log: what the per-table targets of scenario 9 divide. */
export interface TableRequests {
  listRequests: number;
  planningCalls: number;
  recordsListed: number;
}

/** Requests per tenant and table, keyed `tenant/table` by `tableKey`. */
export type RequestsByTable = Record<string, TableRequests>;

export const tableKey = (tenantId: string, table: ConnectWiseTable) => `${tenantId}/${table}`;

/** The table a ConnectWise request was for, from its path (`…/service/tickets`, `…/count`, `…/search`). */
export function tableOfRequest(request: Pick<RecordedRequest, 'path'>): ConnectWiseTable | undefined {
  const path = request.path.toLowerCase().replace(/\/+$/, '');
  return CONNECTWISE_TABLES.find((table) => {
    const base = CONNECTWISE_ENDPOINTS[table].toLowerCase();
    return path.endsWith(base) || path.endsWith(`${base}/count`) || path.endsWith(`${base}/search`);
  });
}

/**
 * The request log split by tenant and table, counted as `countRequests` counts the whole log. Requests of no
 * table (system info, company info) and of no known tenant are left out.
 */
export function countRequestsByTable(requests: readonly RecordedRequest[]): RequestsByTable {
  const byTable: RequestsByTable = {};
  for (const request of requests) {
    const table = tableOfRequest(request);
    if (!table || request.companyId === null) continue;
    const counts = (byTable[tableKey(request.companyId, table)] ??= {
      listRequests: 0,
      planningCalls: 0,
      recordsListed: 0,
    });
    if (isPlanningCall(request)) {
      counts.planningCalls++;
      continue;
    }
    counts.listRequests++;
    if (request.status === 200) counts.recordsListed += request.records;
  }
  return byTable;
}
