import type { BenchTenant } from '../fleet';
import { NO_LATENCY, UNTHROTTLED } from '../fleet';

/** One tenant with `tickets` tickets and no other table, served without latency or throttling. */
export function ticketsTenant(id: string, tickets: number): BenchTenant {
  return { id, sizes: { tickets }, ...UNTHROTTLED };
}

export const cpuFleet = (tenants: BenchTenant[]) => ({ tenants, latency: NO_LATENCY });
