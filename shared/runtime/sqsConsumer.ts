import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import { errorCode, errorMessage, isRetryable } from '../errors';
import { parseEvent, type AnyEvent, type EventType } from '../events/schemas';
import type { Log, StateStore } from '../ports';
import { EventIdempotency, type IdempotencyOptions } from './idempotency';

export interface RecordContext {
  record: SQSRecord;
  lambda: Context;
}

export interface ConsumerOptions<Type extends EventType> {
  service: string;
  accepts: readonly Type[];
  log: Log;
  handle(event: Extract<AnyEvent, { type: Type }>, context: RecordContext): Promise<void>;
  /** Where handled event ids are remembered, so duplicates are acknowledged without running twice. */
  idempotencyStore: StateStore;
  idempotencyOptions?: IdempotencyOptions;
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
  const idempotency = new EventIdempotency(options.idempotencyStore, service, options.idempotencyOptions);
  return async (event: SQSEvent, lambda: Context): Promise<SQSBatchResponse> => {
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
      const claim = await idempotency.claim(parsed.eventId, Date.now() + lambda.getRemainingTimeInMillis());
      if (claim.kind === 'completed') {
        log.info('duplicate event acknowledged without running again', context);
        continue;
      }
      if (claim.kind === 'busy') {
        // Another invocation holds it (a duplicate delivered in parallel): try again after the visibility timeout.
        fail(record, `event ${parsed.eventId} is being handled by another invocation`);
        continue;
      }
      try {
        await options.handle(parsed as Extract<AnyEvent, { type: Type }>, { record, lambda });
        await idempotency.complete(parsed.eventId, claim);
      } catch (error) {
        await idempotency.release(parsed.eventId, claim);
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
