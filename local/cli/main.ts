import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { loadTenantsFile, type LoadedTenants } from '../../shared/config/tenantsFile';
import { errorMessage, ValidationError } from '../../shared/errors';
import type { JobProgress } from '../../services/progress/readProgress';
import { listWatermarks } from '../../shared/state/watermarks';
import { DEMO_TENANTS, startDemo, type Demo } from '../demo';
import { LocalPipeline } from '../pipeline';
import type { BackfillRequest } from '../../services/discovery/discoverTenants';
import { StateView } from '../stateView';
import { dlq, type DlqOptions } from './dlq';
import { migrateLake } from './migrateLake';
import { queryLake } from './query';
import { serveUntilStopped, type ServeOptions } from './serve';
import { registerUsersCommand } from './users';
import { ensureDemoUsers } from '../demoUsers';
import { DEFAULT_WIDTH, renderProgress, renderSummary, wrap } from './render';
import { tenants } from './tenants';
import { trigger, type TriggerDeps } from './trigger';

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

export async function main(argv: string[], io: CliIo = defaultIo, aws: TriggerDeps = {}): Promise<number> {
  let code = 0;
  const program = commandLine(io, (result) => (code = result), aws);
  try {
    if (argv.length === 0) {
      io.out(program.helpInformation().trimEnd());
      code = 2;
    } else {
      await program.parseAsync(argv, { from: 'user' });
    }
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (with a suggestion for a mistyped command or option) or the help.
      code = HELP_CODES.has(error.code) ? 0 : 2;
    } else {
      io.err(error instanceof ValidationError ? `error: ${error.message}` : `error: ${errorMessage(error)}`);
      code = 2;
    }
  }
  if (io === defaultIo) process.exitCode = code;
  return code;
}

/** What commander throws (through exitOverride) for --help and --version: not errors. */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

