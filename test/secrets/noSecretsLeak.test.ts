import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalPipeline } from '../../local/pipeline';
import { FileLog } from '../../local/adapters/fileLog';
import { parseTenantsFile } from '../../shared/config/tenantsFile';
import type { AnyEvent } from '../../shared/events/schemas';
import { startSimulator } from '../../simulator';
import { temporaryDirs } from '../e2e/harness';

const secretsOf = (tenant: string) => ({
  companyId: `${tenant.toUpperCase()}-COMPANY-S3CRET`,
  publicKey: `${tenant.toUpperCase()}-PUBLIC-S3CRET`,
  privateKey: `${tenant.toUpperCase()}-PRIVATE-S3CRET`,
  clientId: `${tenant.toUpperCase()}-CLIENT-S3CRET`,
});

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets', () => {
  it('given tenants whose credentials are used, rejected and rate-limited, when a job runs, then no credential appears in logs, metrics, events, errors, state or the lake', async () => {
    const simulator = await startSimulator({
      tenants: [
        { ...secretsOf('good'), sizes: { companies: 50, tickets: 300 } },
        { ...secretsOf('denied'), sizes: { companies: 10 } },
      ],
      faults: { seed: 3, rate429: 0.2, retryAfterSeconds: 1, rate500Timeout: 0.1 },
    });
    const dirs = temporaryDirs();
    const tenant = (id: string, credentials: ReturnType<typeof secretsOf>) => ({
      id,
      services: {
        connectwise: { baseUrl: simulator.baseUrl, ...credentials, tables: ['companies', 'tickets'] },
      },
    });
    const pipeline = new LocalPipeline({
      // The denied tenant's private key comes from the environment and is wrong.
      tenants: parseTenantsFile(
        {
          tenants: [
            tenant('good', secretsOf('good')),
            tenant('denied', { ...secretsOf('denied'), privateKey: { env: 'DENIED_KEY' } } as never),
          ],
        },
        { DENIED_KEY: 'WRONG-PRIVATE-S3CRET' },
      ),
      lakeDir: dirs.lakeDir,
      stateDir: dirs.stateDir,
      log: new FileLog(join(dirs.stateDir, 'logs', 'pipeline.jsonl')),
      client: { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } },
    });
    const events: AnyEvent[] = [];
    pipeline.bus.observe((event) => events.push(event));
    try {
      const { jobId } = await pipeline.startJob();
      await pipeline.runUntilIdle();
      const progress = (await pipeline.progress(jobId))!;
      expect(progress.tenants.map((entry) => [entry.tenantId, entry.status])).toEqual([
        ['denied', 'failed'],
        ['good', 'succeeded'],
      ]);

      const needles = [
        ...Object.values(secretsOf('good')),
        ...Object.values(secretsOf('denied')),
        'WRONG-PRIVATE-S3CRET',
        Buffer.from(
          `${secretsOf('good').companyId}+${secretsOf('good').publicKey}:${secretsOf('good').privateKey}`,
        ).toString('base64'),
      ];
      const haystacks: Array<[string, string]> = [
        ['events', JSON.stringify(events)],
        ['progress', JSON.stringify(progress)],
        ...[...filesUnder(dirs.stateDir), ...filesUnder(dirs.lakeDir)].map((path): [string, string] => [
          path,
          readFileSync(path).toString('latin1'),
        ]),
      ];
      expect(haystacks.length).toBeGreaterThan(10);
      expect(haystacks.find(([, text]) => text.includes('rejected the credentials'))).toBeDefined();
      const leaks = haystacks.flatMap(([where, text]) =>
        needles.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${where}`),
      );
      expect(leaks).toEqual([]);
    } finally {
      pipeline.close();
      await simulator.stop();
    }
  }, 120_000);
});
