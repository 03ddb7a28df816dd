import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadTenantsFile, type LoadedTenants } from '../../shared/config/tenantsFile';
import { errorMessage, ValidationError } from '../../shared/errors';
import type { JobProgress } from '../../services/progress/readProgress';
import { listWatermarks } from '../../shared/state/watermarks';
import { DEMO_TENANTS, startDemo, type Demo } from '../demo';
import { LocalPipeline } from '../pipeline';
import { dlq } from './dlq';
import { migrateLake } from './migrateLake';
import { queryLake } from './query';
import { renderProgress, renderSummary, wrap } from './render';
import { tenants } from './tenants';
import { trigger } from './trigger';

const USAGE = `avesa: sync tenants' ConnectWise and ServiceNow data into a Parquet lake

usage:
  avesa run [--tenants FILE] [--lake DIR] [--state DIR] [--json] [--tenant ID ...]
      Runs one sync job. Without --tenants, a demo: built-in ConnectWise and ServiceNow simulators, four
      tenants (one on ServiceNow, one on both sources).
      Run it again with the same --state and only what changed is fetched. An interrupted run resumes.
  avesa status [--state DIR] [--job ID] [--json]
      Jobs in the state store and their progress.
  avesa query "SQL" [--lake DIR] [--tenant ID] [--json | --csv]
      SQL (DuckDB) over the canonical lake: views companies, contacts, tickets, time_entries (current
      rows) and companies_history, contacts_history, tickets_history, time_entries_history (every
      version, valid_from / valid_to / is_current), across tenants with a tenant_id column.
  avesa migrate-lake [--lake DIR] [--tenants FILE] [--json]
      Moves a lake written before sources were plug-ins (canonical and quarantine files without a source,
      integer ids) to the per-source layout, deriving the canonical layer again from the raw one.
  avesa dlq list [--state DIR | --stage S] [--queue Q] [--json]
      Every message in the dead-letter queues: tenant, event, receive count, first sent, last error.
  avesa dlq replay [--state DIR | --stage S] [--queue Q] [--json]
      Moves dead letters back to their queues; then \`avesa run\` with the same --state processes them.
      With --stage, starts an SQS message move task per DLQ of that deployed stage.

deployed stages (AWS credentials and region from the environment):
  avesa tenants add --stage S --tenant ID [--source S] [source flags] [--name NAME] [--tables T,T]
                    [--requests-per-minute N] [--max-concurrent-requests N] [--backfill-from ISO]
                    [--disabled] [--credentials-stdin] [--json]
      Registers or updates a tenant's source: settings in DynamoDB (avesa-S-tenants), keys in Secrets
      Manager (avesa/S/ID/SOURCE). Secrets come from the environment or, with --credentials-stdin, a JSON
      object on stdin; never from arguments. \`avesa tenants help\` lists each source's flags and variables.
  avesa tenants list --stage S [--json]
      Tenants of the stage: enabled, sources, budget, and whether their secrets exist (never their values).
  avesa tenants disable|enable --stage S --tenant ID
      Discovery skips a disabled tenant from the next job on.
  avesa trigger --stage S [--tenant ID ...] [--json]
      Starts a sync now: invokes avesa-S-discovery synchronously and prints the job id and its tenants.

options:
  --tenants FILE   tenants file (JSON, see README)
  --lake DIR       where the Parquet lake is written (default .avesa/lake)
  --state DIR      queues, progress, watermarks and logs (default .avesa/state)
  --json           print a machine-readable summary instead of the live view
  --tenant ID      only these tenants (repeatable)
  --deadline-ms N  per-invocation deadline of every handler (default: the Lambda timeouts)
  --csv            query: print CSV
  --queue Q        dlq: only this consumer's DLQ (chunk-planner, fetcher, transform or progress)
  --stage S        dlq: the DLQs of a deployed stage (avesa-S-*), using AWS credentials from the environment
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
  /** The terminal's width; output that is a table or a live view fits it (default 80). */
  columns?: number;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stdout.isTTY),
  get columns() {
    return process.stdout.columns;
  },
  env: process.env,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let code: number;
  try {
    code = await dispatch(argv, io);
  } catch (error) {
    io.err(error instanceof ValidationError ? `error: ${error.message}` : `error: ${errorMessage(error)}`);
    code = 2;
  }
  if (io === defaultIo) process.exitCode = code;
  return code;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  // These parse their own options: they share none with the local commands.
  if (command === 'tenants') return tenants(rest, io);
  if (command === 'trigger') return trigger(rest, io);
  const subcommand = command === 'dlq' ? rest.shift() : undefined;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: command === 'query',
    options: {
      tenants: { type: 'string' },
      lake: { type: 'string', default: '.avesa/lake' },
      state: { type: 'string', default: '.avesa/state' },
      json: { type: 'boolean', default: false },
      tenant: { type: 'string', multiple: true },
      job: { type: 'string' },
      'deadline-ms': { type: 'string' },
      queue: { type: 'string' },
      stage: { type: 'string' },
      csv: { type: 'boolean', default: false },
    },
    strict: true,
  });
  switch (command) {
    case 'run':
      return run(values, io);
    case 'status':
      return status(values, io);
    case 'dlq':
      return dlq(subcommand, values, io);
    case 'query':
      return query(positionals, values, io);
    case 'migrate-lake':
      return migrate(values, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`error: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

