import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalQueue } from '../../local/adapters/localQueue';
import { main, type CliIo } from '../../local/cli/main';
import { QUEUE_SETTINGS } from '../../shared/events/routing';
import {
  lakeContents,
  lakeIds,
  readLake,
  runJob,
  sourceIds,
  startFleet,
  temporaryDirs,
  tenantsDocument,
  type FleetTenant,
} from '../e2e/harness';

const FLEET: FleetTenant[] = [
  { id: 'acme', sizes: { companies: 60, tickets: 400 } },
  { id: 'broken', sizes: { companies: 40, tickets: 350 } },
];
const planner = { targetChunkRecords: 100, overlapSeconds: 0 };
/** Client retries cost milliseconds, and a failed record is redelivered at once. */
const client = { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };
const runtime = { failedVisibilitySeconds: 0 };

/** A CliIo that keeps what the command printed. */
function fakeIo(): CliIo & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    isTty: false,
    env: {},
    text: () => lines.join('\n'),
  };
}

async function avesa(args: string[]) {
  const io = fakeIo();
  const code = await main(args, io);
  return { code, io };
}

/** The chunk-planner DLQ's log, opened as the pipeline opens it (only while no pipeline holds the state). */
function plannerDeadLetterQueue(stateDir: string): LocalQueue {
  return new LocalQueue({
    name: 'chunk-planner-dlq',
    maxReceiveCount: QUEUE_SETTINGS['chunk-planner'].maxReceiveCount,
    visibilityTimeoutMs: 1000,
    logPath: join(stateDir, 'queues', 'chunk-planner-dlq.log'),
  });
}

interface ListedLetter {
  messageId: string;
  queue: string;
  tenantId: string;
  type: string;
  eventId: string;
  jobId: string;
  receiveCount: number;
  firstSentAt: string;
  lastError: string | null;
}

interface RunSummary {
  jobId: string;
  invocations: Record<string, number>;
  status: string;
  dlq: Record<string, number>;
  tenants: Array<{ tenantId: string; status: string; records: number }>;
}

describe('dead letters on the embedded runtime', () => {
  it('given a tenant whose API fails until fixed, when its message is dead-lettered, listed, fixed, replayed and resumed, then its effect is applied exactly once', async () => {
    // Given: every request of "broken" answers 503, so planning it fails on every delivery.
    const { simulator, tenants } = await startFleet(FLEET, {
      faults: { rate503: 1, onlyCompanyIds: ['broken'] },
    });
    const dirs = temporaryDirs();
    const tenantsFile = join(dirs.root, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify(tenantsDocument(FLEET, simulator.baseUrl)));
    const run = ['run', '--tenants', tenantsFile, '--state', dirs.stateDir, '--lake', dirs.lakeDir, '--json'];
    try {
      const first = await runJob({
        tenants,
        lakeDir: dirs.lakeDir,
        stateDir: dirs.stateDir,
        planner,
        client,
        runtime,
      });
      expect(first.progress.tenants.find((tenant) => tenant.tenantId === 'acme')!.status).toBe('succeeded');
      expect(first.progress.tenants.find((tenant) => tenant.tenantId === 'broken')!.status).not.toBe(
        'succeeded',
      );
      expect(first.dlq).toBe(1);

      // When listed: the poison message is there with its tenant, type and the error of its last delivery.
      const listed = await avesa(['dlq', 'list', '--state', dirs.stateDir, '--json']);
      expect(listed.code).toBe(0);
      const letters = (JSON.parse(listed.io.text()) as { messages: ListedLetter[] }).messages;
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        queue: 'chunk-planner',
        tenantId: 'broken',
        type: 'TenantDiscovered',
        jobId: first.jobId,
        receiveCount: QUEUE_SETTINGS['chunk-planner'].maxReceiveCount,
      });
      expect(letters[0]!.lastError).toMatch(/TransientServerError/);
      expect(letters[0]!.lastError).toMatch(/503/);
      const asText = await avesa(['dlq', 'list', '--state', dirs.stateDir]);
      expect(asText.io.text()).toContain('chunk-planner-dlq: 1 message(s)');
      expect(asText.io.text()).toMatch(/tenant broken +TenantDiscovered/);
      expect(asText.io.text()).toContain(`last error: ${letters[0]!.lastError}`);

      const deadLetter = plannerDeadLetterQueue(dirs.stateDir);
      const poisonBody = deadLetter.peekAll()[0]!.body;
      deadLetter.close();

      // When the cause is fixed, the message is replayed and `avesa run` resumes the job.
      simulator.setFaults(undefined);
      const replayed = await avesa(['dlq', 'replay', '--state', dirs.stateDir]);
      expect(replayed.code).toBe(0);
      expect(replayed.io.text()).toContain('chunk-planner-dlq → chunk-planner: 1 message(s) moved');
      expect((await avesa(['dlq', 'list', '--state', dirs.stateDir])).io.text()).toMatch(/^no dead letters/);
      const resumed = await avesa(run);

      // Then the same job completes, and the broken tenant's records are in the lake once each.
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.io.text()) as RunSummary;
      expect(summary.jobId).toBe(first.jobId);
      expect(summary.status).toBe('succeeded');
      expect(summary.dlq).toEqual({ 'chunk-planner': 0, fetcher: 0, transform: 0, progress: 0 });
      const brokenRecords = 40 + 350;
      expect(summary.tenants.find((tenant) => tenant.tenantId === 'broken')!.records).toBe(brokenRecords);
      const rows = await readLake(dirs.lakeDir);
      expect(lakeIds(rows)).toEqual(sourceIds(simulator, FLEET));
      expect(rows).toHaveLength(60 + 400 + brokenRecords);
      const apiCallsOfBroken = simulator.requests('broken').length;

      // When replayed again (nothing left), and when a duplicate of the handled message is replayed and resumed,
      const again = await avesa(['dlq', 'replay', '--state', dirs.stateDir]);
      expect(again.io.text()).toMatch(/^no dead letters to replay/);
      const duplicate = plannerDeadLetterQueue(dirs.stateDir);
      duplicate.send(poisonBody, { groupId: 'broken' });
      duplicate.close();
      expect((await avesa(['dlq', 'replay', '--state', dirs.stateDir])).code).toBe(0);
      const afterDuplicate = await avesa(run);

      // then nothing changes: the event id was handled, so it is acknowledged without running again.
      expect(afterDuplicate.code).toBe(0);
      const summaryAfter = JSON.parse(afterDuplicate.io.text()) as RunSummary;
      expect(summaryAfter.jobId).toBe(first.jobId);
      expect(summaryAfter.invocations['chunk-planner']).toBe(1);
      expect(summaryAfter.tenants).toEqual(summary.tenants);
      expect(simulator.requests('broken')).toHaveLength(apiCallsOfBroken);
      const rowsAfter = await readLake(dirs.lakeDir);
      expect(rowsAfter).toHaveLength(rows.length);
      expect(lakeContents(rowsAfter)).toEqual(lakeContents(rows));
    } finally {
      await simulator.stop();
    }
  }, 180_000);
});
