import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import { errorCode, errorMessage, isRetryable } from '../errors';
import { parseEvent, type AnyEvent, type EventType } from '../events/schemas';
import type { Log, StateStore } from '../ports';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { StateStorePersistenceLayer, type StateStorePersistenceOptions } from './stateStorePersistenceLayer';

export interface RecordContext {
  record: SQSRecord;
  lambda: Context;
}

export interface ConsumerOptions<Type extends EventType> {
  service: string;
  accepts: readonly Type[];
  log: Log;
  handle(event: Extract<AnyEvent, { type: Type }>, context: RecordContext): Promise<void>;
  /**
   * Where handled event ids are remembered, so duplicates are acknowledged without running twice. Left out only
   * by a consumer whose work is idempotent by itself and keeps no state (the analytics loader loads the file as
   * it is now, whichever delivery it is): then every delivery runs.
   */
  idempotencyStore?: StateStore;
  idempotencyOptions?: StateStorePersistenceOptions;
  /** Do not start another record with less time than this left; it comes back after the visibility timeout. */
  minimumRemainingMs?: number;
}

type BatchItemFailure = SQSBatchResponse['batchItemFailures'][number];

/**
 * Why each failed record failed, kept beside its batch item failure rather than in it: the Lambda contract
 * has no place for a reason. In AWS the reason is in the logs under the record's messageId; the local runtime
 * reads it here to store it on the message, so a DLQ shows its last error. Keyed by the item object, so a
 * wrapper that rebuilds the response from the same items keeps the reasons.
 */
const failureReasons = new WeakMap<BatchItemFailure, string>();

/** Why this batch item failure of an `sqsConsumer` response failed; undefined for other items. */
export function recordFailureReason(failure: BatchItemFailure): string | undefined {
  return failureReasons.get(failure);
}

/**
 * Turns a per-record function into an SQS batch handler with partial batch failures (ReportBatchItemFailures):
 * records are processed one at a time, each parsed against its event schema; one poison record fails
 * only itself. Log context (tenant, job, event) is set per record and never leaks to the next.
 */
export function sqsConsumer<Type extends EventType>(options: ConsumerOptions<Type>) {
  const { log, service } = options;
  // Powertools idempotency keyed by (consumer, event id): ChunkFetched, say, has one id but two consumers.
  // A completed event is acknowledged without running again; one in progress elsewhere is retried later.
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: '[consumer, eventId]',
    expiresAfterSeconds: 14 * 24 * 3600,
  });
  const run = async (input: {
    consumer: string;
    eventId: string;
    work: { event: AnyEvent; context: RecordContext; ran: boolean };
  }) => {
    input.work.ran = true;
    await options.handle(input.work.event as Extract<AnyEvent, { type: Type }>, input.work.context);
    return { handled: true };
  };
  // The key is only (consumer, eventId); the work travels beside it, as invocations may run concurrently.
  const handleOnce = options.idempotencyStore
    ? makeIdempotent(run, {
        persistenceStore: new StateStorePersistenceLayer(
          options.idempotencyStore,
          options.idempotencyOptions,
        ),
        config: idempotency,
      })
    : run;
  return async (event: SQSEvent, lambda: Context): Promise<SQSBatchResponse> => {
    // In-progress claims lapse at this invocation's deadline, so a crashed holder never blocks for long.
    idempotency.registerLambdaContext(lambda);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const fail = (record: SQSRecord, reason: string) => {
      const failure = { itemIdentifier: record.messageId };
      failureReasons.set(failure, reason);
      batchItemFailures.push(failure);
    };
    const minimumRemainingMs = options.minimumRemainingMs ?? 1000;
    for (const record of event.Records) {
      if (lambda.getRemainingTimeInMillis() < minimumRemainingMs) {
        fail(record, `not started: less than ${minimumRemainingMs} ms left in the invocation`);
        continue;
      }
      let parsed: AnyEvent;
      try {
        parsed = parseEvent(JSON.parse(record.body));
        if (!(options.accepts as readonly string[]).includes(parsed.type)) {
          throw new Error(`${service} does not consume ${parsed.type} events`);
        }
      } catch (error) {
        // Permanent: it will fail the same way every time and reach the DLQ after maxReceiveCount.
        const problem =
          error instanceof ZodError
            ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
            : errorMessage(error);
        log.error('message does not parse', { service, messageId: record.messageId, error: problem });
        fail(record, `message does not parse: ${problem}`);
        continue;
      }
      const context = {
        service,
        tenantId: parsed.tenantId,
        jobId: parsed.jobId,
        eventId: parsed.eventId,
        type: parsed.type,
      };
      const work = { event: parsed, context: { record, lambda }, ran: false };
      try {
        await handleOnce({ consumer: service, eventId: parsed.eventId, work });
        if (!work.ran) log.info('duplicate event acknowledged without running again', context);
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) {
          // A duplicate delivered in parallel is being handled: try again after the visibility timeout.
          fail(record, `event ${parsed.eventId} is being handled by another invocation`);
          continue;
        }
        log[isRetryable(error) ? 'warn' : 'error']('record failed', {
          ...context,
          messageId: record.messageId,
          code: errorCode(error),
          retryable: isRetryable(error),
          error: errorMessage(error),
        });
        fail(record, `${errorCode(error)}: ${errorMessage(error)}`);
      }
    }
    return { batchItemFailures };
  };
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
