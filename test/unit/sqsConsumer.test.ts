import type { Context, SQSEvent } from 'aws-lambda';
import { LocalStateStore } from '../../local/adapters/localStateStore';
import { AuthenticationError } from '../../shared/errors';
import { makeEvent, type AnyEvent } from '../../shared/events/schemas';
import { sqsConsumer } from '../../shared/runtime/sqsConsumer';
import type { Log } from '../../shared/ports';

const head = { tenantId: 'acme', jobId: 'job-1', occurredAt: '2026-01-15T10:00:00.000Z' };
const tableSynced = (table: 'tickets' | 'companies') =>
  makeEvent(
    'TablePlanFailed',
    head,
    { source: 'connectwise', table, error: { code: 'X', message: 'x', retryable: false } },
    [table],
  );

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({ messageId: `m${index}`, body }) as SQSEvent['Records'][number]),
  };
}

function lambdaContext(remainingMs = 60_000): Context {
  return { getRemainingTimeInMillis: () => remainingMs } as Context;
}

class RecordingLog implements Log {
  readonly lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  debug() {}
  info(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, ...(attributes ? { attributes } : {}) });
  }
  warn(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, ...(attributes ? { attributes } : {}) });
  }
  error(message: string, attributes?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, ...(attributes ? { attributes } : {}) });
  }
}

function consumer(handle: (event: AnyEvent) => Promise<void>) {
  const log = new RecordingLog();
  const handler = sqsConsumer({
    service: 'progress',
    accepts: ['TablePlanFailed'],
    log,
    idempotencyStore: new LocalStateStore(),
    handle,
  });
  return { handler, log };
}

describe('sqsConsumer', () => {
  it('given no idempotency store (a use case idempotent by itself), when one event is delivered twice, then it runs twice', async () => {
    // Prepare
    const handled: string[] = [];
    const handler = sqsConsumer({
      service: 'analytics-loader',
      accepts: ['TablePlanFailed'],
      log: new RecordingLog(),
      handle: async (event) => {
        handled.push(event.eventId);
      },
    });
    const event = JSON.stringify(tableSynced('tickets'));

    // Act
    const first = await handler(sqsEvent([event]), lambdaContext());
    const second = await handler(sqsEvent([event]), lambdaContext());

    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(handled).toHaveLength(2);
  });

  it('given a batch with a poison message among good ones, when handled, then only the poison message fails and the log names the bad field', async () => {
    const handled: string[] = [];
    const { handler, log } = consumer(async (event) => {
      handled.push(event.eventId);
    });
    const good = tableSynced('tickets');
    const poison = { ...tableSynced('companies'), tenantId: '../etc' };

    const response = await handler(
      sqsEvent([
        JSON.stringify(good),
        JSON.stringify(poison),
        'not json',
        JSON.stringify(tableSynced('companies')),
      ]),
      lambdaContext(),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(handled).toHaveLength(2);
    expect(
      log.lines.find(
        (line) => line.message === 'message does not parse' && line.attributes?.messageId === 'm1',
      )?.attributes?.error,
    ).toMatch(/tenantId/);
  });

  it('given the same event delivered twice, when handled, then it runs once and the duplicate is acknowledged', async () => {
    let runs = 0;
    const { handler } = consumer(async () => {
      runs++;
    });
    const event = JSON.stringify(tableSynced('tickets'));

    const first = await handler(sqsEvent([event]), lambdaContext());
    const second = await handler(sqsEvent([event]), lambdaContext());

    expect(runs).toBe(1);
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
  });

  it('given a handler that fails, when the event is redelivered, then it runs again (the failure released its claim)', async () => {
    let runs = 0;
    const { handler, log } = consumer(async () => {
      runs++;
      if (runs === 1)
        throw new AuthenticationError('tenant acme: ConnectWise rejected the credentials (401)');
    });
    const event = JSON.stringify(tableSynced('tickets'));

    const first = await handler(sqsEvent([event]), lambdaContext());
    const second = await handler(sqsEvent([event]), lambdaContext());

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(runs).toBe(2);
    expect(log.lines[0]).toMatchObject({
      level: 'error',
      attributes: { tenantId: 'acme', code: 'AuthenticationFailed', retryable: false },
    });
  });

  it('given too little time left, when a batch arrives, then records are returned unprocessed', async () => {
    let runs = 0;
    const { handler } = consumer(async () => {
      runs++;
    });
    const response = await handler(sqsEvent([JSON.stringify(tableSynced('tickets'))]), lambdaContext(10));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(runs).toBe(0);
  });
});
