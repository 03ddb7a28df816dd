import { CONSUMER_SERVICES } from '../../shared/events/routing';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { main, type CliIo } from '../../local/cli/main';
import { SqsDeadLetters } from '../../shared/adapters/aws/sqsDeadLetters';
import { aChunkPlannedEvent } from '../contracts/eventFactories';
import { startFauxqs, type Fauxqs } from '../adapters/aws/support/fauxqs';

const STAGE = 'test';

describe('SqsDeadLetters.list on fauxqs', () => {
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  beforeAll(async () => {
    fauxqs = await startFauxqs();
    sqs = new SQSClient(fauxqs.clientConfig);
    for (const service of CONSUMER_SERVICES) {
      await fauxqs.createQueue(`avesa-${STAGE}-${service}`);
      await fauxqs.createQueue(`avesa-${STAGE}-${service}-dlq`);
    }
  });
  afterAll(async () => {
    sqs?.destroy();
    await fauxqs?.stop();
  });

  it('given dead letters in the fetcher DLQ, when listed twice, then each is shown once with its envelope and none is deleted or left hidden', async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `avesa-${STAGE}-fetcher-dlq` }));
    const events = Array.from({ length: 13 }, (_, index) =>
      aChunkPlannedEvent({ tenantId: `tenant-${index}` }),
    );
    for (const event of events)
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
    const deadLetters = new SqsDeadLetters({ stage: STAGE, client: sqs });

    const first = await deadLetters.list();
    const second = await deadLetters.list(['fetcher']);

    for (const listing of [first, second]) {
      expect(listing).toHaveLength(13);
      expect(new Set(listing.map((letter) => letter.messageId)).size).toBe(13);
      expect(new Set(listing.map((letter) => letter.queue))).toEqual(new Set(['fetcher']));
      expect(listing.map((letter) => JSON.parse(letter.body).tenantId).sort()).toEqual(
        events.map((event) => event.tenantId).sort(),
      );
      expect(listing.every((letter) => letter.sentAt > 0 && letter.receiveCount >= 1)).toBe(true);
    }
    const inspection = await fauxqs.inspectQueue(`avesa-${STAGE}-fetcher-dlq`);
    expect(inspection!.messages.ready).toHaveLength(13);
    expect(inspection!.messages.inflight).toHaveLength(0);
  });
});

describe('SqsDeadLetters.replay (aws-sdk-client-mock: fauxqs has no message move tasks)', () => {
  // Mocks every SQSClient, the CLI's own included; restored so the fauxqs suite talks to fauxqs.
  let sqsMock: AwsClientStub<SQSClient>;
  beforeAll(() => {
    sqsMock = mockClient(SQSClient);
  });
  afterAll(() => sqsMock.restore());
  const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
  beforeEach(() => {
    sqsMock.reset();
    sqsMock.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({
      QueueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${input.QueueName}`,
    }));
    sqsMock.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => {
      const name = input.QueueUrl.split('/').pop()!;
      return {
        Attributes: {
          QueueArn: arn(name),
          ApproximateNumberOfMessages: name === `avesa-${STAGE}-fetcher-dlq` ? '3' : '0',
        },
      };
    });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });

  it('given dead letters only in the fetcher DLQ, when replayed, then one move task runs from that DLQ to the fetcher queue', async () => {
    const tasks = await new SqsDeadLetters({ stage: STAGE, client: new SQSClient({}) }).replay();

    expect(tasks).toEqual([{ queue: 'fetcher', taskHandle: 'task-1', approximateMessages: 3 }]);
    const moves = sqsMock.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input);
    expect(moves).toEqual([
      { SourceArn: arn(`avesa-${STAGE}-fetcher-dlq`), DestinationArn: arn(`avesa-${STAGE}-fetcher`) },
    ]);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it('given --stage and --queue, when `avesa dlq replay` runs, then it names the queues and the task, and starts no other task', async () => {
    const lines: string[] = [];
    const io: CliIo = {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      isTty: false,
      env: {},
    };

    const code = await main(['dlq', 'replay', '--stage', STAGE, '--queue', 'fetcher'], io);

    expect(code).toBe(0);
    expect(lines.join('\n')).toContain(
      `avesa-${STAGE}-fetcher-dlq → avesa-${STAGE}-fetcher: move task started for ~3 message(s) (handle task-1)`,
    );
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
  });

  it('given an unknown --queue, when `avesa dlq list` runs, then it exits 2 naming the valid queues and calls nothing', async () => {
    const errors: string[] = [];
    const io: CliIo = { out: () => undefined, err: (line) => errors.push(line), isTty: false, env: {} };

    const code = await main(['dlq', 'list', '--stage', STAGE, '--queue', 'planner'], io);

    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(new RegExp(`--queue must be one of ${CONSUMER_SERVICES.join(', ')}`));
    expect(sqsMock.calls()).toHaveLength(0);
  });
});
