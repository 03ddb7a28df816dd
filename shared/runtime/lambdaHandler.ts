import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../observability/emf';

/**
 * A Lambda entry point as a middy chain of the Powertools middlewares: the logger gets the invocation's
 * context (request id, function, cold start) on every line and its per-record keys are reset between
 * invocations; a metrics instance records the cold start and is flushed when the invocation ends.
 *
 * Two concerns stay inside the handlers on purpose: idempotency is per SQS record (shared/runtime/
 * sqsConsumer.ts, Powertools `makeIdempotent` keyed by consumer and event id), since `makeHandlerIdempotent`
 * would key a whole batch; and partial batch failures are the `batchItemFailures` sqsConsumer returns with
 * each record's reason, which @middy/sqs-partial-batch-failure (built for handlers that return
 * Promise.allSettled results) would only recompute. https://docs.powertools.aws.dev/lambda/typescript/latest/
 */
export function lambdaHandler<Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
  options: { serviceName: string; logger: Logger },
) {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: options.serviceName,
    // A warm invocation has no cold-start metric to flush: that is not worth a warning per invocation.
    logger: {
      debug: (...args: unknown[]) => options.logger.debug(String(args[0])),
      info: (...args: unknown[]) => options.logger.info(String(args[0])),
      warn: (...args: unknown[]) => options.logger.debug(String(args[0])),
      error: (...args: unknown[]) => options.logger.error(String(args[0])),
    },
  });
  return middy(handler)
    .use(injectLambdaContext(options.logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
