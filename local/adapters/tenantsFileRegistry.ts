import {
  credentialsKey,
  type LoadedTenants,
  type SourceCredentials,
  type TenantConfig,
} from '../../shared/config/tenantsFile';
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

  async sourceCredentials(tenantId: string, source: string): Promise<SourceCredentials> {
    const credentials = this.loaded.credentials.get(credentialsKey(tenantId, source));
    if (!credentials)
      throw new ValidationError(`tenant ${tenantId}, source ${source}: no credentials configured`);
    return credentials;
  }
}
