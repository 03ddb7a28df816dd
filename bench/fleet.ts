import type { ConnectWiseTable } from '../sources/connectwise/endpoints';
import type { LatencyModel } from './idealBound';

/** One tenant of a benchmark fleet: the simulator serves `sizes`, the pipeline syncs `tables` under its limits. */
export interface BenchTenant {
  id: string;
  sizes: Partial<Record<ConnectWiseTable, number>>;
  requestsPerMinute: number;
  maxConcurrentRequests: number;
}

export interface FleetSpec {
  tenants: BenchTenant[];
  latency: LatencyModel;
}

export const NO_LATENCY: LatencyModel = { baseMs: 0, jitterMs: 0, perRecordMs: 0 };

/** Limits for CPU-bound scenarios: high enough that the source never throttles. */
export const UNTHROTTLED = { requestsPerMinute: 100_000, maxConcurrentRequests: 64 } as const;

export const credentialsOf = (id: string) => ({
  companyId: id,
  publicKey: `${id}-public`,
  privateKey: `${id}-private`,
  clientId: '00000000-0000-4000-8000-00000000be1c',
});

/** Four tables in the proportions of a typical PSA: per 20 tickets, 1 company, 2.5 contacts, 20 time entries. */
export function fourTables(records: number): Partial<Record<ConnectWiseTable, number>> {
  const tickets = Math.round(records / (1 / 20 + 1 / 8 + 2));
  return {
    companies: Math.ceil(tickets / 20),
    contacts: Math.ceil(tickets / 8),
    tickets,
    time_entries: records - tickets - Math.ceil(tickets / 20) - Math.ceil(tickets / 8),
  };
}

export function recordsOf(tenant: BenchTenant): number {
  return Object.values(tenant.sizes).reduce((sum, size) => sum + (size ?? 0), 0);
}

export function tablesOf(tenant: BenchTenant): ConnectWiseTable[] {
  return (Object.keys(tenant.sizes) as ConnectWiseTable[]).filter((table) => (tenant.sizes[table] ?? 0) > 0);
}

/** The tenants file a user would write for this fleet, pointing at the simulator, with the given limits. */
export function tenantsDocument(
  tenants: BenchTenant[],
  baseUrl: string,
  override: Partial<Pick<BenchTenant, 'maxConcurrentRequests'>> = {},
) {
  return {
    tenants: tenants.map((tenant) => ({
      id: tenant.id,
      services: {
        connectwise: {
          baseUrl,
          ...credentialsOf(tenant.id),
          tables: tablesOf(tenant),
          requestsPerMinute: tenant.requestsPerMinute,
          maxConcurrentRequests: override.maxConcurrentRequests ?? tenant.maxConcurrentRequests,
        },
      },
    })),
  };
}
