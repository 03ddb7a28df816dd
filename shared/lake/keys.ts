import { assertTenantId } from '../config/tenantId';
import { SOURCE_NAME_PATTERN } from '../sources/sourceName';

export interface RawChunk {
  tenantId: string;
  source: string;
  table: string;
  jobStartedAt: string;
  jobId: string;
  chunkId: string;
}

/**
 * The prefix of a chunk's raw parts (DESIGN §6): `{tenant}/raw/{source}/{table}/date=YYYY-MM-DD/{jobId}/{chunkId}-`.
 * The date is the job's start (UTC), so one job's files sit under one partition and re-runs never move them.
 */
export function rawChunkPrefix(chunk: RawChunk): string {
  const date = chunk.jobStartedAt.slice(0, 10);
  return `${assertTenantId(chunk.tenantId)}/raw/${assertSource(chunk.source)}/${chunk.table}/date=${date}/${chunk.jobId}/${chunk.chunkId}-`;
}

/**
 * A raw part, named by its first record key: an integer id zero-padded so keys sort in id order (ids are
 * 32-bit), a text key (sys_id, Salesforce Id) as it is when it is a plain word, percent-encoded otherwise.
 */
export function rawObjectKey(chunk: RawChunk, firstKey: string): string {
  const name = /^\d{1,10}$/.test(firstKey)
    ? firstKey.padStart(10, '0')
    : /^[A-Za-z0-9_-]{1,100}$/.test(firstKey)
      ? firstKey
      : encodeURIComponent(firstKey).slice(0, 200);
  return `${rawChunkPrefix(chunk)}${name}.parquet`;
}

export function rawTablePrefix(tenantId: string, source: string, table: string): string {
  return `${assertTenantId(tenantId)}/raw/${assertSource(source)}/${table}/`;
}

/** A source name reaches a key only when it is a registry-shaped slug (never `..` or a path). */
function assertSource(source: string): string {
  if (!SOURCE_NAME_PATTERN.test(source)) throw new Error(`invalid source name ${JSON.stringify(source)}`);
  return source;
}

export function chunkIdFor(index: number): string {
  return `c${String(index).padStart(5, '0')}`;
}

export interface ChunkParts {
  tenantId: string;
  source: string;
  table: string;
  jobId: string;
  chunkId: string;
}

/**
 * The canonical area of one source's rows of a tenant's table: `{tenant}/canonical/{table}/{source}/`.
 * Each source has its own, so two sources of one tenant never overwrite each other's history; readers take
 * every `{tenant}/canonical/{table}/*\/history.parquet` (`source` is a column of the rows too). Not a hive
 * `source=` folder: DuckDB would add a second `source` column from the path.
 */
export function canonicalSourcePrefix(tenantId: string, table: string, source: string): string {
  return `${assertTenantId(tenantId)}/canonical/${table}/${assertSource(source)}/`;
}

/** A transformed chunk's canonical versions: one file per raw chunk, so a re-run rewrites it in place. */
export function canonicalVersionsKey(parts: ChunkParts): string {
  return `${canonicalVersionsPrefix(parts.tenantId, parts.table, parts.source)}${parts.jobId}/${parts.chunkId}.parquet`;
}

export function canonicalVersionsPrefix(tenantId: string, table: string, source: string): string {
  return `${canonicalSourcePrefix(tenantId, table, source)}versions/`;
}

/** The compacted SCD2 history of one source's rows of a tenant's table (its base layer; see historyDeltasPrefix). */
export function canonicalHistoryKey(tenantId: string, table: string, source: string): string {
  return `${canonicalSourcePrefix(tenantId, table, source)}history.parquet`;
}

/**
 * The history's deltas (issue 15): each compaction that folds a few changes in writes one, holding the whole
 * new history of every record it touched, numbered by layer; readers take a record's rows from its highest
 * delta, else from `history.parquet` (shared/lake/historyLayers.ts). Zero-padded so keys sort by layer.
 */
export function historyDeltasPrefix(tenantId: string, table: string, source: string): string {
  return `${canonicalSourcePrefix(tenantId, table, source)}history.deltas/`;
}

export function historyDeltaKey(tenantId: string, table: string, source: string, layer: number): string {
  return `${historyDeltasPrefix(tenantId, table, source)}${String(layer).padStart(10, '0')}.parquet`;
}

/** Records of a chunk that failed validation, with their reasons. */
export function quarantineKey(parts: ChunkParts): string {
  return `${assertTenantId(parts.tenantId)}/quarantine/${parts.table}/${assertSource(parts.source)}/${parts.jobId}/${parts.chunkId}.parquet`;
}

/** The lake's areas: the second segment of every key (`{tenant}/{area}/…`). */
export const LAKE_AREAS = ['raw', 'canonical', 'quarantine'] as const;
export type LakeArea = (typeof LAKE_AREAS)[number];

/** The area a key belongs to, or undefined for a key outside the layout. */
export function lakeArea(key: string): LakeArea | undefined {
  const area = key.split('/', 2)[1];
  return (LAKE_AREAS as readonly string[]).includes(area ?? '') ? (area as LakeArea) : undefined;
}
