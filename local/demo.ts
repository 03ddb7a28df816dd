import type { CanonicalTableName } from '../mappings/canonical';
import { credentialsKey, type LoadedTenants, type SourceConfig } from '../shared/config/tenantsFile';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '../shared/sources/connector';
import { CONNECTWISE_TABLES } from '../sources/connectwise/endpoints';
import { SALESFORCE_DEFAULT_OBJECTS } from '../sources/salesforce/tables';
import { SERVICENOW_DEFAULT_TABLES } from '../sources/servicenow/tables';
import {
  startSalesforceSimulator,
  startServiceNowSimulator,
  type SalesforceObjectName,
  type SalesforceSimulator,
  startSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
  type Simulator,
} from '../simulator';
import { startOfUtcDay } from '../simulator/core/period';

/** The ServiceNow tables behind the canonical ones by default: the connector's own catalogue. */
const SERVICENOW_TABLE_OF = SERVICENOW_DEFAULT_TABLES as Record<CanonicalTableName, ServiceNowTableName>;

/** The Salesforce objects behind the canonical ones by default: the connector's own catalogue. */
const SALESFORCE_OBJECT_OF = SALESFORCE_DEFAULT_OBJECTS as Record<CanonicalTableName, SalesforceObjectName>;

type Sizes = Record<CanonicalTableName, number>;

export interface DemoTenant {
  id: string;
  name: string;
  /** Records per canonical table at each source the tenant has. */
  sources: { connectwise?: Sizes; servicenow?: Sizes; salesforce?: Sizes };
}

/**
 * The demo fleet: tenants of very different sizes, so fairness and progress are visible; one on ServiceNow
 * only, one with ConnectWise and ServiceNow, and one with all three sources, whose canonical views then hold
 * rows of each.
 */
export const DEMO_TENANTS: DemoTenant[] = [
  {
    id: 'northwind-msp',
    name: 'Northwind MSP',
    sources: { connectwise: { companies: 600, contacts: 2400, tickets: 12_500, time_entries: 18_000 } },
  },
  {
    id: 'contoso-it',
    name: 'Contoso IT',
    sources: {
      connectwise: { companies: 150, contacts: 700, tickets: 3_000, time_entries: 4_500 },
      servicenow: { companies: 40, contacts: 160, tickets: 900, time_entries: 1_200 },
    },
  },
  {
    id: 'fabrikam-tech',
    name: 'Fabrikam Tech',
    sources: { connectwise: { companies: 25, contacts: 90, tickets: 240, time_entries: 400 } },
  },
  {
    id: 'initech-cloud',
    name: 'Initech Cloud',
    sources: {
      connectwise: { companies: 60, contacts: 240, tickets: 1_500, time_entries: 2_000 },
      servicenow: { companies: 30, contacts: 100, tickets: 700, time_entries: 800 },
      salesforce: { companies: 200, contacts: 800, tickets: 5_000, time_entries: 3_000 },
    },
  },
  {
    id: 'globex-services',
    name: 'Globex Services',
    sources: { servicenow: { companies: 120, contacts: 450, tickets: 4_000, time_entries: 5_000 } },
  },
];

/** Every demo record count, per tenant, source and canonical table. */
export function demoSizes(): Array<{
  tenantId: string;
  source: string;
  table: CanonicalTableName;
  size: number;
}> {
  return DEMO_TENANTS.flatMap((tenant) =>
    Object.entries(tenant.sources).flatMap(([source, sizes]) =>
      (Object.entries(sizes) as Array<[CanonicalTableName, number]>).map(([table, size]) => ({
        tenantId: tenant.id,
        source,
        table,
        size,
      })),
    ),
  );
}

const secrets = (tenantId: string) => ({
  publicKey: `${tenantId}-public`,
  privateKey: `${tenantId}-private`,
  clientId: '00000000-0000-4000-8000-00000000demo'.slice(0, 36),
  username: `${tenantId}.integration`,
  password: `${tenantId}-password`,
  salesforceClientId: `${tenantId}-connected-app`,
  salesforceClientSecret: `${tenantId}-consumer-secret`,
});

export interface Demo {
  tenants: LoadedTenants;
  /** Changes about 1% of every demo table (rounded up) at its source; returns how many records changed. */
  changeOnePercent(): number;
  stop(): Promise<void>;
}

