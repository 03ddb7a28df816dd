import type { Context, SQSEvent } from 'aws-lambda';
import { CONSUMER_SERVICES, QUEUE_SETTINGS, type ConsumerService } from '../shared/events/routing';
import type { Log } from '../shared/ports';
import { recordFailureReason, type SqsHandler } from '../shared/runtime/sqsConsumer';
import type { LocalQueue } from './adapters/localQueue';

export interface RuntimeSettings {
  /** Each invocation's deadline, as a Lambda timeout: the context reports the time left against it. */
  invocationTimeoutMs: Record<ConsumerService, number>;
  /** Parallel invocations per consumer. */
  concurrency: Record<ConsumerService, number>;
  /** How long a failed record stays invisible before it is delivered again. */
  failedVisibilitySeconds: number;
  /**
   * Background consumers: one takes a message only while none of the listed queues has one waiting. On one machine
   * every consumer shares the same CPU, so the backfill lane yields to the scheduled syncs' planning and fetching
   * instead of competing with them (in AWS the lanes are functions of their own and need no such rule).
   */
  yieldsTo?: Partial<Record<ConsumerService, readonly ConsumerService[]>>;
}

export interface RuntimeStats {
  invocations: Record<ConsumerService, number>;
  failedRecords: Record<ConsumerService, number>;
  /** Invocations that ran past their deadline (a Lambda would have been killed). Must stay 0. */
  overruns: Array<{ service: ConsumerService; elapsedMs: number; timeoutMs: number }>;
}

/**
 * Runs the Lambda handlers in-process against local queues, with the delivery semantics of SQS event
 * sources: batches, per-consumer concurrency, a deadline per invocation, partial batch failures returned
 * to the queue after a visibility delay, and redrive to the DLQ after maxReceiveCount.
 */
export class LocalRuntime {
  readonly stats: RuntimeStats = {
    invocations: zeroes(),
    failedRecords: zeroes(),
    overruns: [],
  };
  private busy = 0;
  private stopped = false;

  /** The consumers with a handler; the others' queues are never read (the bus routes nothing to them). */
  private readonly served: readonly ConsumerService[];

  constructor(
    private readonly queues: Record<ConsumerService, LocalQueue>,
    private readonly handlers: Partial<Record<ConsumerService, SqsHandler>>,
    private readonly settings: RuntimeSettings,
    private readonly log: Log,
  ) {
    this.served = CONSUMER_SERVICES.filter((service) => handlers[service] !== undefined);
  }

  /** Processes messages until every queue is empty and nothing is in flight or delayed. */
  async runUntilIdle(): Promise<void> {
    this.stopped = false;
    const workers: Promise<void>[] = [];
    for (const service of this.served) {
      for (let worker = 0; worker < this.settings.concurrency[service]; worker++)
        workers.push(this.work(service));
    }
    await Promise.all(workers);
  }

  stop(): void {
    this.stopped = true;
  }

  isIdle(): boolean {
    return (
      this.busy === 0 && this.served.every((service) => this.queues[service].nextVisibleAt() === undefined)
    );
  }

  private async work(service: ConsumerService): Promise<void> {
    const queue = this.queues[service];
    const yieldsTo = (this.settings.yieldsTo?.[service] ?? []).filter((other) => this.served.includes(other));
    while (!this.stopped) {
      queue.expireVisibility();
      const foreground = yieldsTo.find((other) => this.queues[other].hasVisible());
      if (foreground !== undefined) {
        await this.queues[foreground].waitForChange(50);
        continue;
      }
      const messages = queue.receive(QUEUE_SETTINGS[service].batchSize);
      if (messages.length === 0) {
        if (this.isIdle()) return;
        const next = queue.nextVisibleAt();
        const wait = next === undefined ? 50 : Math.min(50, Math.max(1, next - Date.now()));
        await queue.waitForChange(wait);
        continue;
      }
      this.busy++;
      try {
        await this.invoke(service, messages);
      } finally {
        this.busy--;
      }
    }
  }

  private async invoke(service: ConsumerService, messages: ReturnType<LocalQueue['receive']>): Promise<void> {
    const queue = this.queues[service];
    const timeoutMs = this.settings.invocationTimeoutMs[service];
    const started = Date.now();
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.messageId,
        receiptHandle: message.receipt!,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(started),
          ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${service}`,
        awsRegion: 'local',
      })),
    };
    const context = lambdaContext(service, started, timeoutMs);
    this.stats.invocations[service]++;
    // Failed records by messageId, with why: the error is kept on the message, so a DLQ shows it.
    let failed: Map<string, string>;
    try {
      const response = await this.handlers[service]!(event, context);
      failed = new Map(
        response.batchItemFailures.map((failure) => [
          failure.itemIdentifier,
          recordFailureReason(failure) ?? 'reported as a batch item failure',
        ]),
      );
    } catch (error) {
      this.log.error('invocation failed', { service, error: (error as Error).message });
      failed = new Map(
        messages.map((message) => [message.messageId, `invocation failed: ${(error as Error).message}`]),
      );
    }
    const elapsedMs = Date.now() - started;
    if (elapsedMs > timeoutMs) {
      // Lambda would have killed this invocation: nothing it did counts as acknowledged.
      this.stats.overruns.push({ service, elapsedMs, timeoutMs });
      failed = new Map(
        messages.map((message) => [
          message.messageId,
          `invocation ran past its deadline (${elapsedMs} ms > ${timeoutMs} ms)`,
        ]),
      );
    }
    for (const message of messages) {
      const reason = failed.get(message.messageId);
      if (reason !== undefined) {
        this.stats.failedRecords[service]++;
        queue.release(message.receipt!, this.settings.failedVisibilitySeconds, reason);
      } else {
        queue.delete(message.receipt!);
      }
    }
  }
}

function zeroes(): Record<ConsumerService, number> {
  return Object.fromEntries(CONSUMER_SERVICES.map((service) => [service, 0])) as Record<
    ConsumerService,
    number
  >;
}

function lambdaContext(service: string, started: number, timeoutMs: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `avesa-local-${service}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:avesa-local-${service}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${started}-${Math.random().toString(36).slice(2, 10)}`,
    logGroupName: `/aws/lambda/avesa-local-${service}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