interface RunOptions {
  tenants?: string;
  lake: string;
  state: string;
  json: boolean;
  tenant?: string[];
  'deadline-ms'?: string;
}

async function run(options: RunOptions, io: CliIo): Promise<number> {
  let demo: Demo | undefined;
  let tenants: LoadedTenants;
  if (options.tenants) {
    tenants = loadTenantsFile(resolve(options.tenants), io.env);
  } else {
    demo = await startDemo();
    tenants = demo.tenants;
  }
  const deadlineMs = options['deadline-ms'] ? Number.parseInt(options['deadline-ms'], 10) : undefined;
  if (deadlineMs !== undefined && !(deadlineMs > 0))
    throw new ValidationError(`--deadline-ms must be a positive integer`);
  const pipeline = new LocalPipeline({
    tenants,
    lakeDir: resolve(options.lake),
    stateDir: resolve(options.state),
    ...(deadlineMs
      ? {
          runtime: {
            invocationTimeoutMs: {
              'chunk-planner': Math.max(deadlineMs, 10_000),
              fetcher: deadlineMs,
              progress: Math.max(deadlineMs, 10_000),
            },
          },
          // Stop starting pages early enough that the page in flight and the part write still fit.
          fetcher: { safetyMarginMs: Math.min(5000, Math.floor(deadlineMs / 2)) },
        }
      : {}),
  });
  const interrupt = () => {
    io.err('\ninterrupted: state is saved; run the same command again to resume this job');
    pipeline.runtime.stop();
  };
  process.once('SIGINT', interrupt);
  try {
    if (demo && !pipeline.hasPendingWork()) await makeDemoChanges(pipeline, demo, io, options.json);
    let jobId: string;
    const resumed = pipeline.hasPendingWork() ? pipeline.currentJobId() : undefined;
    if (resumed) {
      jobId = resumed;
      if (!options.json) io.out(`resuming interrupted job ${jobId}`);
    } else {
      jobId = (await pipeline.startJob(options.tenant)).jobId;
      if (!options.json)
        for (const line of wrap(
          `job ${jobId}: syncing ${tenants.tenants.filter((tenant) => tenant.enabled).length} tenant(s) into ${resolve(options.lake)}`,
          io.columns,
        ))
          io.out(line);
    }
    const started = Date.now();
    const live = !options.json ? startLiveView(pipeline, jobId, io) : undefined;
    await pipeline.runUntilIdle();
    await live?.stop();
    const recorded = await pipeline.progress(jobId);
    if (!recorded) throw new Error(`job ${jobId} left no progress in the state store`);
    const progress = concludeIdleRun(recorded, deadLetterCounts(pipeline));
    const failed = progress.tenants.some((tenant) => tenant.status !== 'succeeded');
    if (options.json) {
      io.out(
        JSON.stringify(
          jsonSummary(progress, {
            lake: resolve(options.lake),
            state: resolve(options.state),
            durationMs: Date.now() - started,
            dlq: deadLetterCounts(pipeline),
            invocations: pipeline.runtime.stats.invocations,
            invocationsPastDeadline: pipeline.runtime.stats.overruns.length,
          }),
          null,
          2,
        ),
      );
    } else {
      io.out('');
      for (const line of renderSummary(progress, io.columns)) io.out(line);
      const dlq = deadLetterCounts(pipeline);
      if (Object.values(dlq).some((count) => count > 0)) io.out(`dead-letter queues: ${JSON.stringify(dlq)}`);
      io.out('');
      for (const line of wrap(
        `${failed ? 'FAILED' : 'done'} in ${((Date.now() - started) / 1000).toFixed(1)} s; query it: avesa query "SELECT tenant_id, count(*) FROM tickets GROUP BY ALL"${options.lake === '.avesa/lake' ? '' : ` --lake ${options.lake}`}`,
        io.columns,
        '  ',
      ))
        io.out(line);
    }
    return failed ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', interrupt);
    pipeline.close();
    await demo?.stop();
  }
}

