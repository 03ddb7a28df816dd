import { assertTenantId } from '../config/tenantId';

export interface RawChunk {
  tenantId: string;
  service: string;
  table: string;
  jobStartedAt: string;
  jobId: string;
  chunkId: string;
}

/**
 * The prefix of a chunk's raw parts (DESIGN §6): `{tenant}/raw/{service}/{table}/date=YYYY-MM-DD/{jobId}/{chunkId}-`.
 * The date is the job's start (UTC), so one job's files sit under one partition and re-runs never move them.
 */
export function rawChunkPrefix(chunk: RawChunk): string {
  const date = chunk.jobStartedAt.slice(0, 10);
  return `${assertTenantId(chunk.tenantId)}/raw/${chunk.service}/${chunk.table}/date=${date}/${chunk.jobId}/${chunk.chunkId}-`;
}

/** A raw part, named by its first record id, zero-padded so keys sort in id order (ids are 32-bit). */
export function rawObjectKey(chunk: RawChunk, firstId: number): string {
  return `${rawChunkPrefix(chunk)}${String(firstId).padStart(10, '0')}.parquet`;
}

export function rawTablePrefix(tenantId: string, service: string, table: string): string {
  return `${assertTenantId(tenantId)}/raw/${service}/${table}/`;
}

export function chunkIdFor(index: number): string {
  return `c${String(index).padStart(5, '0')}`;
}

/** A transformed chunk's canonical versions: one file per raw chunk, so a re-run rewrites it in place. */
export function canonicalVersionsKey(parts: {
  tenantId: string;
  table: string;
  jobId: string;
  chunkId: string;
}): string {
  return `${assertTenantId(parts.tenantId)}/canonical/${parts.table}/versions/${parts.jobId}/${parts.chunkId}.parquet`;
}

export function canonicalVersionsPrefix(tenantId: string, table: string): string {
  return `${assertTenantId(tenantId)}/canonical/${table}/versions/`;
}

/** The compacted SCD2 history of one tenant's table, rewritten whole by each compaction. */
export function canonicalHistoryKey(tenantId: string, table: string): string {
  return `${assertTenantId(tenantId)}/canonical/${table}/history.parquet`;
}

/** Records of a chunk that failed validation, with their reasons. */
export function quarantineKey(parts: {
  tenantId: string;
  table: string;
  jobId: string;
  chunkId: string;
}): string {
  return `${assertTenantId(parts.tenantId)}/quarantine/${parts.table}/${parts.jobId}/${parts.chunkId}.parquet`;
}

/** The lake's areas: the second segment of every key (`{tenant}/{area}/…`). */
export const LAKE_AREAS = ['raw', 'canonical', 'quarantine'] as const;
export type LakeArea = (typeof LAKE_AREAS)[number];

/** The area a key belongs to, or undefined for a key outside the layout. */
export function lakeArea(key: string): LakeArea | undefined {
  const area = key.split('/', 2)[1];
  return (LAKE_AREAS as readonly string[]).includes(area ?? '') ? (area as LakeArea) : undefined;
}
