import { InMemoryTenantAdmin } from '../../contracts/inMemoryTenantAdmin';
import { secretStoreContract, someCredentials } from '../../contracts/secretStore.contract';
import { tenantAdminContract } from '../../contracts/tenantAdmin.contract';
import { aTenantConfig, tenantRegistryContract } from '../../contracts/tenantRegistry.contract';

tenantAdminContract('InMemoryTenantAdmin (reference twin)', async () => {
  const admin = new InMemoryTenantAdmin();
  return { admin, registry: admin.registry, secrets: admin.secrets, cleanup: async () => {} };
});

// The twin's read side passes the pipeline's own port contracts, filled through the admin port only.
tenantRegistryContract('InMemoryTenantAdmin.registry', async (tenants) => {
  const admin = new InMemoryTenantAdmin();
  for (const tenant of tenants) await admin.putTenant(tenant, { connectwise: someCredentials(tenant.id) });
  return { registry: admin.registry, cleanup: async () => {} };
});

secretStoreContract('InMemoryTenantAdmin.secrets', async (credentials) => {
  const admin = new InMemoryTenantAdmin();
  for (const [tenantId, value] of credentials)
    await admin.putTenant(aTenantConfig({ id: tenantId }), { connectwise: value });
  return { secrets: admin.secrets, cleanup: async () => {} };
});
