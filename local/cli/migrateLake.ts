import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CANONICAL_TABLE_NAMES, type CanonicalTableName } from '../../mappings/canonical';
import { compactTable } from '../../services/transform/compactTable';
import { transformChunk } from '../../services/transform/transformChunk';
import type { LoadedTenants, SourceConfig } from '../../shared/config/tenantsFile';
import { isValidTenantId } from '../../shared/config/tenantId';
import { makeEvent } from '../../shared/events/schemas';
import { ValidationError } from '../../shared/errors';
import { systemClock, type EventBus } from '../../shared/ports';
import { SOURCE_NAMES, findSource } from '../../sources/registry';
import { FsObjectStore } from '../adapters/fsObjectStore';

/** Nothing listens: the migration's events would only describe what it writes itself. */
const discardingBus: EventBus = { publish: async () => undefined };

export interface MigrationReport {
  tenants: Array<{
    tenantId: string;
    /** Legacy files removed (canonical versions and history, quarantine files without a source segment). */
    removedFiles: number;
    /** Raw chunks mapped again into per-source versions, and the histories compacted from them. */
    chunks: number;
    histories: Array<{ source: string; table: CanonicalTableName; rows: number; currentRows: number }>;
  }>;
}

/**
 * Moves a lake written before sources were plug-ins to the per-source layout (DESIGN §10):
 * `{tenant}/canonical/{table}/{versions/…,history.parquet}` and `{tenant}/quarantine/{table}/{job}/…` carried no
 * source and held integer ids. The raw layer already has the source (`raw/{source}/…`) and keeps every record
 * as received, so the canonical layer is derived again from it: every raw chunk is mapped into
 * `canonical/{table}/{source}/versions/`, each (source, table) history is compacted, and the legacy files are
 * removed last. Idempotent: a lake without legacy files is left as it is; a migration interrupted half-way is
 * finished by running it again (the legacy files go only after the new history is written).
 */
export async function migrateLake(options: {
  lakeDir: string;
  tenants?: LoadedTenants;
}): Promise<MigrationReport> {
  const { lakeDir } = options;
  if (!existsSync(lakeDir)) throw new ValidationError(`lake directory ${lakeDir} does not exist`);
  const lake = new FsObjectStore(lakeDir);
  const report: MigrationReport = { tenants: [] };
  for (const tenantId of readdirSync(lakeDir).filter(
    (name) => isValidTenantId(name) && isDirectory(join(lakeDir, name)),
  )) {
    const legacy = legacyFiles(lakeDir, tenantId);
    if (legacy.length === 0) continue;
    const settingsOf = (source: string): SourceConfig => {
      const configured = options.tenants?.tenants.find((tenant) => tenant.id === tenantId)?.services[source];
      // Without a tenants file, a source's default tables and mappings (a legacy lake has ConnectWise only).
      return configured ?? ({ tables: [...CANONICAL_TABLE_NAMES] } as unknown as SourceConfig);
    };
    const sourceFor = async (_tenant: string, source: string) => {
      const connector = findSource(source);
      if (!connector) throw new ValidationError(`tenant ${tenantId}: raw data of unknown source ${source}`);
      return { connector, settings: settingsOf(source) };
    };
    const deps = { lake, bus: discardingBus, clock: systemClock, sourceFor };
    const chunks = rawChunks(lakeDir, tenantId);
    for (const chunk of chunks) {
      await transformChunk(
        makeEvent(
          'ChunkFetched',
          { tenantId, jobId: chunk.jobId, occurredAt: systemClock.now() },
          {
            source: chunk.source,
            table: chunk.table,
            chunkId: chunk.chunkId,
            records: 0,
            objectKeys: chunk.objectKeys,
            apiCalls: 0,
            invocations: 1,
          },
          [chunk.source, chunk.table, chunk.chunkId],
        ),
        deps,
      );
    }
    const histories: MigrationReport['tenants'][number]['histories'] = [];
    const tables = new Map(chunks.map((chunk) => [`${chunk.source}#${chunk.table}`, chunk]));
    for (const { source, table } of tables.values()) {
      const result = await compactTable(
        makeEvent(
          'TableTransformed',
          { tenantId, jobId: 'migration', occurredAt: systemClock.now() },
          { source, table, versions: 0 },
          [source, table],
        ),
        deps,
      );
      histories.push({ source, table, rows: result.rows, currentRows: result.current });
    }
    for (const path of legacy) rmSync(path, { recursive: true, force: true });
    report.tenants.push({ tenantId, removedFiles: legacy.length, chunks: chunks.length, histories });
  }
  return report;
}

/** Canonical and quarantine paths of a tenant that have no source segment. */
function legacyFiles(lakeDir: string, tenantId: string): string[] {
  const found: string[] = [];
  for (const area of ['canonical', 'quarantine']) {
    for (const table of CANONICAL_TABLE_NAMES) {
      const dir = join(lakeDir, tenantId, area, table);
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir)) if (!SOURCE_NAMES.includes(entry)) found.push(join(dir, entry));
    }
  }
  return found;
}

interface RawChunkFiles {
  source: string;
  table: CanonicalTableName;
  jobId: string;
  chunkId: string;
  objectKeys: string[];
}

/** Raw parts grouped by chunk: `{tenant}/raw/{source}/{table}/date=…/{job}/{chunk}-{first key}.parquet`. */
function rawChunks(lakeDir: string, tenantId: string): RawChunkFiles[] {
  const chunks = new Map<string, RawChunkFiles>();
  const rawDir = join(lakeDir, tenantId, 'raw');
  if (!existsSync(rawDir)) return [];
  for (const source of readdirSync(rawDir).filter((name) => SOURCE_NAMES.includes(name))) {
    for (const table of CANONICAL_TABLE_NAMES) {
      const tableDir = join(rawDir, source, table);
      if (!existsSync(tableDir)) continue;
      for (const date of readdirSync(tableDir)) {
        for (const jobId of readdirSync(join(tableDir, date))) {
          for (const file of readdirSync(join(tableDir, date, jobId)).sort()) {
            const chunkId = /^(c\d{5})-.+\.parquet$/.exec(file)?.[1];
            if (!chunkId) continue;
            const id = `${source}#${table}#${jobId}#${chunkId}`;
            const chunk = chunks.get(id) ?? { source, table, jobId, chunkId, objectKeys: [] };
            chunk.objectKeys.push([tenantId, 'raw', source, table, date, jobId, file].join('/'));
            chunks.set(id, chunk);
          }
        }
      }
    }
  }
  return [...chunks.values()];
}

function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}
