import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalPipeline, type LocalPipelineOptions } from '../../local/pipeline';
import { CANONICAL_TABLE_NAMES } from '../../mappings/canonical';
import { createCanonicalViews } from '../../shared/lake/canonicalViews';
import type { BackfillRequest } from '../../services/discovery/discoverTenants';
import { parseTenantsFile, type LoadedTenants } from '../../shared/config/tenantsFile';
import type { ConnectWiseTable } from '../../sources/connectwise/endpoints';
import { silentLog } from '../../shared/ports';
import { startSimulator, type SimulatedTenant, type Simulator, type SimulatorOptions } from '../../simulator';

export interface FleetTenant {
  id: string;
  sizes: Partial<Record<ConnectWiseTable, number>>;
  requestsPerMinute?: number;
  maxConcurrentRequests?: number;
  /** Registers the tenant with a wrong private key. */
  badCredentials?: boolean;
}

export const credentialsOf = (id: string) => ({
  companyId: id,
  publicKey: `${id}-pub`,
  privateKey: `${id}-SECRET-key`,
  clientId: `${id}-client`,
});

export function simulatedTenant(tenant: FleetTenant): SimulatedTenant {
  return { ...credentialsOf(tenant.id), sizes: tenant.sizes, requestsPerMinute: 100_000 };
}

export interface TenantsDocument {
  tenants: Array<{ id: string; services: { connectwise: Record<string, unknown> } }>;
}

/** The tenants document a user would write for this fleet, pointing at the simulator. */
export function tenantsDocument(fleet: FleetTenant[], baseUrl: string) {
  return {
    tenants: fleet.map((tenant) => ({
      id: tenant.id,
      services: {
        connectwise: {
          baseUrl,
          ...credentialsOf(tenant.id),
          ...(tenant.badCredentials ? { privateKey: 'wrong-key' } : {}),
          ...(tenant.requestsPerMinute ? { requestsPerMinute: tenant.requestsPerMinute } : {}),
          ...(tenant.maxConcurrentRequests ? { maxConcurrentRequests: tenant.maxConcurrentRequests } : {}),
        },
      },
    })),
  };
}

export async function startFleet(fleet: FleetTenant[], options: Omit<SimulatorOptions, 'tenants'> = {}) {
  const simulator = await startSimulator({ tenants: fleet.map(simulatedTenant), ...options });
  const tenants: LoadedTenants = parseTenantsFile(tenantsDocument(fleet, simulator.baseUrl), {});
  return { simulator, tenants };
}

export function temporaryDirs() {
  const root = mkdtempSync(join(tmpdir(), 'avesa-e2e-'));
  return { root, lakeDir: join(root, 'lake'), stateDir: join(root, 'state') };
}

/** Runs one job to completion (or resumes the pending one) and returns its progress and the runtime's stats. */
export async function runJob(
  options: Omit<LocalPipelineOptions, 'log'> & {
    log?: LocalPipelineOptions['log'];
    sweepDeletes?: boolean;
    /** An `avesa backfill` job of these tenants instead of a scheduled one. */
    backfill?: BackfillRequest & { tenantIds: string[] };
  },
) {
  const { sweepDeletes, backfill, ...pipelineOptions } = options;
  const pipeline = new LocalPipeline({ log: silentLog, ...pipelineOptions });
  try {
    const jobId = pipeline.hasPendingWork()
      ? pipeline.currentJobId()!
      : (
          await pipeline.startJob(backfill?.tenantIds, {
            sweepDeletes: sweepDeletes === true,
            ...(backfill ? { backfill } : {}),
          })
        ).jobId;
    await pipeline.runUntilIdle();
    const progress = (await pipeline.progress(jobId))!;
    const dlq = Object.values(pipeline.deadLetterQueues).reduce(
      (sum, queue) => sum + queue.peekAll().length,
      0,
    );
    return { jobId, progress, stats: pipeline.runtime.stats, dlq };
  } finally {
    pipeline.close();
  }
}

export interface LakeRow {
  tenant_id: string;
  table_name: string;
  id: number;
  last_updated: string;
  payload: string;
  job_id: string;
}

/** Every raw ConnectWise row of the lake, read with DuckDB the way a user would (ids as numbers). */
export async function readLake(lakeDir: string): Promise<LakeRow[]> {
  return (await readRawLake(lakeDir, 'connectwise')).map((row) => ({ ...row, id: Number(row.id) }));
}

/** A raw row of any source: its key as text (ConnectWise ids are numbers, ServiceNow's are sys_ids). */
export type SourceLakeRow = Omit<LakeRow, 'id'> & { id: string };

