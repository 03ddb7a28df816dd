import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { makeEvent, type TableTransformedEvent } from '../../shared/events/schemas';
import {
  canonicalHistoryKey,
  canonicalVersionsPrefix,
  historyDeltaKey,
  historyDeltasPrefix,
} from '../../shared/lake/keys';
import { readHistorySnapshot, stageHistorySnapshot } from '../../shared/lake/historyLayers';
import type { Clock, EventBus, Log, ObjectStore } from '../../shared/ports';
import {
  compactWith,
  foldWith,
  mergeWith,
  readLayerMetadata,
  totalsAfter,
  withTableDuckDb,
  type CompactHistoryResult,
  type DuckDbLimits,
  type HistoryTotals,
  type LayerMetadata,
} from './compactHistory';

export interface CompactDeps {
  lake: ObjectStore;
  bus: EventBus;
  clock: Clock;
  log?: Log;
  /** Where versions are staged for DuckDB (the Lambda's /tmp, or the OS temp directory). */
  scratchDirectory?: string;
  /** DuckDB's memory and threads; DEFAULT_DUCKDB_LIMITS (the embedded runtime's) when not given. */
  duckDb?: DuckDbLimits;
}

/**
 * The deltas are merged into a new base once their rows pass this share of the base's, or once there are this
 * many: each delta costs every reader an anti-join, and merging costs a pass over the whole table, so merging
 * at a fixed share keeps both proportional to the changes (amortized).
 */
export const MERGE_DELTA_SHARE = 0.25;
export const MAX_DELTAS = 24;

export interface CompactTableResult extends CompactHistoryResult {
  /** What the compaction did: nothing new, one delta folded in (then perhaps a merge), or a full rebuild. */
  mode: 'unchanged' | 'folded' | 'folded+merged' | 'rebuilt';
  /** Why a fold was not possible, for a rebuild. */
  rebuiltBecause?: string;
  /** The deltas the history has now, in layer order (none after a merge or a rebuild). */
  deltaKeys: string[];
}

/**
 * Brings a tenant's canonical history of one source's table up to date with every versions file it has (all
 * jobs), in layers (shared/lake/historyLayers.ts): versions files not folded yet go into one new delta when they
 * are all later than what the history has seen of their records (the hourly case: work proportional to the
 * changes); otherwise (the first compaction, an out-of-order version, a history written before layers) the
 * history is rebuilt from all of its versions. Works over any ObjectStore by staging what it reads in a scratch
 * directory for DuckDB. Idempotent: the resolved history depends only on the set of versions, so a redelivered
 * TableTransformed, or two compactions in a row, resolve to the same rows.
 */
