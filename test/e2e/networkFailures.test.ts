import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSimulator } from '../../simulator';
import { credentialsOf, runAvesa, temporaryDirs, tenantsDocument } from './harness';

const TLS = join(__dirname, '..', 'fixtures', 'tls');

/** A loopback port that was free a moment ago: nothing listens there. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createHttpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** An HTTPS server on loopback whose certificate no client trusts (self-signed, test fixture). */
function untrustedHttps(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createHttpsServer(
      { key: readFileSync(join(TLS, 'self-signed.key')), cert: readFileSync(join(TLS, 'self-signed.crt')) },
      (_request, response) => response.end('[]'),
    );
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

interface Summary {
  status: string;
  tenants: Array<{
    tenantId: string;
    status: string;
    tables: Array<{ source: string; table: string; status: string; errors: Array<{ message: string }> }>;
  }>;
}

describe('network failures reach the operator with their cause', () => {
  it('given sources that refuse connections, do not resolve and present an untrusted certificate, when avesa run ends, then --json and avesa status name tenant, source, table and each cause, and the healthy tenant completes', async () => {
    // Prepare
    const simulator = await startSimulator({
      tenants: [{ ...credentialsOf('healthy'), sizes: { companies: 20 } }],
    });
    const https = await untrustedHttps();
    const port = await closedPort();
    const dirs = temporaryDirs();
    try {
      const document = tenantsDocument(
        ['healthy', 'refused', 'no-dns', 'bad-tls'].map((id) => ({ id, sizes: {} })),
        simulator.baseUrl,
      );
      const baseUrls: Record<string, string> = {
        refused: `http://127.0.0.1:${port}/v4_6_release/apis/3.0`,
        // `.invalid` never resolves (RFC 6761): no query leaves the machine.
        'no-dns': 'http://avesa-test.invalid/v4_6_release/apis/3.0',
        'bad-tls': `https://127.0.0.1:${(https.address() as AddressInfo).port}/v4_6_release/apis/3.0`,
      };
      for (const tenant of document.tenants) {
        const service = tenant.services.connectwise as Record<string, unknown>;
        service.tables = ['companies'];
        if (baseUrls[tenant.id]) service.baseUrl = baseUrls[tenant.id];
      }
      const tenantsFile = join(dirs.root, 'tenants.json');
      writeFileSync(tenantsFile, JSON.stringify(document));

      // Act
      const run = await runAvesa([
        'run',
        '--tenants',
        tenantsFile,
        '--lake',
        dirs.lakeDir,
        '--state',
        dirs.stateDir,
        '--json',
      ]);
      const status = await runAvesa(['status', '--state', dirs.stateDir]);

      // Assess
      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout) as Summary;
      expect(summary.tenants.map((tenant) => [tenant.tenantId, tenant.status])).toEqual([
        ['bad-tls', 'failed'],
        ['healthy', 'succeeded'],
        ['no-dns', 'failed'],
        ['refused', 'failed'],
      ]);
      const causes: Record<string, RegExp> = {
        refused: /request failed: connection refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/,
        'no-dns': /request failed: DNS lookup failed/,
        'bad-tls': /request failed: TLS error: self-signed certificate/,
      };
      for (const [tenantId, cause] of Object.entries(causes)) {
        const [table] = summary.tenants.find((tenant) => tenant.tenantId === tenantId)!.tables;
        expect(table).toMatchObject({ source: 'connectwise', table: 'companies', status: 'failed' });
        expect(table!.errors[0]!.message).toMatch(
          new RegExp(`^tenant ${tenantId}, source connectwise, table companies: ${cause.source}`),
        );
      }
      expect(status.code).toBe(0);
      const text = status.stdout.replace(/\n {2}/g, ' ');
      for (const [tenantId, cause] of Object.entries(causes))
        expect(text).toMatch(
          new RegExp(`${tenantId} / connectwise / companies: TransientServerError: .*${cause.source}`),
        );
    } finally {
      https.close();
      await simulator.stop();
    }
  }, 120_000);
});
