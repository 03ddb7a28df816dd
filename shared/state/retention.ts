/**
 * How long the state table keeps an item after its last write, by key: DynamoDB deletes an item some time
 * after its `expiresAt` (epoch seconds), which the DynamoDB state store writes from this policy.
 *
 * DynamoDB TTL deletion is lazy (typically within a few days of expiry, with no guarantee) and an expired item
 * is still returned by reads until it is gone. Nothing here may be needed for correctness: every reader treats
 * an expired-but-present item exactly as a live one, and every writer treats a deleted one as never written.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 */
export type StateRetentionPolicy = (pk: string, sk: string) => number | undefined;

const DAY_SECONDS = 24 * 3600;

/**
 * Powertools idempotency records are treated as expired after 14 days (shared/runtime/sqsConsumer.ts) and a
 * message stays at most 14 days in a DLQ; a day beyond that, no replay can still need the record.
 */
export const IDEMPOTENCY_RETENTION_SECONDS = 15 * DAY_SECONDS;

/** Request-budget buckets live seconds and slot leases minutes; a day later they are noise. */
export const REQUEST_BUDGET_RETENTION_SECONDS = DAY_SECONDS;

/** A job's plans and progress must outlive any replay of its events from a DLQ (14 days). */
export const MIN_JOB_STATE_RETENTION_DAYS = 15;

/** Partitions of one job's plans and progress (chunk-planner, services/progress/progressState.ts). */
const JOB_STATE_PARTITIONS = ['plan#', 'job#', 'progress#'];

export interface StateRetentionSettings {
  /** Days a job's plans, progress and its entry in the job index are kept after their last write. */
  jobStateDays: number;
}

/**
 * The retention of every item kind in the state table: idempotency records and request-budget items expire,
 * jobs' plans and progress after `jobStateDays`, watermarks (and anything not named here) never.
 */
export function stateRetentionPolicy(settings: StateRetentionSettings): StateRetentionPolicy {
  const { jobStateDays } = settings;
  if (!Number.isInteger(jobStateDays) || jobStateDays < MIN_JOB_STATE_RETENTION_DAYS) {
    throw new RangeError(
      `jobStateDays must be an integer of at least ${MIN_JOB_STATE_RETENTION_DAYS} (the DLQ retention plus a day), got ${jobStateDays}`,
    );
  }
  const jobStateSeconds = jobStateDays * DAY_SECONDS;
  return (pk) => {
    if (pk.startsWith('idempotency#')) return IDEMPOTENCY_RETENTION_SECONDS;
    if (pk.startsWith('budget#')) return REQUEST_BUDGET_RETENTION_SECONDS;
    if (pk === 'jobs' || JOB_STATE_PARTITIONS.some((prefix) => pk.startsWith(prefix))) return jobStateSeconds;
    // watermark#… above all: losing one would re-sync a tenant's table from the beginning.
    return undefined;
  };
}

/** No item ever expires: the default, and what a store without TTL (the local one) does anyway. */
export const keepForever: StateRetentionPolicy = () => undefined;
