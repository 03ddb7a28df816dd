import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LocalQueue } from '../../local/adapters/localQueue';
import { LocalRuntime, type RuntimeSettings } from '../../local/runtime';
import { CONSUMER_SERVICES, type ConsumerService } from '../../shared/events/routing';
import { silentLog } from '../../shared/ports';
import type { SqsHandler } from '../../shared/runtime/sqsConsumer';

function setup(
  handlers: Partial<Record<ConsumerService, SqsHandler>>,
  settings: Partial<RuntimeSettings> = {},
) {
  const dlqs = Object.fromEntries(
    CONSUMER_SERVICES.map((service) => [
      service,
      new LocalQueue({ name: `${service}-dlq`, maxReceiveCount: 99, visibilityTimeoutMs: 1000 }),
    ]),
  );
  const queues = Object.fromEntries(
    CONSUMER_SERVICES.map((service) => [
      service,
      new LocalQueue({
        name: service,
        maxReceiveCount: 3,
        visibilityTimeoutMs: 5000,
        deadLetterQueue: dlqs[service]!,
      }),
    ]),
  ) as Record<ConsumerService, LocalQueue>;
  const idle: SqsHandler = async () => ({ batchItemFailures: [] });
  const runtime = new LocalRuntime(
    queues,
    { 'chunk-planner': idle, fetcher: idle, transform: idle, progress: idle, ...handlers },
    {
      invocationTimeoutMs: {
        'chunk-planner': 1000,
        fetcher: 1000,
        'backfill-fetcher': 1000,
        transform: 1000,
        progress: 1000,
        'analytics-loader': 1000,
      },
      concurrency: {
        'chunk-planner': 1,
        fetcher: 2,
        'backfill-fetcher': 1,
        transform: 1,
        progress: 1,
        'analytics-loader': 1,
      },
      failedVisibilitySeconds: 0,
      ...settings,
    },
    silentLog,
  );
  return { runtime, queues, dlqs };
}

describe('LocalRuntime', () => {
  it('given a background consumer that yields to the fetcher, when both queues hold messages, then it starts only once the fetcher has nothing waiting', async () => {
    const order: string[] = [];
    const record =
      (service: string): SqsHandler =>
      async (event) => {
        for (const message of event.Records) order.push(`${service}:${message.body}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { batchItemFailures: [] };
      };
    const { runtime, queues } = setup(
      { fetcher: record('fetcher'), 'backfill-fetcher': record('backfill') },
      { yieldsTo: { 'backfill-fetcher': ['fetcher'] } },
    );
    for (const body of ['b1', 'b2']) queues['backfill-fetcher'].send(body);
    for (const body of ['f1', 'f2', 'f3', 'f4']) queues.fetcher.send(body);

    await runtime.runUntilIdle();

    expect(order.slice(0, 4).sort()).toEqual(['fetcher:f1', 'fetcher:f2', 'fetcher:f3', 'fetcher:f4']);
    expect(order.slice(4)).toEqual(['backfill:b1', 'backfill:b2']);
  });

  it('given a record that always fails, when run, then it is delivered maxReceiveCount times and lands in the DLQ while the rest succeed', async () => {
    const deliveries = new Map<string, number>();
    const { runtime, queues, dlqs } = setup({
      progress: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        for (const record of event.Records)
          deliveries.set(record.body, (deliveries.get(record.body) ?? 0) + 1);
        return {
          batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({
            itemIdentifier: record.messageId,
          })),
        };
      },
    });
    queues.progress.send('poison');
    queues.progress.send('good-1');
    queues.progress.send('good-2');

    await runtime.runUntilIdle();

    expect(deliveries).toEqual(
      new Map([
        ['poison', 3],
        ['good-1', 1],
        ['good-2', 1],
      ]),
    );
    expect(dlqs.progress!.peekAll().map((message) => message.body)).toEqual(['poison']);
    expect(runtime.stats.failedRecords.progress).toBe(3);
  });

  it('given a handler that runs past its deadline, when run, then the overrun is recorded and the batch is delivered again', async () => {
    let calls = 0;
    const { runtime, queues } = setup(
      {
        fetcher: async () => {
          calls++;
          if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 80));
          return { batchItemFailures: [] };
        },
      },
      {
        invocationTimeoutMs: {
          'chunk-planner': 1000,
          fetcher: 50,
          'backfill-fetcher': 50,
          transform: 1000,
          progress: 1000,
          'analytics-loader': 1000,
        },
      },
    );
    queues.fetcher.send('slow');

    await runtime.runUntilIdle();

    expect(calls).toBe(2);
    expect(runtime.stats.overruns).toEqual([expect.objectContaining({ service: 'fetcher', timeoutMs: 50 })]);
  });

  it('given a delayed message, when run, then the runtime waits for it instead of stopping early', async () => {
    const seen: number[] = [];
    const { runtime, queues } = setup({
      progress: async () => {
        seen.push(Date.now());
        return { batchItemFailures: [] };
      },
    });
    const sentAt = Date.now();
    queues.progress.send('later', { delaySeconds: 1 });

    await runtime.runUntilIdle();

    expect(seen).toHaveLength(1);
    expect(seen[0]! - sentAt).toBeGreaterThanOrEqual(1000);
  });

  it('given the context, when a handler asks for the time left, then it counts down from the invocation timeout', async () => {
    let remaining = 0;
    const { runtime, queues } = setup({
      'chunk-planner': async (_event, context) => {
        remaining = context.getRemainingTimeInMillis();
        return { batchItemFailures: [] };
      },
    });
    queues['chunk-planner'].send('x');
    await runtime.runUntilIdle();
    expect(remaining).toBeGreaterThan(900);
    expect(remaining).toBeLessThanOrEqual(1000);
  });
});
