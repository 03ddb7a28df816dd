import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('given one tenant whose source refuses connections and one whose host does not resolve, when synced, then both fail naming tenant, source, table and the network cause, and the job ends', async () => {
    const simulator = await startSimulator({
      tenants: ['healthy'].map((id) => ({ ...credentialsOf(id), sizes: { companies: 30 } })),
    });
    // A port that was just free on loopback: nothing listens there.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    try {
      const document = tenantsDocument(
        ['healthy', 'refused', 'no-dns'].map((id) => ({ id, sizes: {} })),
        simulator.baseUrl,
      );
      document.tenants[1]!.services.connectwise.baseUrl = `http://127.0.0.1:${closed}/v4_6_release/apis/3.0`;
      // `.invalid` never resolves (RFC 6761), so no query leaves the machine.
      document.tenants[2]!.services.connectwise.baseUrl = 'http://avesa-test.invalid/v4_6_release/apis/3.0';
      for (const tenant of document.tenants.slice(1))
        (tenant.services.connectwise as Record<string, unknown>).tables = ['companies'];
      const dirs = temporaryDirs();

      const run = await runJob({
        tenants: parseTenantsFile(document, {}),
        lakeDir: dirs.lakeDir,
        stateDir: dirs.stateDir,
        runtime: { failedVisibilitySeconds: 0.05 },
        client: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
      });

      expect(run.progress.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['healthy', 'succeeded'],
        ['no-dns', 'failed'],
        ['refused', 'failed'],
      ]);
      const errorOf = (tenantId: string) =>
        run.progress.tenants.find((tenant) => tenant.tenantId === tenantId)!.tables[0]!.error;
      expect(errorOf('refused')).toMatchObject({ code: 'TransientServerError', retryable: true });
      expect(errorOf('refused')!.message).toMatch(
        /^tenant refused, source connectwise, table companies: request failed: connection refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/,
      );
      expect(errorOf('no-dns')!.message).toMatch(
        /^tenant no-dns, source connectwise, table companies: request failed: DNS lookup failed.*avesa-test\.invalid/,
      );
      // The planner's last delivery fails the table instead of dead-lettering the message.
      expect(run.dlq).toBe(0);
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