const { version } = require('../../package.json') as { version: string };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * The `avesa` command line (commander): per-command `--help`, `--version`, suggestions for mistyped commands
 * and options, every message through `io`. Exit codes: 0 ok (a lane paused at a source's quota included), 1 a tenant failed, 2 bad input.
 */
function commandLine(io: CliIo, done: (code: number) => void, aws: TriggerDeps): Command {
  const program = new Command('avesa')
    .description(
      "sync tenants' ConnectWise, ServiceNow and Salesforce data into a Parquet lake, with canonical SCD2 history",
    )
    .version(version, '-V, --version')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      getOutHelpWidth: () => io.columns ?? DEFAULT_WIDTH,
      getErrHelpWidth: () => io.columns ?? DEFAULT_WIDTH,
    })
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError('(add --help for usage)');
  const lake = ['--lake <dir>', 'where the Parquet lake lives', '.avesa/lake'] as const;
  const state = ['--state <dir>', 'queues, progress, watermarks and logs', '.avesa/state'] as const;

  program
    .command('run')
    .description(
      'run one sync job; without --tenants a demo: built-in ConnectWise, ServiceNow and Salesforce simulators, five tenants. ' +
        'Run it again with the same --state and only what changed is fetched; an interrupted run resumes.',
    )
    .option('--tenants <file>', 'tenants file (JSON, see README)')
    .option(...lake)
    .option(...state)
    .option('--json', 'print a machine-readable summary instead of the live view', false)
    .option('--tenant <id>', 'only this tenant (repeatable)', collect)
    .option('--deadline-ms <n>', 'per-invocation deadline of every handler (default: the Lambda timeouts)')
    .option(
      '--sweep-deletes',
      "sweep every table for deletes at the source in this job, whatever the tenant's deletes.sweepEveryHours says",
      false,
    )
    .option(
      '--serve',
      'then serve the API and dashboard over the lake (the demo also creates its users)',
      false,
    )
    .option('--port <n>', 'with --serve: TCP port', '3000')
    .option('--host <address>', 'with --serve: address to listen on', '127.0.0.1')
    .action(async (options: RunOptions) => {
      const code = await run(options, io);
      done(options.serve ? await serveAfterRun(options, io, code) : code);
    });

  program
    .command('backfill')
    .description(
      "re-fetch a range of a tenant's changes into the lake and its canonical history, in slices on the backfill " +
        'lane; no watermark moves, and running it twice adds nothing. Locally (the demo without --tenants), or on a ' +
        'deployed stage with --stage',
    )
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--source <name>', 'only this source')
    .option('--table <name>', 'only this canonical table (companies, contacts, tickets, time_entries)')
    .requiredOption('--from <iso>', 'changes after this instant (inclusive), e.g. 2024-01-01T00:00:00Z')
    .option('--to <iso>', 'changes up to this instant (default: now)')
    .option('--stage <stage>', 'start it on a deployed stage (AWS credentials from the environment)')
    .option('--tenants <file>', 'tenants file (JSON, see README)')
    .option(...lake)
    .option(...state)
    .option('--json', 'print a machine-readable summary instead of the live view', false)
    .action(async (options: BackfillOptions) => {
      const backfill: BackfillRequest = {
        from: options.from,
        ...(options.to ? { to: options.to } : {}),
        ...(options.source ? { source: options.source } : {}),
        ...(options.table ? { table: options.table } : {}),
      };
      if (options.stage !== undefined) {
        const args = [
          '--stage',
          options.stage,
          '--tenant',
          options.tenant,
          ...(options.json ? ['--json'] : []),
        ];
        done(await trigger(args, io, aws, { backfill }));
        return;
      }
      done(
        await run(
          {
            serve: false,
            port: '0',
            host: '127.0.0.1',
            lake: options.lake,
            state: options.state,
            json: options.json,
            tenant: [options.tenant],
            sweepDeletes: false,
            ...(options.tenants ? { tenants: options.tenants } : {}),
            backfill,
          },
          io,
        ),
      );
    });

  program
    .command('serve')
    .description(
      'serve the analytics API and the dashboard over the lake (DuckDB) until Ctrl-C; users: avesa users add',
    )
    .option(...lake)
    .option(...state)
    .option('--port <n>', 'TCP port (0: any free one)', '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--web <dir>', 'the built dashboard to serve (default: web/dist, built by npm run build:web)')
    .option('--tenant-rate-limit <n>', 'requests per minute per tenant to /api (default 6000)')
    .option('--tenants <file>', "tenants file: the tenants' names for the dashboard")
    .action(async (options: ServeOptions) => done(await serveUntilStopped(options, io)));

  registerUsersCommand(program, io, done);

  program
    .command('status')
    .description('jobs in the state store and the progress of the newest (read-only, safe during a run)')
    .option(...state)
    .option('--job <id>', 'this job instead of the newest')
    .option('--json', 'machine-readable', false)
    .action(async (options: StatusOptions) => done(await status(options, io)));

  program
    .command('query')
    .description(
      'SQL (DuckDB) over the canonical lake: views companies, contacts, tickets, time_entries (current rows) ' +
        'and *_history (every version), across tenants and sources',
    )
    .argument('<sql>', 'one SQL statement, in quotes')
    .option(...lake)
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print JSON', false)
    .option('--csv', 'print CSV', false)
    .action(async (sql: string, options: QueryOptions) => done(await query(sql, options, io)));

  program
    .command('migrate-lake')
    .description(
      'move a lake written before sources were plug-ins to the per-source layout (the canonical layer is ' +
        'mapped again from the raw one)',
    )
    .option(...lake)
    .option('--tenants <file>', "tenants file, for sources whose mappings depend on a tenant's settings")
    .option('--json', 'machine-readable', false)
    .action(async (options: { lake: string; tenants?: string; json: boolean }) =>
      done(await migrate(options, io)),
    );

  const deadLetters = program
    .command('dlq')
    .description('dead-letter queues, local (--state) or of a deployed stage (--stage)');
  for (const [name, description] of [
    ['list', 'every dead letter: queue, tenant, event, receive count, first sent, last error (read-only)'],
    [
      'replay',
      'move dead letters back to their queues; `avesa run` with the same --state then processes them',
    ],
  ] as const) {
    deadLetters
      .command(name)
      .description(description)
      .option(...state)
      .option('--stage <stage>', 'the DLQs of a deployed stage (AWS credentials from the environment)')
      .option(
        '--queue <service>',
        'only this consumer: chunk-planner, fetcher, backfill-fetcher, transform or progress',
      )
      .option('--json', 'machine-readable', false)
      .action(async (options: DlqOptions) => done(await dlq(name, options, io)));
  }

  // These two parse their own options (each source adds flags to `tenants add`), and answer --help themselves.
  program
    .command('tenants')
    .description("a deployed stage's tenants: add | list | disable | enable (`avesa tenants help` for flags)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]')
    .action(async (args: string[]) => done(await tenants(args, io)));
  program
    .command('trigger')
    .description('start a sync of a deployed stage now: --stage S [--tenant ID ...] [--json]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]')
    .action(async (args: string[]) => done(await trigger(args, io, aws)));
  return program;
}

interface RunOptions {
  serve: boolean;
  port: string;
  host: string;
  tenants?: string;
  lake: string;
  state: string;
  json: boolean;
  tenant?: string[];
  deadlineMs?: string;
  sweepDeletes: boolean;
  /** `avesa backfill`: this job re-fetches a range instead of syncing what changed. */
  backfill?: BackfillRequest;
}

