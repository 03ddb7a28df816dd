import type { TenantConfig } from '../../shared/config/tenantsFile';
import type { TenantRegistry } from '../../shared/ports';

export interface TenantRegistryFixture {
  registry: TenantRegistry;
  /** Releases what the factory created. */
  cleanup(): Promise<void>;
}

/** A fully specified tenant (every default already applied), as every registry must hand it back. */
export function aTenantConfig(overrides: Partial<TenantConfig> & { id: string }): TenantConfig {
  return {
    name: `Tenant ${overrides.id}`,
    enabled: true,
    services: {
      connectwise: {
        baseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
        tables: ['companies', 'tickets'],
        requestsPerMinute: 600,
        maxConcurrentRequests: 2,
        backfillFrom: '2024-01-01T00:00:00Z',
        deletes: { sweepEveryHours: 24 },
        backfillSliceDays: 30,
      },
    },
    ...overrides,
  };
}

/**
 * The behaviour every TenantRegistry adapter must have. `makeRegistry` is called before every test with the
 * tenants the registry must hold.
 */
export function tenantRegistryContract(
  name: string,
  makeRegistry: (tenants: TenantConfig[]) => Promise<TenantRegistryFixture>,
): void {
  describe(`TenantRegistry contract: ${name}`, () => {
    let fixture: TenantRegistryFixture | undefined;

    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('given registered tenants, when they are listed, then every one comes back with its settings', async () => {
      // Prepare
      const tenants = [
        aTenantConfig({ id: 'globex' }),
        aTenantConfig({ id: 'acme', name: 'Acme Corp' }),
        aTenantConfig({ id: 'initech', enabled: false }),
      ];
      fixture = await makeRegistry(tenants);

      // Act
      const listed = await fixture.registry.listTenants();

      // Assess
      const byId = (a: TenantConfig, b: TenantConfig) => a.id.localeCompare(b.id);
      expect([...listed].sort(byId)).toEqual([...tenants].sort(byId));
    });

    it('given no tenants, when they are listed, then the list is empty', async () => {
      fixture = await makeRegistry([]);

      expect(await fixture.registry.listTenants()).toEqual([]);
    });

    it('given a registered tenant, when it is looked up by id, then its settings come back', async () => {
      const acme = aTenantConfig({ id: 'acme' });
      fixture = await makeRegistry([acme, aTenantConfig({ id: 'acme-2' })]);

      expect(await fixture.registry.getTenant('acme')).toEqual(acme);
    });

    it('given a tenant that is not registered, when it is looked up, then the result is undefined', async () => {
      fixture = await makeRegistry([aTenantConfig({ id: 'acme' })]);

      expect(await fixture.registry.getTenant('globex')).toBeUndefined();
    });
  });
}
