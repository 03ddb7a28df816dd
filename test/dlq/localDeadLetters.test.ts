import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalQueue } from '../../local/adapters/localQueue';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { LocalRuntime } from '../../local/runtime';
import { TransientServerError } from '../../shared/errors';
import { CONSUMER_SERVICES, type ConsumerService } from '../../shared/events/routing';
import { silentLog } from '../../shared/ports';
import { sqsConsumer, type SqsHandler } from '../../shared/runtime/sqsConsumer';
import { aChunkPlannedEvent } from '../contracts/eventFactories';

function queuesIn(dir: string, maxReceiveCount = 2) {
  const deadLetter = new LocalQueue({
    name: 'fetcher-dlq',
    maxReceiveCount: 99,
    visibilityTimeoutMs: 1000,
    logPath: join(dir, 'fetcher-dlq.log'),
  });
  const source = new LocalQueue({
    name: 'fetcher',
    maxReceiveCount,
    visibilityTimeoutMs: 1000,
    deadLetterQueue: deadLetter,
    logPath: join(dir, 'fetcher.log'),
  });
  return { source, deadLetter, close: () => [source, deadLetter].forEach((queue) => queue.close()) };
}

/** Runs one handler as the fetcher until idle; the other consumers have nothing to do. */
async function runAsFetcher(source: LocalQueue, handler: SqsHandler) {
  const idle: SqsHandler = async () => ({ batchItemFailures: [] });
  const empty = (name: string) => new LocalQueue({ name, maxReceiveCount: 1, visibilityTimeoutMs: 1000 });
  const queues = Object.fromEntries(
    CONSUMER_SERVICES.map((service) => [service, service === 'fetcher' ? source : empty(service)]),
  ) as Record<ConsumerService, LocalQueue>;
  const runtime = new LocalRuntime(
    queues,
    { 'chunk-planner': idle, fetcher: handler, transform: idle, progress: idle },
    {
      invocationTimeoutMs: {
        'chunk-planner': 5000,
        fetcher: 5000,
        'backfill-fetcher': 5000,
        transform: 5000,
        progress: 5000,
        'analytics-loader': 5000,
      },
      concurrency: {
        'chunk-planner': 1,
        fetcher: 1,
        'backfill-fetcher': 1,
        transform: 1,
        progress: 1,
        'analytics-loader': 1,
      },
      failedVisibilitySeconds: 0,
    },
    silentLog,
  );
  await runtime.runUntilIdle();
}

describe('dead letters of the local runtime', () => {
  it('given a consumer whose record keeps failing, when run, then the message reaches the DLQ with the error of its last delivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avesa-dlq-'));
    const { source, deadLetter, close } = queuesIn(dir);
    const state = new LocalStateStore(join(dir, 'state.log'));
    let attempts = 0;
    const handler = sqsConsumer({
      service: 'fetcher',
      accepts: ['ChunkPlanned'],
      log: silentLog,
      idempotencyStore: state,
      handle: async () => {
        attempts++;
        throw new TransientServerError(`the lake is unreachable (attempt ${attempts})`);
      },
    });
    source.send(JSON.stringify(aChunkPlannedEvent()), { groupId: 'acme' });

    await runAsFetcher(source, handler);

    expect(attempts).toBe(2);
    expect(source.peekAll()).toEqual([]);
    expect(deadLetter.peekAll()).toEqual([
      expect.objectContaining({
        receiveCount: 2,
        lastError: 'TransientServerError: the lake is unreachable (attempt 2)',
      }),
    ]);
    close();
    state.close();
  });

  it('given a message that does not parse, or an invocation that throws, when run, then the DLQ message says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avesa-dlq-'));
    const { source, deadLetter, close } = queuesIn(dir, 1);
    const state = new LocalStateStore(join(dir, 'state.log'));
    source.send('{"type":"ChunkPlanned"}');
    await runAsFetcher(
      source,
      sqsConsumer({
        service: 'fetcher',
        accepts: ['ChunkPlanned'],
        log: silentLog,
        idempotencyStore: state,
        handle: async () => undefined,
      }),
    );
    source.send('anything');
    await runAsFetcher(source, async () => {
      throw new Error('out of memory');
    });

    const errors = deadLetter.peekAll().map((message) => message.lastError);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^message does not parse: .*tenantId/);
    expect(errors[1]).toBe('invocation failed: out of memory');
    close();
    state.close();
  });

  it('given dead letters, when redriven to the source queue, then they are receivable again with a fresh count and no error, durably', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avesa-dlq-'));
    const first = queuesIn(dir, 1);
    first.source.send('poison', { groupId: 'acme' });
    const [received] = first.source.receive(1);
    first.source.release(received!.receipt!, 0, 'boom');
    expect(first.source.receive(1)).toEqual([]);
    const sentAt = first.deadLetter.peekAll()[0]!.sentAt;

    const moved = first.deadLetter.redriveTo(first.source);
    first.close();

    expect(moved.map((message) => [message.body, message.lastError])).toEqual([['poison', 'boom']]);
    const reopened = queuesIn(dir, 1);
    expect(reopened.deadLetter.peekAll()).toEqual([]);
    expect(reopened.source.peekAll()).toEqual([
      expect.objectContaining({ body: 'poison', groupId: 'acme', receiveCount: 0, lastError: null, sentAt }),
    ]);
    expect(reopened.source.receive(1).map((message) => message.body)).toEqual(['poison']);
    expect(reopened.deadLetter.redriveTo(reopened.source)).toEqual([]);
    reopened.close();
  });
});
