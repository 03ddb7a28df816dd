import type { ConnectWiseCredentials, LoadedTenants, TenantConfig } from '../../shared/config/tenantsFile';
import { ValidationError } from '../../shared/errors';
import type { SecretStore, TenantRegistry } from '../../shared/ports';

/** The embedded tenant registry and secret store: a validated tenants file, held in memory. */
export class TenantsFileRegistry implements TenantRegistry, SecretStore {
  constructor(private readonly loaded: LoadedTenants) {}

  async listTenants(): Promise<TenantConfig[]> {
    return this.loaded.tenants;
  }

  async getTenant(tenantId: string): Promise<TenantConfig | undefined> {
    return this.loaded.tenants.find((tenant) => tenant.id === tenantId);
  }

  async connectWiseCredentials(tenantId: string): Promise<ConnectWiseCredentials> {
    const credentials = this.loaded.credentials.get(tenantId);
    if (!credentials) throw new ValidationError(`tenant ${tenantId}: no ConnectWise credentials configured`);
    return credentials;
  }
}
