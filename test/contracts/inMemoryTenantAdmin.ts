import { assertTenantId } from '../../shared/config/tenantId';
import { credentialsKey, type SourceCredentials, type TenantConfig } from '../../shared/config/tenantsFile';
import { ValidationError } from '../../shared/errors';
import { accountsOf } from '../../sources/accounts';
import type { SecretStore, TenantAdmin, TenantListing, TenantRegistry } from '../../shared/ports';

/**
 * The reference twin of TenantAdmin: tenants and credentials in memory, readable through the pipeline's own
 * ports (`registry`, `secrets`), so the contract can check that what an operator writes is what the pipeline
 * reads.
 */
export class InMemoryTenantAdmin implements TenantAdmin {
  private readonly tenants = new Map<
    string,
    { config: TenantConfig; accounts: Record<string, SourceCredentials> }
  >();
  private readonly credentials = new Map<string, SourceCredentials>();

  readonly registry: TenantRegistry = {
    listTenants: async () =>
      [...this.tenants.values()]
        .map((tenant) => structuredClone(tenant.config))
        .sort((a, b) => a.id.localeCompare(b.id)),
    getTenant: async (tenantId) => {
      const tenant = this.tenants.get(assertTenantId(tenantId));
      return tenant && structuredClone(tenant.config);
    },
  };

  readonly secrets: SecretStore = {
    sourceCredentials: async (tenantId, source) => {
      const credentials = this.credentials.get(credentialsKey(assertTenantId(tenantId), source));
      if (!credentials)
        throw new ValidationError(`tenant "${tenantId}", source ${source}: no credentials stored`);
      return { ...credentials };
    },
  };

  async putTenant(
    config: TenantConfig,
    credentials: Record<string, SourceCredentials>,
  ): Promise<{ created: boolean }> {
    assertTenantId(config.id);
    const existing = this.tenants.get(config.id);
    const created = existing === undefined;
    for (const [source, values] of Object.entries(credentials))
      this.credentials.set(credentialsKey(config.id, source), { ...values });
    this.tenants.set(config.id, {
      config: structuredClone({ ...config, services: { ...existing?.config.services, ...config.services } }),
      accounts: { ...existing?.accounts, ...accountsOf(credentials) },
    });
    return { created };
  }

  async setEnabled(tenantId: string, enabled: boolean): Promise<boolean> {
    const tenant = this.tenants.get(assertTenantId(tenantId));
    if (!tenant) return false;
    tenant.config.enabled = enabled;
    return true;
  }

  async listRegistered(): Promise<TenantListing[]> {
    return [...this.tenants.values()]
      .sort((a, b) => a.config.id.localeCompare(b.config.id))
      .map(({ config, accounts }) => ({
        config: structuredClone(config),
        accounts: structuredClone(accounts),
        hasCredentials: Object.keys(config.services).every((source) =>
          this.credentials.has(credentialsKey(config.id, source)),
        ),
      }));
  }
}