interface BackfillOptions {
  tenant: string;
  source?: string;
  table?: string;
  from: string;
  to?: string;
  stage?: string;
  tenants?: string;
  lake: string;
  state: string;
  json: boolean;
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
  const deadlineMs = options.deadlineMs ? Number.parseInt(options.deadlineMs, 10) : undefined;
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
              'backfill-fetcher': deadlineMs,
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
    if (demo && !options.backfill && !pipeline.hasPendingWork())
      await makeDemoChanges(pipeline, demo, io, options.json);
    let jobId: string;
    const resumed = pipeline.hasPendingWork() ? pipeline.currentJobId() : undefined;
    if (resumed) {
      jobId = resumed;
      if (!options.json) io.out(`resuming interrupted job ${jobId}`);
    } else {
      jobId = (
        await pipeline.startJob(options.tenant, {
          sweepDeletes: options.sweepDeletes,
          ...(options.backfill ? { backfill: options.backfill } : {}),
        })
      ).jobId;
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
    // A paused lane (a source's quota) is not a failure: the next job resumes it.
    const failed = progress.tenants.some(
      (tenant) => tenant.status !== 'succeeded' && tenant.status !== 'paused',
    );
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
      io.out(
        `${failed ? 'FAILED' : 'done'} in ${((Date.now() - started) / 1000).toFixed(1)} s; query the lake:`,
      );
      // A command on lines of its own, continued with a backslash, so it can be copied whole at any width.
      const sql = '  avesa query "SELECT tenant_id, source, count(*) FROM tickets GROUP BY ALL"';
      if (options.lake === '.avesa/lake') io.out(sql);
      else {
        io.out(`${sql} \\`);
        io.out(`    --lake ${options.lake}`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', interrupt);
    pipeline.close();
    await demo?.stop();
  }
}

/** `avesa run --serve` (`npm start`): the demo's users are made and printed, then the API serves the lake. */
async function serveAfterRun(options: RunOptions, io: CliIo, runCode: number): Promise<number> {
  const serveOptions: ServeOptions = {
    lake: options.lake,
    state: options.state,
    port: options.port,
    host: options.host,
    ...(options.tenants ? { tenants: options.tenants } : {}),
  };
  const logins = options.tenants ? [] : await ensureDemoUsers(resolve(options.state));
  const stopped = serveUntilStopped(serveOptions, io, (url) => {
    io.out('');
    io.out(`dashboard and API: ${url}  (Ctrl-C to stop)`);
    if (logins.length > 0) {
      io.out('demo logins (tenant, email, password):');
      for (const login of logins)
        io.out(`  ${login.tenantId.padEnd(15)} ${login.email.padEnd(30)} ${login.password}  (${login.role})`);
    } else {
      io.out('add users with: avesa users add --tenant T --email E --role admin --state ' + options.state);
    }
  });
  const served = await stopped;
  return runCode !== 0 ? runCode : served;
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
          table.status === 'synced' || table.status === 'paused' || table.status === 'failed'
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

/** Failed when a tenant failed; paused when none did and some wait for a source's quota; else succeeded. */
function overallStatus(progress: JobProgress): 'succeeded' | 'paused' | 'failed' {
  const statuses = new Set(progress.tenants.map((tenant) => tenant.status));
  if ([...statuses].some((status) => status !== 'succeeded' && status !== 'paused')) return 'failed';
  return statuses.has('paused') ? 'paused' : 'succeeded';
}

export function jsonSummary(progress: JobProgress, extra: Record<string, unknown>) {
  return {
    jobId: progress.jobId,
    jobStartedAt: progress.jobStartedAt,
    status: overallStatus(progress),
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
        deleted: table.deleted,
        backfill: table.backfill,
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

/** Read-only (StateView): it takes no lock and writes nothing, so it is safe while `avesa run` is running. */
async function status(options: StatusOptions, io: CliIo): Promise<number> {
  const pipeline = new StateView(resolve(options.state));
  try {
    const jobs = await pipeline.jobs();
    const jobId = options.job ?? jobs[0]?.jobId;
    const progress = jobId ? await pipeline.progress(jobId) : undefined;
    const running = pipeline.runningProcess();
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            jobs,
            running: running !== undefined,
            pendingWork: pipeline.hasPendingWork(),
            progress: progress ?? null,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    if (jobs.length === 0) {
      io.out(`no jobs in ${resolve(options.state)}`);
      return 0;
    }
    io.out('jobs (newest first):');
    for (const job of jobs.slice(0, 10)) io.out(`  ${job.jobId}  started ${job.jobStartedAt}`);
    if (running !== undefined)
      io.out(`\na run is going on (process ${running}); this is its progress so far`);
    else if (pipeline.hasPendingWork())
      io.out('\nthe last run was interrupted: `avesa run` with the same --state resumes it');
    if (progress) {
      io.out('');
      for (const line of renderProgress(progress, io.columns)) io.out(line);
      io.out('');
      for (const line of renderSummary(progress, io.columns)) io.out(line);
    }
    return 0;
  } finally {
    pipeline.close();
  }
}

interface QueryOptions {
  lake: string;
  tenant?: string;
  json: boolean;
  csv: boolean;
}

async function query(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  if (options.json && options.csv) throw new ValidationError('choose one of --json and --csv');
  const tenantId = options.tenant;
  io.out(
    await queryLake({
      lakeDir: resolve(options.lake),
      sql,
      format: options.json ? 'json' : options.csv ? 'csv' : 'table',
      ...(tenantId ? { tenantId } : {}),
    }),
  );
  return 0;
}
