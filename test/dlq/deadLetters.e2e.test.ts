import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalQueue } from '../../local/adapters/localQueue';
import { main, type CliIo } from '../../local/cli/main';
import { QUEUE_SETTINGS, type ConsumerService } from '../../shared/events/routing';
import type { SqsHandler } from '../../shared/runtime/sqsConsumer';
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

/** The transform DLQ's log, opened as the pipeline opens it (only while no pipeline holds the state). */
function transformDeadLetterQueue(stateDir: string): LocalQueue {
  return new LocalQueue({
    name: 'transform-dlq',
    maxReceiveCount: QUEUE_SETTINGS.transform.maxReceiveCount,
    visibilityTimeoutMs: 1000,
    logPath: join(stateDir, 'queues', 'transform-dlq.log'),
  });
}

/**
 * The transform of broken's companies chunk fails on every delivery, as a bug or an outage of the lake would
 * make it (a source that cannot be reached fails its tables instead: that is not a dead letter).
 */
const failBrokenCompanies = (service: ConsumerService, handler: SqsHandler): SqsHandler =>
  service !== 'transform'
    ? handler
    : async (event, context) => {
        for (const record of event.Records) {
          const body = JSON.parse(record.body) as { tenantId: string; type: string; data: { table: string } };
          if (body.tenantId === 'broken' && body.type === 'ChunkFetched' && body.data.table === 'companies')
            throw new Error('simulated lake outage: PutObject answered 503 SlowDown');
        }
        return handler(event, context);
      };

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
    // Given: the transform of one of broken's chunks fails on every delivery of the first run.
    const { simulator, tenants } = await startFleet(FLEET);
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
        wrapHandler: failBrokenCompanies,
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
        queue: 'transform',
        tenantId: 'broken',
        type: 'ChunkFetched',
        jobId: first.jobId,
        receiveCount: QUEUE_SETTINGS.transform.maxReceiveCount,
      });
      expect(letters[0]!.lastError).toMatch(/simulated lake outage/);
      expect(letters[0]!.lastError).toMatch(/503/);
      const asText = await avesa(['dlq', 'list', '--state', dirs.stateDir]);
      expect(asText.io.text()).toContain('transform-dlq: 1 message(s)');
      expect(asText.io.text()).toMatch(/tenant broken +ChunkFetched/);
      expect(asText.io.text()).toContain(`last error: ${letters[0]!.lastError}`);

      const deadLetter = transformDeadLetterQueue(dirs.stateDir);
      const poisonBody = deadLetter.peekAll()[0]!.body;
      deadLetter.close();

      // When the cause is fixed, the message is replayed and `avesa run` resumes the job.
      const replayed = await avesa(['dlq', 'replay', '--state', dirs.stateDir]);
      expect(replayed.code).toBe(0);
      expect(replayed.io.text()).toContain('transform-dlq → transform: 1 message(s) moved');
      expect((await avesa(['dlq', 'list', '--state', dirs.stateDir])).io.text()).toMatch(/^no dead letters/);
      const resumed = await avesa(run);

      // Then the same job completes, and the broken tenant's records are in the lake once each.
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.io.text()) as RunSummary;
      expect(summary.jobId).toBe(first.jobId);
      expect(summary.status).toBe('succeeded');
      expect(summary.dlq).toEqual({
        'chunk-planner': 0,
        fetcher: 0,
        transform: 0,
        progress: 0,
        'analytics-loader': 0,
        'backfill-fetcher': 0,
      });
      const brokenRecords = 40 + 350;
      expect(summary.tenants.find((tenant) => tenant.tenantId === 'broken')!.records).toBe(brokenRecords);
      const rows = await readLake(dirs.lakeDir);
      expect(lakeIds(rows)).toEqual(sourceIds(simulator, FLEET));
      expect(rows).toHaveLength(60 + 400 + brokenRecords);
      const apiCallsOfBroken = simulator.requests('broken').length;

      // When replayed again (nothing left), and when a duplicate of the handled message is replayed and resumed,
      const again = await avesa(['dlq', 'replay', '--state', dirs.stateDir]);
      expect(again.io.text()).toMatch(/^no dead letters to replay/);
      const duplicate = transformDeadLetterQueue(dirs.stateDir);
      duplicate.send(poisonBody, { groupId: 'broken' });
      duplicate.close();
      expect((await avesa(['dlq', 'replay', '--state', dirs.stateDir])).code).toBe(0);
      const afterDuplicate = await avesa(run);

      // then nothing changes: the event id was handled, so it is acknowledged without running again.
      expect(afterDuplicate.code).toBe(0);
      const summaryAfter = JSON.parse(afterDuplicate.io.text()) as RunSummary;
      expect(summaryAfter.jobId).toBe(first.jobId);
      expect(summaryAfter.invocations.transform).toBe(1);
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