/**
 * The job as the run ends it: the runtime is idle, so a table still planning or fetching can no longer finish
 * in this run (its messages are dead letters, or a run was stopped): it and its tenant are failed, with a
 * reason that says where to look, rather than shown as running.
 */
export function concludeIdleRun(progress: JobProgress, deadLetters: Record<string, number>): JobProgress {
  const waiting = Object.entries(deadLetters)
    .filter(([, count]) => count > 0)
    .map(([queue, count]) => `${count} in ${queue}`)
    .join(', ');
  return {
    ...progress,
    tenants: progress.tenants.map((tenant) => {
      if (tenant.status !== 'running') return tenant;
      return {
        ...tenant,
        status: 'failed',
        tables: tenant.tables.map((table) =>
          table.status === 'synced' || table.status === 'failed'
            ? table
            : {
                ...table,
                status: 'failed',
                error: table.error ?? {
                  code: 'Unfinished',
                  message: `tenant ${tenant.tenantId}, source ${table.source}, table ${table.table}: did not finish in this run (${table.status}): ${waiting ? `dead letters: ${waiting}; see avesa dlq list` : 'the run was stopped; run again to resume'}`,
                  retryable: true,
                },
              },
        ),
      };
    }),
  };
}

/** `avesa migrate-lake`: a lake written before sources were plug-ins, moved to the per-source layout. */
async function migrate(
  options: { lake: string; tenants?: string; json: boolean },
  io: CliIo,
): Promise<number> {
  const report = await migrateLake({
    lakeDir: resolve(options.lake),
    ...(options.tenants ? { tenants: loadTenantsFile(resolve(options.tenants), io.env) } : {}),
  });
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
    return 0;
  }
  if (report.tenants.length === 0)
    io.out(`nothing to migrate: ${resolve(options.lake)} has the per-source layout`);
  for (const tenant of report.tenants) {
    io.out(
      `${tenant.tenantId}: ${tenant.chunks} raw chunks mapped again, ${tenant.removedFiles} legacy paths removed`,
    );
    for (const history of tenant.histories)
      io.out(
        `  ${history.source} ${history.table}: ${history.currentRows} current rows, ${history.rows} versions`,
      );
  }
  return 0;
}

/** On a repeated demo run, change about 1% of every table so the incremental sync has something to fetch. */
async function makeDemoChanges(
  pipeline: LocalPipeline,
  demo: Demo,
  io: CliIo,
  quiet: boolean,
): Promise<void> {
  const previous = await listWatermarks(pipeline.state, DEMO_TENANTS[0]!.id);
  if (previous.length === 0) return;
  const changed = demo.changeOnePercent();
  if (!quiet)
    io.out(`demo: the simulator changed ${changed} records (1%) since the last run; this run is incremental`);
}

