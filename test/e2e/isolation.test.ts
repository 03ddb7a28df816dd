import { parseTenantsFile } from '../../shared/config/tenantsFile';
import { startSimulator } from '../../simulator';
import { credentialsOf, runJob, temporaryDirs, tenantsDocument } from './harness';

describe('tenant isolation under failure', () => {
  it('given one tenant with bad keys on a cloud host (404) and one without permission (403), when synced, then each fails with an actionable error, nothing is retried forever, and the healthy tenant completes', async () => {
    const simulator = await startSimulator({
      tenants: ['healthy', 'bad-keys', 'no-permission'].map((id) => ({
        ...credentialsOf(id),
        sizes: { companies: 30, tickets: 200 },
      })),
      cloudAuthQuirk: true,
    });
    try {
      const document = tenantsDocument(
        ['healthy', 'bad-keys', 'no-permission'].map((id) => ({ id, sizes: {} })),
        simulator.baseUrl,
      );
      document.tenants[1]!.services.connectwise.privateKey = 'not-the-key';
      document.tenants[2]!.services.connectwise.clientId = 'a-client-id-without-access';
      const dirs = temporaryDirs();

      const run = await runJob({
        tenants: parseTenantsFile(document, {}),
        lakeDir: dirs.lakeDir,
        stateDir: dirs.stateDir,
      });

      expect(run.progress.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['bad-keys', 'failed'],
        ['healthy', 'succeeded'],
        ['no-permission', 'failed'],
      ]);
      const errors = (tenantId: string) =>
        run.progress.tenants
          .find((tenant) => tenant.tenantId === tenantId)!
          .tables.map((table) => table.error);
      for (const error of errors('bad-keys')) {
        expect(error).toMatchObject({ code: 'AuthenticationFailed', retryable: false });
        expect(error!.message).toMatch(
          /^tenant bad-keys, source connectwise, table \w+: ConnectWise rejected the credentials \(404\): check companyId, publicKey and privateKey/,
        );
      }
      for (const error of errors('no-permission')) {
        expect(error).toMatchObject({ code: 'PermissionDenied', retryable: false });
        expect(error!.message).toMatch(
          /^tenant no-permission, source connectwise, table \w+: ConnectWise denied access \(403\).*security role/,
        );
      }
      expect(run.dlq).toBe(0);
      // One planning call per table (4 each), never retried: permanent errors are not redelivered.
      expect(simulator.requests('bad-keys').length + simulator.requests('no-permission').length).toBe(8);
      expect(run.progress.tenants.find((tenant) => tenant.tenantId === 'healthy')!.records).toBe(230);
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
