import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AnyEvent } from '../../events/schemas';
import type { WorkQueue } from '../../ports';

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html: 0 to 900 seconds. */
export const MAX_DELAY_SECONDS = 900;

export interface SqsWorkQueueOptions {
  queueUrl: string;
  /** Defaults to one client per cold start, shared by every instance. */
  client?: SQSClient;
}

let defaultClient: SQSClient | undefined;

/** Sends events to one SQS queue: a standard queue used as a fair queue, grouped by tenant. */
export class SqsWorkQueue implements WorkQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: SqsWorkQueueOptions) {
    this.client = options.client ?? (defaultClient ??= new SQSClient({}));
    this.queueUrl = options.queueUrl;
  }

  /**
   * Sends the event as its JSON envelope. A delay is rounded up to whole seconds (a retry must not
   * come back early) and clamped to what SQS accepts.
   */
  async send(event: AnyEvent, options?: { delaySeconds?: number }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        DelaySeconds: clampDelaySeconds(options?.delaySeconds),
        // A standard queue with MessageGroupId is a fair queue: one noisy tenant cannot starve the others'
        // dwell time. No MessageDeduplicationId, which only FIFO queues accept.
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html
        MessageGroupId: event.tenantId,
      }),
    );
  }
}

/** Whole seconds in 0..900; NaN and negative delays mean "now", anything beyond the limit waits the limit. */
export function clampDelaySeconds(delaySeconds: number | undefined): number {
  const seconds = Math.ceil(delaySeconds ?? 0);
  if (!(seconds > 0)) return 0;
  return Math.min(MAX_DELAY_SECONDS, seconds);
}
