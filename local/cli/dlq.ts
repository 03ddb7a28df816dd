import { resolve } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeadLetters, type DeadLetter } from '../../shared/adapters/aws/sqsDeadLetters';
import { ValidationError } from '../../shared/errors';
import { CONSUMER_SERVICES, type ConsumerService } from '../../shared/events/routing';
import { LocalPipeline } from '../pipeline';
import { StateView } from '../stateView';
import type { CliIo } from './main';

export interface DlqOptions {
  state: string;
  queue?: string;
  stage?: string;
  json: boolean;
}

export interface DlqDeps {
  /** The SQS client for `--stage` (tests pass a mocked one); default: configured from the environment. */
  sqsClient?: SQSClient;
}

/** One dead letter as the user sees it: the envelope's identity beside the queue's bookkeeping. */
export interface DeadLetterView {
  messageId: string;
  queue: ConsumerService;
  tenantId: string | null;
  type: string | null;
  eventId: string | null;
  jobId: string | null;
  receiveCount: number;
  firstSentAt: string;
  lastError: string | null;
}

/** `avesa dlq list|replay`: the local state directory's dead-letter queues, or a deployed stage's with --stage. */
export async function dlq(
  subcommand: string | undefined,
  options: DlqOptions,
  io: CliIo,
  deps: DlqDeps = {},
): Promise<number> {
  if (subcommand !== 'list' && subcommand !== 'replay') {
    io.err(`error: usage: avesa dlq list|replay [--state DIR | --stage S] [--queue Q] [--json]`);
    return 2;
  }
  const services = selectedQueues(options.queue);
  if (options.stage !== undefined) {
    const deadLetters = new SqsDeadLetters({
      stage: options.stage,
      ...(deps.sqsClient ? { client: deps.sqsClient } : {}),
    });
    return subcommand === 'list'
      ? listAws(deadLetters, services, options, io)
      : replayAws(deadLetters, services, options, io);
  }
  if (subcommand === 'list') {
    // Read-only: safe while `avesa run` owns the directory.
    const view = new StateView(resolve(options.state));
    try {
      const letters = services.flatMap((service) =>
        view.deadLetters(service).map((message) => ({ ...message, queue: service })),
      );
      printList(letters.map(toView), { where: resolve(options.state), options, io });
      return 0;
    } finally {
      view.close();
    }
  }
  // Replay writes: opening the pipeline takes the directory's lock (so no run moves messages meanwhile) and
  // starts nothing.
  const pipeline = new LocalPipeline({
    tenants: { tenants: [], credentials: new Map() },
    lakeDir: resolve('.avesa/unused'),
    stateDir: resolve(options.state),
  });
  try {
    const moved = services.flatMap((service) =>
      pipeline.deadLetterQueues[service]
        .redriveTo(pipeline.queues[service])
        .map((message) => toView({ ...message, queue: service })),
    );
    const jobIds = [...new Set(moved.map((letter) => letter.jobId).filter((id) => id !== null))];
    if (options.json) {
      io.out(JSON.stringify({ state: resolve(options.state), moved, jobIds }, null, 2));
      return 0;
    }
    if (moved.length === 0) {
      io.out(`no dead letters to replay in ${resolve(options.state)}`);
      return 0;
    }
    for (const service of services) {
      const count = moved.filter((letter) => letter.queue === service).length;
      if (count > 0) io.out(`${service}-dlq → ${service}: ${count} message(s) moved (receive count reset)`);
    }
    io.out(
      `\nrun \`avesa run --state ${options.state}\` (with the same --tenants and --lake) to process them: ` +
        `it resumes pending work before starting a new job; events already handled are acknowledged ` +
        `without running again. Job(s): ${jobIds.join(', ')}`,
    );
    return 0;
  } finally {
    pipeline.close();
  }
}

function selectedQueues(queue: string | undefined): readonly ConsumerService[] {
  if (queue === undefined) return CONSUMER_SERVICES;
  const service = queue.replace(/-dlq$/, '');
  if (!(CONSUMER_SERVICES as readonly string[]).includes(service))
    throw new ValidationError(`--queue must be one of ${CONSUMER_SERVICES.join(', ')} (got "${queue}")`);
  return [service as ConsumerService];
}

async function listAws(
  deadLetters: SqsDeadLetters,
  services: readonly ConsumerService[],
  options: DlqOptions,
  io: CliIo,
): Promise<number> {
  const letters = await deadLetters.list(services);
  printList(letters.map(toView), { where: `stage ${options.stage}`, options, io });
  if (!options.json && letters.length > 0)
    io.out(
      'SQS keeps no error with a message: find it in the consumer\'s CloudWatch logs ("record failed", by messageId).',
    );
  return 0;
}

async function replayAws(
  deadLetters: SqsDeadLetters,
  services: readonly ConsumerService[],
  options: DlqOptions,
  io: CliIo,
): Promise<number> {
  const tasks = await deadLetters.replay(services);
  if (options.json) {
    io.out(JSON.stringify({ stage: options.stage, tasks }, null, 2));
    return 0;
  }
  if (tasks.length === 0) io.out(`no dead letters to replay in stage ${options.stage}`);
  for (const task of tasks)
    io.out(
      `${deadLetters.queueName(task.queue, true)} → ${deadLetters.queueName(task.queue, false)}: ` +
        `move task started for ~${task.approximateMessages} message(s) (handle ${task.taskHandle})`,
    );
  return 0;
}

function printList(
  letters: DeadLetterView[],
  { where, options, io }: { where: string; options: DlqOptions; io: CliIo },
): void {
  if (options.json) {
    io.out(JSON.stringify({ where, messages: letters }, null, 2));
    return;
  }
  if (letters.length === 0) {
    io.out(`no dead letters in ${where}`);
    return;
  }
  for (const service of CONSUMER_SERVICES) {
    const inQueue = letters.filter((letter) => letter.queue === service);
    if (inQueue.length === 0) continue;
    io.out(`${service}-dlq: ${inQueue.length} message(s)`);
    for (const letter of inQueue) {
      io.out(
        `  ${letter.messageId}  tenant ${letter.tenantId ?? '?'}  ${letter.type ?? '(unparseable)'}  ` +
          `event ${letter.eventId ?? '?'}  received ${letter.receiveCount}×  first sent ${letter.firstSentAt}`,
      );
      if (letter.lastError !== null) io.out(`    last error: ${letter.lastError}`);
    }
  }
  io.out(`\nafter fixing the cause: avesa dlq replay${options.queue ? ` --queue ${options.queue}` : ''}`);
}

/** Reads the envelope loosely: a dead letter may be exactly the message that does not parse. */
function toView(letter: Omit<DeadLetter, 'lastError'> & { lastError: string | null }): DeadLetterView {
  let envelope: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(letter.body);
    if (parsed !== null && typeof parsed === 'object') envelope = parsed as Record<string, unknown>;
  } catch {
    // Shown as unparseable; the error says why.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    messageId: letter.messageId,
    queue: letter.queue,
    tenantId: text(envelope.tenantId),
    type: text(envelope.type),
    eventId: text(envelope.eventId),
    jobId: text(envelope.jobId),
    receiveCount: letter.receiveCount,
    firstSentAt: new Date(letter.sentAt).toISOString(),
    lastError: letter.lastError,
  };
}
