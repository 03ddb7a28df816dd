import { assertTenantId } from '../config/tenantId';

/**
 * Raw object key (DESIGN §6): `{tenant}/raw/{service}/{table}/date=YYYY-MM-DD/{jobId}/{chunkId}-{part}.parquet`.
 * The date is the job's start (UTC), so one job's files sit under one partition and re-runs never move them.
 */
export function rawObjectKey(parts: {
  tenantId: string;
  service: string;
  table: string;
  jobStartedAt: string;
  jobId: string;
  chunkId: string;
  part: number;
}): string {
  const date = parts.jobStartedAt.slice(0, 10);
  const part = String(parts.part).padStart(5, '0');
  return `${assertTenantId(parts.tenantId)}/raw/${parts.service}/${parts.table}/date=${date}/${parts.jobId}/${parts.chunkId}-${part}.parquet`;
}

export function rawTablePrefix(tenantId: string, service: string, table: string): string {
  return `${assertTenantId(tenantId)}/raw/${service}/${table}/`;
}

export function chunkIdFor(index: number): string {
  return `c${String(index).padStart(5, '0')}`;
}
