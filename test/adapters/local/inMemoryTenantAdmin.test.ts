import { InMemoryTenantAdmin } from '../../contracts/inMemoryTenantAdmin';
import { tenantAdminContract } from '../../contracts/tenantAdmin.contract';

tenantAdminContract('InMemoryTenantAdmin (reference twin)', async () => {
  const admin = new InMemoryTenantAdmin();
  return { admin, registry: admin.registry, secrets: admin.secrets, cleanup: async () => {} };
});
