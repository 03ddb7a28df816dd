import { chunkIdFor } from '../../shared/lake/keys';
import { makeEvent, type AnyEvent, type ChunkPlannedEvent } from '../../shared/events/schemas';

/** A valid ChunkPlanned envelope; `index` makes the event (and its id) unique within a job. */
export function aChunkPlannedEvent(
  overrides: { tenantId?: string; jobId?: string; index?: number } = {},
): ChunkPlannedEvent {
  const tenantId = overrides.tenantId ?? 'acme';
  const jobId = overrides.jobId ?? 'job-2025-01-01';
  const index = overrides.index ?? 0;
  const chunkId = chunkIdFor(index);
  return makeEvent(
    'ChunkPlanned',
    { tenantId, jobId, occurredAt: '2025-01-01T00:00:00.000Z' },
    {
      source: 'connectwise',
      table: 'tickets',
      chunkId,
      window: { from: null, to: '2025-01-01T00:00:00.000Z' },
      keyRange: { kind: 'integer', from: index * 1000 + 1, to: (index + 1) * 1000 },
      expectedRecords: 1000,
    },
    ['tickets', chunkId],
  );
}

/** A valid TableSynced envelope, so suites carry more than one event type. */
export function aTableSyncedEvent(overrides: { tenantId?: string; jobId?: string } = {}): AnyEvent {
  const tenantId = overrides.tenantId ?? 'acme';
  const jobId = overrides.jobId ?? 'job-2025-01-01';
  return makeEvent(
    'TableSynced',
    { tenantId, jobId, occurredAt: '2025-01-01T00:05:00.000Z' },
    {
      source: 'connectwise',
      table: 'companies',
      records: 42,
      chunks: 1,
      watermark: '2025-01-01T00:00:00.000Z',
    },
    ['companies'],
  );
}

/** `count` distinct events, spread round-robin over `tenantIds`. */
export function someChunkPlannedEvents(
  count: number,
  tenantIds: readonly string[] = ['acme', 'globex'],
): AnyEvent[] {
  return Array.from({ length: count }, (_, index) =>
    aChunkPlannedEvent({ tenantId: tenantIds[index % tenantIds.length], index }),
  );
}
