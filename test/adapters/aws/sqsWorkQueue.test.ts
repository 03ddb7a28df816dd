import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { clampDelaySeconds, SqsWorkQueue } from '../../../shared/adapters/aws/sqsWorkQueue';
import { parseEvent } from '../../../shared/events/schemas';
import { aChunkPlannedEvent } from '../../contracts/eventFactories';
import { workQueueContract, type ArrivedMessage } from '../../contracts/workQueue.contract';
import { startFauxqs, type Fauxqs, type FauxqsMessage } from './support/fauxqs';

let fauxqs: Fauxqs;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs();
  sqs = new SQSClient(fauxqs.clientConfig);
});

afterAll(async () => {
  sqs?.destroy();
  await fauxqs?.stop();
});

/** A fresh standard queue on fauxqs per test. */
async function aQueueOnFauxqs(): Promise<{ queue: SqsWorkQueue; queueName: string; queueUrl: string }> {
  const { queueUrl, queueName } = await fauxqs.createQueue(`work-${++queues}`);
  return { queue: new SqsWorkQueue({ queueUrl, client: sqs }), queueName, queueUrl };
}

/** Every message fauxqs holds, with the delay it recorded, without receiving (and so hiding) any of them. */
async function arrivedOn(queueName: string): Promise<ArrivedMessage[]> {
  const inspection = await fauxqs.inspectQueue(queueName);
  if (!inspection) throw new Error(`fauxqs has no queue ${queueName}`);
  const { ready, delayed, inflight } = inspection.messages;
  const messages: FauxqsMessage[] = [...ready, ...delayed, ...inflight.map((entry) => entry.message)];
  return messages.map((message) => ({
    event: parseEvent(JSON.parse(message.body)),
    delaySeconds: message.delayUntil ? Math.round((message.delayUntil - message.sentTimestamp) / 1000) : 0,
  }));
}

/** An SQS client whose SendMessage calls are recorded instead of sent. */
function aRecordingSqsClient() {
  const client = new SQSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  mock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  const sent = () => mock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
  return { client, sent };
}

workQueueContract('SqsWorkQueue on fauxqs', async () => {
  const { queue, queueName } = await aQueueOnFauxqs();
  return { queue, arrived: () => arrivedOn(queueName), cleanup: async () => {} };
});

describe('SqsWorkQueue', () => {
  it('given a delayed and an immediate event, when the queue is received from at once, then only the immediate one is delivered', async () => {
    // Prepare
    const { queue, queueUrl } = await aQueueOnFauxqs();
    const later = aChunkPlannedEvent({ index: 1 });
    const now = aChunkPlannedEvent({ index: 2 });

    // Act
    await queue.send(later, { delaySeconds: 60 });
    await queue.send(now);
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );

    // Assess
    expect((received.Messages ?? []).map((message) => JSON.parse(message.Body ?? 'null'))).toEqual([now]);
  });

  it('given an event, when it is sent, then the tenant is the message group and no deduplication id is set', async () => {
    // Prepare
    const { client, sent } = aRecordingSqsClient();
    const queue = new SqsWorkQueue({
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/fetch',
      client,
    });
    const event = aChunkPlannedEvent({ tenantId: 'globex' });

    // Act
    await queue.send(event, { delaySeconds: 15 });

    // Assess
    expect(sent()).toEqual([
      {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/fetch',
        MessageBody: JSON.stringify(event),
        DelaySeconds: 15,
        MessageGroupId: 'globex',
      },
    ]);
    expect(sent()[0]).not.toHaveProperty('MessageDeduplicationId');
  });

  it.each([
    { requested: undefined, sent: 0 },
    { requested: -5, sent: 0 },
    { requested: Number.NaN, sent: 0 },
    { requested: 0.2, sent: 1 },
    { requested: 899.5, sent: 900 },
    { requested: 1_200, sent: 900 },
    { requested: Number.POSITIVE_INFINITY, sent: 900 },
  ])(
    'given a requested delay of $requested seconds, when sent, then DelaySeconds is $sent',
    async ({ requested, sent: expected }) => {
      const { client, sent } = aRecordingSqsClient();
      const queue = new SqsWorkQueue({ queueUrl: 'https://sqs.example/q', client });

      await queue.send(aChunkPlannedEvent(), { delaySeconds: requested });

      expect(sent()[0]?.DelaySeconds).toBe(expected);
      expect(clampDelaySeconds(requested)).toBe(expected);
    },
  );
});