function startLiveView(pipeline: LocalPipeline, jobId: string, io: CliIo) {
  let drawn = 0;
  const draw = async (final: boolean) => {
    const progress = await pipeline.progress(jobId);
    if (!progress) return;
    const lines = renderProgress(progress, io.columns);
    if (io.isTty) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
      for (const line of lines) process.stdout.write(`\x1b[2K${line}\n`);
      drawn = lines.length;
    } else if (final) {
      for (const line of lines) io.out(line);
    }
  };
  const timer = setInterval(() => void draw(false), io.isTty ? 200 : 60_000);
  return {
    stop: async () => {
      clearInterval(timer);
      await draw(true);
    },
  };
}

function deadLetterCounts(pipeline: LocalPipeline): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pipeline.deadLetterQueues).map(([service, queue]) => {
      const depth = queue.depth();
      return [service, depth.visible + depth.inFlight + depth.delayed];
    }),
  );
}

export function jsonSummary(progress: JobProgress, extra: Record<string, unknown>) {
  return {
    jobId: progress.jobId,
    jobStartedAt: progress.jobStartedAt,
    status: progress.tenants.every((tenant) => tenant.status === 'succeeded') ? 'succeeded' : 'failed',
    ...extra,
    tenants: progress.tenants.map((tenant) => ({
      tenantId: tenant.tenantId,
      status: tenant.status,
      records: tenant.records,
      apiCalls: tenant.apiCalls,
      tables: tenant.tables.map((table) => ({
        source: table.source,
        table: table.table,
        status: table.status,
        records: table.records,
        files: table.files,
        canonicalVersions: table.canonicalVersions,
        currentRows: table.currentRows,
        quarantined: table.quarantined,
        chunks: table.chunksDone,
        watermark: table.watermark,
        errors: table.error ? [table.error] : [],
      })),
    })),
  };
}

interface StatusOptions {
  state: string;
  job?: string;
  json: boolean;
}

async function status(options: StatusOptions, io: CliIo): Promise<number> {
  const pipeline = new LocalPipeline({
    tenants: { tenants: [], credentials: new Map() },
    lakeDir: resolve('.avesa/unused'),
    stateDir: resolve(options.state),
  });
  try {
    const jobs = await pipeline.jobs();
    const jobId = options.job ?? jobs[0]?.jobId;
    const progress = jobId ? await pipeline.progress(jobId) : undefined;
    if (options.json) {
      io.out(
        JSON.stringify({ jobs, pendingWork: pipeline.hasPendingWork(), progress: progress ?? null }, null, 2),
      );
      return 0;
    }
    if (jobs.length === 0) {
      io.out(`no jobs in ${resolve(options.state)}`);
      return 0;
    }
    io.out('jobs (newest first):');
    for (const job of jobs.slice(0, 10)) io.out(`  ${job.jobId}  started ${job.jobStartedAt}`);
    if (pipeline.hasPendingWork())
      io.out('\nthe last run was interrupted: `avesa run` with the same --state resumes it');
    if (progress) {
      io.out('');
      for (const line of renderProgress(progress)) io.out(line);
      io.out('');
      for (const line of renderSummary(progress, io.columns)) io.out(line);
    }
    return 0;
  } finally {
    pipeline.close();
  }
}

async function query(
  positionals: string[],
  options: { lake: string; tenant?: string[]; json: boolean; csv: boolean },
  io: CliIo,
): Promise<number> {
  if (positionals.length !== 1)
    throw new ValidationError('avesa query takes exactly one SQL statement, in quotes');
  if ((options.tenant?.length ?? 0) > 1) throw new ValidationError('avesa query takes at most one --tenant');
  if (options.json && options.csv) throw new ValidationError('choose one of --json and --csv');
  const tenantId = options.tenant?.[0];
  io.out(
    await queryLake({
      lakeDir: resolve(options.lake),
      sql: positionals[0]!,
      format: options.json ? 'json' : options.csv ? 'csv' : 'table',
      ...(tenantId ? { tenantId } : {}),
    }),
  );
  return 0;
}