/** Every raw row of one source's lake, keys as text whatever the source's key type. */
export async function readRawLake(lakeDir: string, source: string): Promise<SourceLakeRow[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT tenant_id, table_name, id::VARCHAR AS id, strftime(last_updated AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS last_updated,
              payload::VARCHAR AS payload, job_id
       FROM read_parquet('${lakeDir}/*/raw/${source}/*/*/*/*.parquet', hive_partitioning = true)`,
    );
    return reader.getRowObjectsJS() as unknown as SourceLakeRow[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function lakeColumnTypes(lakeDir: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet('${lakeDir}/*/raw/connectwise/*/*/*/*.parquet', hive_partitioning = true)`,
    );
    return Object.fromEntries(
      reader.getRowObjectsJS().map((row) => [row.column_name as string, row.column_type as string]),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The lake as a set of `tenant/table/id → payload`, independent of file layout and job ids. */
export function lakeContents(rows: Array<LakeRow | SourceLakeRow>): Map<string, string> {
  return new Map(rows.map((row) => [`${row.tenant_id}/${row.table_name}/${row.id}`, row.payload]));
}

/** Ids per tenant and table in the simulator's ground truth. */
export function sourceIds(simulator: Simulator, fleet: FleetTenant[]): Map<string, number[]> {
  const ids = new Map<string, number[]>();
  for (const tenant of fleet) {
    for (const table of Object.keys(tenant.sizes) as ConnectWiseTable[]) {
      ids.set(
        `${tenant.id}/${table}`,
        simulator.records(tenant.id, table).map((record) => record.id as number),
      );
    }
  }
  return ids;
}

export function lakeIds(rows: LakeRow[]): Map<string, number[]> {
  const ids = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.tenant_id}/${row.table_name}`;
    ids.set(key, [...(ids.get(key) ?? []), row.id]);
  }
  for (const list of ids.values()) list.sort((a, b) => a - b);
  return ids;
}

/** Records returned by list calls of a tenant (planning calls ask for one id and are excluded). */
export function recordsListed(simulator: Simulator, tenantId: string): number {
  return simulator
    .requests(tenantId)
    .filter(
      (request) =>
        request.status === 200 && !request.path.endsWith('/count') && request.query.fields !== 'id',
    )
    .reduce((sum, request) => sum + request.records, 0);
}

/**
 * The simulator in a process of its own, for tests that measure time: in-process, its CPU would be charged
 * to the invocations under test, which in Lambda run on CPUs of their own. Tenants are `name:tickets`
 * (see simulator/main.ts for the other table sizes and the credentials).
 */
export async function startSimulatorProcess(
  tenantSpec: string,
  latency: string,
): Promise<{ baseUrl: string; document: TenantsDocument; tenants: LoadedTenants; stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'tsx/cjs',
      join(__dirname, '..', '..', 'simulator', 'main.ts'),
      '--port',
      '0',
      '--tenants',
      tenantSpec,
      '--latency',
      latency,
    ],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening: (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
  });
  const ids = tenantSpec.split(',').map((part) => part.split(':')[0]!);
  const document: TenantsDocument = {
    tenants: ids.map((id) => ({
      id,
      services: {
        connectwise: {
          baseUrl,
          companyId: id,
          publicKey: `${id}-public`,
          privateKey: `${id}-private`,
          clientId: '00000000-0000-4000-8000-00000000c1d0',
        },
      },
    })),
  };
  return {
    baseUrl,
    document,
    tenants: parseTenantsFile(document, {}),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The canonical lake as `tenant/source/table/source_id@valid_from → valid_to|is_current|record_hash`, from the
 * canonical views (every history's layers resolved): equal maps mean equal SCD2 histories, whatever the file layout.
 */
export async function readCanonical(lakeDir: string): Promise<Map<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createCanonicalViews(connection, lakeDir);
    const reader = await connection.runAndReadAll(
      CANONICAL_TABLE_NAMES.map(
        (table) =>
          `SELECT tenant_id, source, '${table}' AS table_name, source_id, valid_from::VARCHAR AS valid_from,
                  coalesce(valid_to::VARCHAR, '') AS valid_to, is_current, record_hash
           FROM ${table}_history`,
      ).join(' UNION ALL '),
    );
    return new Map(
      reader
        .getRowObjectsJS()
        .map((row) => [
          `${row.tenant_id}/${row.source}/${row.table_name}/${row.source_id}@${row.valid_from}`,
          `${row.valid_to}|${row.is_current}|${row.record_hash}`,
        ]),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface CliRun {
  /** Exit code; 1 when the process died of a signal. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `avesa` as a user would: a node process of its own, so its timing is not jest's.
 * With `killWhen`, sends it SIGKILL as soon as that condition holds (checked every 20 ms while it runs): a
 * kill tied to the run's progress, not to the clock, lands mid-job however busy the machine is.
 */
export async function runAvesa(
  args: string[],
  options: { env?: Record<string, string>; killWhen?: () => boolean } = {},
): Promise<CliRun> {
  const { spawn } = await import('node:child_process');
  const root = join(__dirname, '..', '..');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'avesa.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const { killWhen } = options;
    const timer =
      killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (killWhen()) child.kill('SIGKILL');
          }, 20);
    child.once('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code: code ?? 1, signal, stdout, stderr });
    });
  });
}

/**
 * Writes a simulator's tenants file under `root` and returns the `avesa run --json` arguments for a run
 * whose lake and state live in `root/{name}/`, so one test can compare several runs side by side.
 */
export function cliRunsOf(document: TenantsDocument, root: string) {
  const tenantsFile = join(root, 'tenants.json');
  writeFileSync(tenantsFile, JSON.stringify(document));
  return {
    lakeOf: (name: string) => join(root, name, 'lake'),
    stateOf: (name: string) => join(root, name, 'state'),
    args: (name: string, ...extra: string[]) => [
      'run',
      '--tenants',
      tenantsFile,
      '--lake',
      join(root, name, 'lake'),
      '--state',
      join(root, name, 'state'),
      '--json',
      ...extra,
    ],
  };
}
