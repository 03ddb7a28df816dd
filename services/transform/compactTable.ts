import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeEvent, type TableTransformedEvent } from '../../shared/events/schemas';
import { canonicalHistoryKey, canonicalVersionsPrefix } from '../../shared/lake/keys';
import type { Clock, EventBus, ObjectStore } from '../../shared/ports';
import { compactHistory, type CompactHistoryResult, type DuckDbLimits } from './compactHistory';

export interface CompactDeps {
  lake: ObjectStore;
  bus: EventBus;
  clock: Clock;
  /** Where versions are staged for DuckDB (the Lambda's /tmp, or the OS temp directory). */
  scratchDirectory?: string;
  /** DuckDB's memory and threads; DEFAULT_DUCKDB_LIMITS (the embedded runtime's) when not given. */
  duckDb?: DuckDbLimits;
}

/**
 * Rebuilds a tenant's canonical history of one source's table from every versions file it has (all jobs),
 * and replaces `{tenant}/canonical/{table}/{source}/history.parquet`. Works over any ObjectStore by staging the versions
 * in a scratch directory for DuckDB. Idempotent: the history depends only on the set of versions, so a
 * redelivered TableTransformed, or two compactions in a row, give the same file.
 */
export async function compactTable(
  event: TableTransformedEvent,
  deps: CompactDeps,
): Promise<CompactHistoryResult> {
  const { tenantId, jobId } = event;
  const { table, source } = event.data;
  const scratch = await mkdtemp(
    join(deps.scratchDirectory ?? tmpdir(), `avesa-compact-${tenantId}-${source}-${table}-`),
  );
  try {
    const keys = await deps.lake.list(canonicalVersionsPrefix(tenantId, table, source));
    for (const [index, key] of keys.entries()) {
      const body = await deps.lake.get(key);
      if (body) {
        const path = join(scratch, 'versions', `${String(index).padStart(6, '0')}.parquet`);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body);
      }
    }
    const outputPath = join(scratch, 'history.parquet');
    const result =
      keys.length === 0
        ? { versions: 0, rows: 0, current: 0 }
        : await compactHistory({
            versionsGlob: join(scratch, 'versions', '*.parquet'),
            outputPath,
            table,
            ...(deps.duckDb ? { limits: deps.duckDb } : {}),
          });
    const objectKey = canonicalHistoryKey(tenantId, table, source);
    if (keys.length > 0) await deps.lake.put(objectKey, new Uint8Array(await readFile(outputPath)));
    await deps.bus.publish([
      makeEvent(
        'TableCompacted',
        { tenantId, jobId, occurredAt: deps.clock.now() },
        { source, table, rows: result.rows, currentRows: result.current, objectKey },
        [source, table],
      ),
    ]);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
