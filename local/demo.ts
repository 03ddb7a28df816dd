import { credentialsKey, type LoadedTenants } from '../shared/config/tenantsFile';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '../shared/sources/connector';
import { CONNECTWISE_TABLES, type ConnectWiseTable } from '../sources/connectwise/endpoints';
import type { SimulatedTenant } from '../simulator';

/** The demo fleet: three tenants of very different sizes, so fairness and progress are visible. */
export const DEMO_TENANTS: Array<{ id: string; name: string; sizes: Record<ConnectWiseTable, number> }> = [
  {
    id: 'northwind-msp',
    name: 'Northwind MSP',
    sizes: { companies: 600, contacts: 2400, tickets: 12_500, time_entries: 18_000 },
  },
  {
    id: 'contoso-it',
    name: 'Contoso IT',
    sizes: { companies: 150, contacts: 700, tickets: 3_000, time_entries: 4_500 },
  },
  {
    id: 'fabrikam-tech',
    name: 'Fabrikam Tech',
    sizes: { companies: 25, contacts: 90, tickets: 240, time_entries: 400 },
  },
];

export function demoSimulatedTenants(): SimulatedTenant[] {
  return DEMO_TENANTS.map((tenant) => ({
    companyId: tenant.id,
    publicKey: `${tenant.id}-public`,
    privateKey: `${tenant.id}-private`,
    clientId: '00000000-0000-4000-8000-00000000demo'.slice(0, 36),
    sizes: tenant.sizes,
    requestsPerMinute: 1000,
  }));
}

/** The tenants file the demo would have, pointing at the simulator's base URL. */
export function demoTenants(baseUrl: string): LoadedTenants {
  const simulated = demoSimulatedTenants();
  return {
    tenants: DEMO_TENANTS.map((tenant) => ({
      id: tenant.id,
      name: tenant.name,
      enabled: true,
      services: {
        connectwise: {
          baseUrl,
          tables: [...CONNECTWISE_TABLES],
          requestsPerMinute: 1000,
          maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS,
          backfillFrom: null,
        },
      },
    })),
    credentials: new Map(
      simulated.map((tenant) => [
        credentialsKey(tenant.companyId, 'connectwise'),
        {
          companyId: tenant.companyId,
          publicKey: tenant.publicKey,
          privateKey: tenant.privateKey,
          clientId: tenant.clientId,
        },
      ]),
    ),
  };
}
