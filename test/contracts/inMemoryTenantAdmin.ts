import { assertTenantId } from '../../shared/config/tenantId';
import type { ConnectWiseCredentials, TenantConfig } from '../../shared/config/tenantsFile';
import { ValidationError } from '../../shared/errors';
import type { SecretStore, TenantAdmin, TenantListing, TenantRegistry } from '../../shared/ports';

/**
 * The reference twin of TenantAdmin: tenants and credentials in memory, readable through the pipeline's own
 * ports (`registry`, `secrets`), so the contract can check that what an operator writes is what the pipeline
 * reads.
 */
export class InMemoryTenantAdmin implements TenantAdmin {
  private readonly tenants = new Map<string, { config: TenantConfig; companyId: string }>();
  private readonly credentials = new Map<string, ConnectWiseCredentials>();

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
    connectWiseCredentials: async (tenantId) => {
      const credentials = this.credentials.get(assertTenantId(tenantId));
      if (!credentials) throw new ValidationError(`tenant "${tenantId}": no ConnectWise credentials stored`);
      return { ...credentials };
    },
  };

  async putTenant(config: TenantConfig, credentials: ConnectWiseCredentials): Promise<{ created: boolean }> {
    assertTenantId(config.id);
    const created = !this.tenants.has(config.id);
    this.credentials.set(config.id, { ...credentials });
    this.tenants.set(config.id, { config: structuredClone(config), companyId: credentials.companyId });
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
      .map(({ config, companyId }) => ({
        config: structuredClone(config),
        companyId,
        hasCredentials: this.credentials.has(config.id),
      }));
  }
}