export async function compactTable(
  event: TableTransformedEvent,
  deps: CompactDeps,
): Promise<CompactTableResult> {
  const { tenantId, jobId } = event;
  const { table, source } = event.data;
  const scratch = await mkdtemp(
    join(deps.scratchDirectory ?? tmpdir(), `avesa-compact-${tenantId}-${source}-${table}-`),
  );
  try {
    const layers = new HistoryLayers(deps.lake, tenantId, table, source, scratch);
    const result = await layers.update(deps.duckDb);
    if (result.rebuiltBecause)
      deps.log?.info('history rebuilt in full', {
        tenantId,
        jobId,
        source,
        table,
        reason: result.rebuiltBecause,
      });
    const { deltaKeys } = result;
    await deps.bus.publish([
      makeEvent(
        'TableCompacted',
        { tenantId, jobId, occurredAt: deps.clock.now() },
        {
          source,
          table,
          rows: result.rows,
          currentRows: result.current,
          objectKey: canonicalHistoryKey(tenantId, table, source),
          ...(deltaKeys.length > 0 ? { deltaKeys } : {}),
        },
        [source, table],
      ),
    ]);
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface StagedLayer {
  key: string;
  path: string;
  metadata: LayerMetadata | undefined;
}

/** One table's layers in the lake, staged in a scratch directory as the compaction needs them. */
class HistoryLayers {
  private readonly versionsPrefix: string;
  private readonly baseKey: string;

  constructor(
    private readonly lake: ObjectStore,
    private readonly tenantId: string,
    private readonly table: TableTransformedEvent['data']['table'],
    private readonly source: string,
    private readonly scratch: string,
  ) {
    this.versionsPrefix = canonicalVersionsPrefix(tenantId, table, source);
    this.baseKey = canonicalHistoryKey(tenantId, table, source);
  }

  async update(limits: DuckDbLimits | undefined): Promise<CompactTableResult> {
    const versionKeys = await this.lake.list(this.versionsPrefix);
    const relative = versionKeys.map((key) => key.slice(this.versionsPrefix.length));
    const snapshot = await readHistorySnapshot(this.lake, {
      baseKey: this.baseKey,
      deltasPrefix: historyDeltasPrefix(this.tenantId, this.table, this.source),
    });
    const staged = snapshot ? await stageHistorySnapshot(snapshot, join(this.scratch, 'layers')) : undefined;
    const basePath = staged?.base;
    const deltaPaths = staged?.deltas ?? [];
    return withTableDuckDb(limits, async (connection) => {
      const [baseMetadata, ...deltaMetadata] = await readLayerMetadata(connection, [
        ...(basePath ? [basePath] : []),
        ...deltaPaths.map((delta) => delta.path),
      ]);
      const base: StagedLayer | undefined = basePath
        ? { key: this.baseKey, path: basePath, metadata: baseMetadata }
        : undefined;
      const deltas: StagedLayer[] = deltaPaths.map((delta, index) => ({
        ...delta,
        metadata: deltaMetadata[index],
      }));
      const rebuild = (because: string) => this.rebuild(connection, relative, base, deltas, because);
      if (relative.length === 0 && !base)
        return { mode: 'unchanged', versions: 0, rows: 0, current: 0, deltaKeys: [] };
      if (!base) return rebuild('the table has no history yet');
      if (!base.metadata || deltas.some((delta) => !delta.metadata))
        return rebuild('the history was written before it had layers');
      // A delta no newer than the base was left by a merge interrupted before its deletes (its rows are in the
      // base), or written by a fold that raced a rebuild on top of the base the rebuild replaced (its rows may
      // lack the rebuild's out-of-order versions): either way only a rebuild is sure to be right.
      if (deltas.some((delta) => delta.metadata!.layer <= base.metadata!.layer))
        return rebuild(
          'a delta is not newer than the base (an interrupted merge, or a fold raced a rebuild)',
        );
      const layers = [base, ...deltas] as Array<StagedLayer & { metadata: LayerMetadata }>;
      const folded = new Set(layers.flatMap((layer) => layer.metadata.folded));
      const unfolded = relative.filter((key) => !folded.has(key));
      const latest = layers.reduce((a, b) => (b.metadata.layer > a.metadata.layer ? b : a));
      const totals = await totalsAfter(connection, latest.path, latest.metadata);
      if (unfolded.length === 0)
        return { mode: 'unchanged', versions: 0, ...totals, deltaKeys: deltas.map((delta) => delta.key) };
      const newVersionsGlob = await this.stageVersions(unfolded, 'new');
      const layer = latest.metadata.layer + 1;
      const deltaKey = historyDeltaKey(this.tenantId, this.table, this.source, layer);
      const deltaPath = join(this.scratch, 'delta.parquet');
      const fold = await foldWith(connection, {
        table: this.table,
        base: base.path,
        deltas: deltas.map((delta) => delta.path),
        newVersionsGlob,
        outputPath: deltaPath,
        layer,
        folded: unfolded,
        totals,
        rowless: latest.metadata.rowless ?? {},
      });
      if (!fold.exact) return rebuild(fold.reason);
      const deltaRows = deltas.reduce((sum, delta) => sum + delta.metadata!.fileRows, fold.deltaRows);
      if (deltas.length + 1 <= MAX_DELTAS && deltaRows <= MERGE_DELTA_SHARE * base.metadata.fileRows) {
        await this.lake.put(deltaKey, new Uint8Array(await readFile(deltaPath)));
        return {
          mode: 'folded',
          versions: fold.versions,
          ...fold.totals,
          deltaKeys: [...deltas.map((delta) => delta.key), deltaKey],
        };
      }
      // The new delta goes straight into the merge, never to the lake: interrupted, the merge leaves the
      // history as it was, and the next compaction folds these versions again.
      const merged = await this.merge(
        connection,
        base,
        deltas,
        deltaPath,
        layer + 1,
        [...folded, ...unfolded],
        fold.rowless,
      );
      return { mode: 'folded+merged', versions: fold.versions, ...merged, deltaKeys: [] };
    });
  }

  /**
   * Every versions file into a new base. The deltas go first: left behind, one would override the rebuilt rows
   * of its records (which an out-of-order version may have changed). Until the base lands, readers see the old
   * base alone; if the rebuild fails, the next compaction finds the deltas' versions unfolded and folds them again.
   */
  private async rebuild(
    connection: DuckDBConnection,
    relative: string[],
    base: StagedLayer | undefined,
    deltas: StagedLayer[],
    because: string,
  ): Promise<CompactTableResult> {
    const versionsGlob = await this.stageVersions(relative, 'all');
    // Numbered above every layer it replaces, the base's too: a fold that raced this rebuild on top of the old
    // layers then writes a delta no newer than the new base, which the next compaction recognises.
    const layer = Math.max(0, ...[base, ...deltas].map((staged) => staged?.metadata?.layer ?? 0)) + 1;
    for (const delta of deltas) await this.lake.delete(delta.key);
    const outputPath = join(this.scratch, 'rebuilt.parquet');
    const result = await compactWith(connection, {
      versionsGlob,
      outputPath,
      table: this.table,
      layer,
      folded: relative,
    });
    await this.lake.put(this.baseKey, new Uint8Array(await readFile(outputPath)));
    return { mode: 'rebuilt', rebuiltBecause: because, ...result, deltaKeys: [] };
  }

  /**
   * The resolved layers into a new base, then the deltas deleted from the lowest layer up: whatever an
   * interruption leaves are the highest deltas, whose rows the new base already has.
   */
  private async merge(
    connection: DuckDBConnection,
    base: StagedLayer,
    deltas: StagedLayer[],
    newDeltaPath: string,
    layer: number,
    folded: string[],
    rowless: Record<string, string>,
  ): Promise<HistoryTotals> {
    const outputPath = join(this.scratch, 'merged.parquet');
    const totals = await mergeWith(connection, {
      base: base.path,
      deltas: [...deltas.map((delta) => delta.path), newDeltaPath],
      outputPath,
      layer,
      folded,
      rowless,
    });
    await this.lake.put(this.baseKey, new Uint8Array(await readFile(outputPath)));
    for (const delta of deltas) await this.lake.delete(delta.key);
    return totals;
  }

  /**
   * Copies versions files (keys relative to the versions prefix) into a scratch directory, numbered; a file
   * gone meanwhile is skipped. Returns the glob DuckDB reads them by.
   */
  private async stageVersions(relative: string[], directory: string): Promise<string> {
    const dir = join(this.scratch, directory);
    await mkdir(dir, { recursive: true });
    for (const [index, key] of relative.entries()) {
      const body = await this.lake.get(this.versionsPrefix + key);
      if (body) await writeFile(join(dir, `${String(index).padStart(6, '0')}.parquet`), body);
    }
    return join(dir, '*.parquet');
  }
}
