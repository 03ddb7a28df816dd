import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { CONSUMER_SERVICES, type ConsumerService } from '../../events/routing';

/** One message of a dead-letter queue, as `avesa dlq list` shows it. */
export interface DeadLetter {
  messageId: string;
  /** The consumer service whose queue it was redriven from. */
  queue: ConsumerService;
  body: string;
  /** Deliveries counted by SQS; on AWS it includes the receives `list` itself made. */
  receiveCount: number;
  /** When the message was first sent to its source queue (SQS keeps it through the redrive). */
  sentAt: number;
  /** SQS keeps no error with a message: it is in the consumer's logs under this messageId. */
  lastError: string | null;
}

export interface SqsDeadLettersOptions {
  /** The deployed stage: queues are `avesa-{stage}-{service}` and `avesa-{stage}-{service}-dlq` (deploy/resources.js). */
  stage: string;
  /** Defaults to a client configured from the environment (region, credentials). */
  client?: SQSClient;
  /** How long `list` hides the messages it receives before it makes them visible again. */
  listVisibilityTimeoutSeconds?: number;
  /** `list` stops after this many messages per queue. */
  maxMessagesPerQueue?: number;
}

export interface MoveTask {
  queue: ConsumerService;
  taskHandle: string;
  /** Messages in the DLQ when the task started (SQS attribute ApproximateNumberOfMessages). */
  approximateMessages: number;
}

/**
 * The dead-letter queues of a deployed stage. SQS cannot peek: `list` receives each DLQ's messages with a
 * short visibility timeout, never deletes them, and makes them visible again at once; while it runs they
 * are hidden from other readers (a redrive started at the same moment skips them). `replay` starts an SQS
 * message move task from each DLQ to its source queue, which resets the receive count.
 */
export class SqsDeadLetters {
  private readonly client: SQSClient;

  constructor(private readonly options: SqsDeadLettersOptions) {
    this.client = options.client ?? new SQSClient({});
  }

  queueName(service: ConsumerService, deadLetter: boolean): string {
    return `avesa-${this.options.stage}-${service}${deadLetter ? '-dlq' : ''}`;
  }

  /** Every message in the DLQs of these services (default: all), without deleting any. */
  async list(services: readonly ConsumerService[] = CONSUMER_SERVICES): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const service of services) letters.push(...(await this.listOne(service)));
    return letters;
  }

  /**
   * Starts a move task from each DLQ to its source queue. SQS runs it asynchronously; at most one task per
   * DLQ may run at a time.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
   */
  async replay(services: readonly ConsumerService[] = CONSUMER_SERVICES): Promise<MoveTask[]> {
    const tasks: MoveTask[] = [];
    for (const service of services) {
      const deadLetter = await this.attributes(this.queueName(service, true));
      const source = await this.attributes(this.queueName(service, false));
      if (deadLetter.approximateMessages === 0) continue;
      const started = await this.client.send(
        new StartMessageMoveTaskCommand({ SourceArn: deadLetter.arn, DestinationArn: source.arn }),
      );
      if (!started.TaskHandle)
        throw new Error(`SQS started no move task for ${this.queueName(service, true)}`);
      tasks.push({
        queue: service,
        taskHandle: started.TaskHandle,
        approximateMessages: deadLetter.approximateMessages,
      });
    }
    return tasks;
  }

  private async listOne(service: ConsumerService): Promise<DeadLetter[]> {
    const queueUrl = await this.queueUrl(this.queueName(service, true));
    const max = this.options.maxMessagesPerQueue ?? 1000;
    const seen = new Map<string, DeadLetter>();
    const receipts: string[] = [];
    // Short polling samples a subset of the SQS servers: an empty answer is only believed twice in a row.
    let emptyAnswers = 0;
    try {
      while (seen.size < max && emptyAnswers < 2) {
        const { Messages = [] } = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, max - seen.size),
            VisibilityTimeout: this.options.listVisibilityTimeoutSeconds ?? 30,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
        );
        emptyAnswers = Messages.length === 0 ? emptyAnswers + 1 : 0;
        for (const message of Messages) {
          if (message.ReceiptHandle) receipts.push(message.ReceiptHandle);
          if (message.MessageId && !seen.has(message.MessageId))
            seen.set(message.MessageId, toDeadLetter(service, message));
        }
      }
    } finally {
      await this.makeVisible(queueUrl, receipts);
    }
    return [...seen.values()];
  }

  private async makeVisible(queueUrl: string, receipts: string[]): Promise<void> {
    for (let start = 0; start < receipts.length; start += 10) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: receipts.slice(start, start + 10).map((receipt, index) => ({
            Id: String(start + index),
            ReceiptHandle: receipt,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }

  private async queueUrl(name: string): Promise<string> {
    const { QueueUrl } = await this.client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`SQS has no queue ${name}`);
    return QueueUrl;
  }

  private async attributes(name: string): Promise<{ arn: string; approximateMessages: number }> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: await this.queueUrl(name),
        AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
      }),
    );
    if (!Attributes.QueueArn) throw new Error(`SQS reported no ARN for queue ${name}`);
    return {
      arn: Attributes.QueueArn,
      approximateMessages: Number.parseInt(Attributes.ApproximateNumberOfMessages ?? '0', 10),
    };
  }
}

function toDeadLetter(queue: ConsumerService, message: Message): DeadLetter {
  return {
    messageId: message.MessageId!,
    queue,
    body: message.Body ?? '',
    receiveCount: Number.parseInt(message.Attributes?.ApproximateReceiveCount ?? '0', 10),
    sentAt: Number.parseInt(message.Attributes?.SentTimestamp ?? '0', 10),
    lastError: null,
  };
}
