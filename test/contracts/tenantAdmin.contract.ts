import type { ConnectWiseCredentials } from '../../sources/connectwise/settings';
import { InvalidTenantIdError } from '../../shared/errors';
import type { SecretStore, TenantAdmin, TenantRegistry } from '../../shared/ports';
import { someCredentials } from './secretStore.contract';
import { aTenantConfig } from './tenantRegistry.contract';

export interface TenantAdminFixture {
  admin: TenantAdmin;
  /** The read side the pipeline uses, over the same storage. */
  registry: TenantRegistry;
  secrets: SecretStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every TenantAdmin adapter must have: what an operator writes through it is exactly what the
 * pipeline's TenantRegistry and SecretStore read, and listing never reveals a credential.
 */
export function tenantAdminContract(name: string, makeAdmin: () => Promise<TenantAdminFixture>): void {
  describe(`TenantAdmin contract: ${name}`, () => {
    let fixture: TenantAdminFixture;

    beforeEach(async () => {
      fixture = await makeAdmin();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('given no tenants, when a tenant is put, then it is created and the pipeline reads its settings and credentials', async () => {
      // Prepare
      const acme = aTenantConfig({ id: 'acme' });
      const credentials = someCredentials('acme');

      // Act
      const result = await fixture.admin.putTenant(acme, { connectwise: credentials });

      // Assess
      expect(result).toEqual({ created: true });
      expect(await fixture.registry.getTenant('acme')).toEqual(acme);
      expect(await fixture.registry.listTenants()).toEqual([acme]);
      expect(await fixture.secrets.sourceCredentials('acme', 'connectwise')).toEqual(credentials);
      expect(await fixture.admin.listRegistered()).toEqual([
        {
          config: acme,
          accounts: { connectwise: { companyId: credentials.companyId, clientId: credentials.clientId } },
          hasCredentials: true,
        },
      ]);
    });

    it('given a registered tenant, when it is put again, then it is replaced, not duplicated, and the new credentials win', async () => {
      await fixture.admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: someCredentials('acme') });
      const changed = aTenantConfig({ id: 'acme', name: 'Acme Renamed' });
      const rotated: ConnectWiseCredentials = { ...someCredentials('acme'), privateKey: 'priv-rotated-4d2b' };

      const result = await fixture.admin.putTenant(changed, { connectwise: rotated });

      expect(result).toEqual({ created: false });
      expect(await fixture.registry.listTenants()).toEqual([changed]);
      expect(await fixture.secrets.sourceCredentials('acme', 'connectwise')).toEqual(rotated);
    });

    it('given a registered tenant, when it is disabled and enabled again, then the registry follows and other tenants are untouched', async () => {
      await fixture.admin.putTenant(aTenantConfig({ id: 'acme' }), { connectwise: someCredentials('acme') });
      await fixture.admin.putTenant(aTenantConfig({ id: 'globex' }), {
        connectwise: someCredentials('globex'),
      });

      expect(await fixture.admin.setEnabled('acme', false)).toBe(true);
      const whileDisabled = await fixture.registry.listTenants();
      expect(await fixture.admin.setEnabled('acme', true)).toBe(true);

      expect(whileDisabled.map((tenant) => [tenant.id, tenant.enabled])).toEqual([
        ['acme', false],
        ['globex', true],
      ]);
      expect((await fixture.registry.getTenant('acme'))?.enabled).toBe(true);
      expect(await fixture.registry.getTenant('acme')).toEqual(aTenantConfig({ id: 'acme' }));
    });

    it('given a tenant that is not registered, when it is disabled, then nothing is written and the result says so', async () => {
      expect(await fixture.admin.setEnabled('ghost', false)).toBe(false);

      expect(await fixture.registry.listTenants()).toEqual([]);
      expect(await fixture.admin.listRegistered()).toEqual([]);
    });

    it('given several tenants, when listed, then they come sorted by id and no credential value appears', async () => {
      for (const id of ['initech', 'acme', 'globex'])
        await fixture.admin.putTenant(aTenantConfig({ id }), { connectwise: someCredentials(id) });

      const listed = await fixture.admin.listRegistered();

      expect(listed.map((listing) => listing.config.id)).toEqual(['acme', 'globex', 'initech']);
      const text = JSON.stringify(listed);
      for (const id of ['initech', 'acme', 'globex']) {
        expect(text).not.toContain(someCredentials(id).privateKey);
        expect(text).not.toContain(someCredentials(id).publicKey);
      }
    });

    it('given a tenant id that is not a slug, when it is put, then it is rejected and nothing is written', async () => {
      const bad = aTenantConfig({ id: '../acme' });

      await expect(fixture.admin.putTenant(bad, { connectwise: someCredentials('acme') })).rejects.toThrow(
        InvalidTenantIdError,
      );

      expect(await fixture.admin.listRegistered()).toEqual([]);
    });

    it('given a tenant with one source, when another source of it is put, then both sources and their credentials are kept', async () => {
      // Prepare
      const acme = aTenantConfig({ id: 'acme' });
      await fixture.admin.putTenant(acme, { connectwise: someCredentials('acme') });
      const serviceNow = {
        instanceUrl: 'https://acme.service-now.com',
        tables: ['tickets' as const],
        requestsPerMinute: 600,
        maxConcurrentRequests: 2,
        backfillFrom: null,
        deletes: { sweepEveryHours: 24 },
        backfillSliceDays: 30,
      };

      // Act
      const result = await fixture.admin.putTenant(
        { ...acme, services: { servicenow: serviceNow } },
        { servicenow: { username: 'acme.integration', password: 'sn-SECRET-pw' } },
      );

      // Assess
      expect(result).toEqual({ created: false });
      const registered = await fixture.registry.getTenant('acme');
      expect(Object.keys(registered!.services).sort()).toEqual(['connectwise', 'servicenow']);
      expect(registered!.services.connectwise).toEqual(acme.services.connectwise);
      expect(await fixture.secrets.sourceCredentials('acme', 'connectwise')).toEqual(someCredentials('acme'));
      expect(await fixture.secrets.sourceCredentials('acme', 'servicenow')).toEqual({
        username: 'acme.integration',
        password: 'sn-SECRET-pw',
      });
      const [listing] = await fixture.admin.listRegistered();
      expect(listing!.accounts).toEqual({
        connectwise: { companyId: 'acme-company', clientId: someCredentials('acme').clientId },
        servicenow: { username: 'acme.integration' },
      });
      expect(JSON.stringify(listing)).not.toContain('sn-SECRET-pw');
    });
  });
}