/** Starts a simulator per source on free loopback ports and returns the tenants file the demo would have. */
export async function startDemo(): Promise<Demo> {
  const latency = { baseMs: 15, jitterMs: 25, perRecordMs: 0 };
  // The demo's records span the three years up to today (midnight UTC, so they are the same all day): its
  // "last 30 days" figures are never empty.
  const dataEndsAt = startOfUtcDay(new Date());
  const connectWise: Simulator = await startSimulator({
    tenants: DEMO_TENANTS.flatMap((tenant) =>
      tenant.sources.connectwise
        ? [
            {
              companyId: tenant.id,
              ...secrets(tenant.id),
              sizes: tenant.sources.connectwise,
              requestsPerMinute: 1000,
            },
          ]
        : [],
    ),
    latency,
    dataEndsAt,
  });
  const serviceNow: ServiceNowSimulator = await startServiceNowSimulator({
    instances: DEMO_TENANTS.flatMap((tenant) => {
      const sizes = tenant.sources.servicenow;
      if (!sizes) return [];
      const { username, password } = secrets(tenant.id);
      const tableSizes = Object.fromEntries(
        (Object.entries(sizes) as Array<[CanonicalTableName, number]>).map(([table, size]) => [
          SERVICENOW_TABLE_OF[table],
          size,
        ]),
      );
      return [{ name: tenant.id, username, password, sizes: tableSizes }];
    }),
    latency,
    dataEndsAt,
  });
  const salesforce: SalesforceSimulator = await startSalesforceSimulator({
    orgs: DEMO_TENANTS.flatMap((tenant) => {
      const sizes = tenant.sources.salesforce;
      if (!sizes) return [];
      const own = secrets(tenant.id);
      const objectSizes: Partial<Record<SalesforceObjectName, number>> = Object.fromEntries(
        (Object.entries(sizes) as Array<[CanonicalTableName, number]>).map(([table, size]) => [
          SALESFORCE_OBJECT_OF[table],
          size,
        ]),
      );
      // Time sheet entries reach their case through a work order (WorkOrder.CaseId).
      objectSizes.WorkOrder = Math.ceil(sizes.time_entries / 3);
      return [
        {
          name: tenant.id,
          clientId: own.salesforceClientId,
          clientSecret: own.salesforceClientSecret,
          sizes: objectSizes,
          // A production org's allocation (100,000 + 1,000 per licence): the demo never gets near 80% of it.
          dailyRequestLimit: 150_000,
        },
      ];
    }),
    latency,
    dataEndsAt,
  });
  const budget = { requestsPerMinute: 1000, maxConcurrentRequests: DEFAULT_MAX_CONCURRENT_REQUESTS };
  const credentials = new Map<string, Record<string, string>>();
  const tenants = DEMO_TENANTS.map((tenant) => {
    const services: Record<string, SourceConfig> = {};
    const own = secrets(tenant.id);
    if (tenant.sources.connectwise) {
      services.connectwise = {
        baseUrl: connectWise.baseUrl,
        tables: [...CONNECTWISE_TABLES],
        ...budget,
        backfillFrom: null,
      };
      credentials.set(credentialsKey(tenant.id, 'connectwise'), {
        companyId: tenant.id,
        publicKey: own.publicKey,
        privateKey: own.privateKey,
        clientId: own.clientId,
      });
    }
    if (tenant.sources.servicenow) {
      services.servicenow = {
        instanceUrl: serviceNow.instanceUrl,
        tables: Object.keys(tenant.sources.servicenow) as CanonicalTableName[],
        ...budget,
        backfillFrom: null,
      };
      credentials.set(credentialsKey(tenant.id, 'servicenow'), {
        username: own.username,
        password: own.password,
      });
    }
    if (tenant.sources.salesforce) {
      services.salesforce = {
        loginUrl: salesforce.instanceUrl,
        tables: Object.keys(tenant.sources.salesforce) as CanonicalTableName[],
        ...budget,
        backfillFrom: null,
        apiVersion: '62.0',
        dailyQuotaShare: 0.8,
      };
      credentials.set(credentialsKey(tenant.id, 'salesforce'), {
        clientId: own.salesforceClientId,
        clientSecret: own.salesforceClientSecret,
      });
    }
    return { id: tenant.id, name: tenant.name, enabled: true, services };
  });
  return {
    tenants: { tenants, credentials },
    changeOnePercent() {
      let changed = 0;
      for (const { tenantId, source, table, size } of demoSizes()) {
        const count = Math.ceil(size / 100);
        changed +=
          source === 'servicenow'
            ? serviceNow.mutate(tenantId, SERVICENOW_TABLE_OF[table], count).length
            : source === 'salesforce'
              ? salesforce.mutate(tenantId, SALESFORCE_OBJECT_OF[table], count).length
              : connectWise.mutate(tenantId, table, count).length;
      }
      return changed;
    },
    async stop() {
      await Promise.all([connectWise.stop(), serviceNow.stop(), salesforce.stop()]);
    },
  };
}
