/**
 * What one million records cost to ingest on AWS, from operation counts MEASURED on the embedded pipeline
 * (the same handlers as the Lambdas) against the simulator, multiplied by us-east-1 list prices.
 *
 *   npx tsx bench/cost.ts [--records 200000] [--tenants 4] [--latency-ms 200,0,0.5] [--concurrency 1]
 *                         [--changed-percent 1] [--json]
 *
 * Two jobs are measured: the first, full sync, then (unless --changed-percent 0) an incremental one after the
 * simulator changed that share of every table, whose cost is per million records it fetched.
 *
 * Counted by wrapping the ports of a LocalPipeline: events published (EventBridge), messages sent to each
 * queue (SQS), handler invocations and their wall time (Lambda), object puts/gets/lists and bytes (S3),
 * state-store reads and writes with item sizes (DynamoDB), log and EMF metric bytes (CloudWatch Logs).
 * The shared request budget the Lambdas use (DynamoDB-backed; the local runtime uses an in-process one) is
 * measured separately per ConnectWise request and multiplied by the requests the run made.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalStateStore } from '../local/adapters/localStateStore';
import { LocalPipeline } from '../local/pipeline';
import { parseTenantsFile } from '../shared/config/tenantsFile';
import { SharedRequestBudget } from '../shared/budget/sharedRequestBudget';
import { CONSUMER_SERVICES, type ConsumerService } from '../shared/events/routing';
import type { AnyEvent } from '../shared/events/schemas';
import type { StateStore } from '../shared/ports';
import type { SqsHandler } from '../shared/runtime/sqsConsumer';
import { startSimulator } from '../simulator';

/**
 * us-east-1 list prices from the AWS pricing pages (lambda, sqs, eventbridge, s3, dynamodb/on-demand,
 * cloudwatch), as published in 2025; not re-fetched when this runs. Free tiers are ignored.
 */
export const PRICES = {
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  /** Ephemeral storage above the free 512 MB. */
  lambdaEphemeralPerGbSecond: 0.0000000309,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1.0,
  s3PutListPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  s3StoragePerGbMonth: 0.023,
  dynamoDbPerMillionWrites: 0.625,
  dynamoDbPerMillionReads: 0.125,
  cloudWatchLogsPerGbIngested: 0.5,
} as const;

interface FunctionSize {
  memoryMb: number;
  ephemeralMb: number;
  architecture: 'arm64' | 'x86_64';
}

/**
 * As serverless.yml configures them: provider memorySize 1024 on arm64; the transform 2048 MB with 4096 MB of
 * /tmp on x86_64 (its DuckDB layer is built for linux-x64).
 */
export const FUNCTION_SIZES: Record<'discovery' | ConsumerService, FunctionSize> = {
  discovery: { memoryMb: 1024, ephemeralMb: 512, architecture: 'arm64' },
  'chunk-planner': { memoryMb: 1024, ephemeralMb: 512, architecture: 'arm64' },
  fetcher: { memoryMb: 1024, ephemeralMb: 512, architecture: 'arm64' },
  'backfill-fetcher': { memoryMb: 1024, ephemeralMb: 512, architecture: 'arm64' },
  transform: { memoryMb: 2048, ephemeralMb: 4096, architecture: 'x86_64' },
  progress: { memoryMb: 1024, ephemeralMb: 512, architecture: 'arm64' },
  'analytics-loader': { memoryMb: 256, ephemeralMb: 512, architecture: 'arm64' },
};

/** The START / END / REPORT lines Lambda writes per invocation (bytes, approximately). */
const LAMBDA_PLATFORM_LOG_BYTES = 350;
/** SQS and EventBridge bill each 64 KB of payload as one request / event. */
const CHUNK_64KB = 64 * 1024;

interface Counts {
  records: number;
  connectWiseRequests: number;
  events: number;
  eventChunks: number;
  sqsMessages: Record<ConsumerService, number>;
  sqsMessageChunks: number;
  invocations: Record<'discovery' | ConsumerService, number>;
  durationMs: Record<'discovery' | ConsumerService, number>;
  s3: { puts: number; gets: number; lists: number; bytesStored: number };
  dynamoDb: { writes: number; writeUnits: number; reads: number; readUnits: number };
  budgetPerRequest: { writeUnits: number; readUnits: number };
  logBytes: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '200000' },
      tenants: { type: 'string', default: '4' },
      'latency-ms': { type: 'string', default: '200,0,0.5' },
      concurrency: { type: 'string', default: '1' },
      'changed-percent': { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const measured = await measure({
    records: Number(values.records),
    tenants: Number(values.tenants),
    latency: values['latency-ms'].split(',').map(Number),
    concurrency: Number(values.concurrency),
    changedPercent: Number(values['changed-percent']),
  });
  const runs = [
    { title: 'Full sync (first run, every record)', counts: measured.full },
    ...(measured.incremental
      ? [
          {
            title: `Incremental sync (${String(values['changed-percent'])}% of every table changed), per million changed records`,
            counts: measured.incremental,
          },
        ]
      : []),
  ].map((run) => ({ ...run, table: costTable(run.counts) }));
  if (values.json) {
    console.log(JSON.stringify({ runs, prices: PRICES, functionSizes: FUNCTION_SIZES }, null, 2));
    return;
  }
  console.log(
    runs.map((run) => `#### ${run.title}\n\n${renderMarkdown(run.counts, run.table, values)}`).join('\n\n'),
  );
}

async function measure(options: {
  records: number;
  tenants: number;
  latency: number[];
  concurrency: number;
  /** After the full sync, change this share of every table and measure the incremental job too. */
  changedPercent: number;
}): Promise<{ full: Counts; incremental?: Counts }> {
  // Tickets and time entries dominate, as in a ConnectWise tenant: 46% each, then contacts and companies.
  const tickets = Math.ceil(options.records / options.tenants / 2.175);
  const sizes = {
    companies: Math.ceil(tickets / 20),
    contacts: Math.ceil(tickets / 8),
    tickets,
    time_entries: tickets,
  };
  const ids = Array.from({ length: options.tenants }, (_, index) => `cost-${index}`);
  const simulator = await startSimulator({
    tenants: ids.map((id) => ({
      companyId: id,
      publicKey: 'p',
      privateKey: 'k',
      clientId: 'c',
      sizes,
      requestsPerMinute: 1_000_000,
    })),
    latency: {
      baseMs: options.latency[0] ?? 0,
      jitterMs: options.latency[1] ?? 0,
      perRecordMs: options.latency[2] ?? 0,
    },
  });
  const root = mkdtempSync(join(tmpdir(), 'avesa-cost-'));
  const budgetPerRequest = await measureRequestBudget(join(root, 'budget'));
  const freshCounts = (): Counts => ({
    records: 0,
    connectWiseRequests: 0,
    events: 0,
    eventChunks: 0,
    sqsMessages: zeroes(CONSUMER_SERVICES),
    sqsMessageChunks: 0,
    invocations: zeroes(['discovery', ...CONSUMER_SERVICES]),
    durationMs: zeroes(['discovery', ...CONSUMER_SERVICES]),
    s3: { puts: 0, gets: 0, lists: 0, bytesStored: 0 },
    dynamoDb: { writes: 0, writeUnits: 0, reads: 0, readUnits: 0 },
    budgetPerRequest,
    logBytes: 0,
  });
  let counts = freshCounts();
  const current = () => counts;
  const timed =
    (service: ConsumerService) =>
    (handler: SqsHandler): SqsHandler =>
    async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        counts.invocations[service] += 1;
        counts.durationMs[service] += performance.now() - started;
      }
    };
  const pipeline = new LocalPipeline({
    tenants: parseTenantsFile(
      {
        tenants: ids.map((id) => ({
          id,
          services: {
            connectwise: {
              baseUrl: simulator.baseUrl,
              companyId: id,
              publicKey: 'p',
              privateKey: 'k',
              clientId: 'c',
              requestsPerMinute: 100_000,
            },
          },
        })),
      },
      {},
    ),
    lakeDir: join(root, 'lake'),
    stateDir: join(root, 'state'),
    runtime: {
      concurrency: Object.fromEntries(CONSUMER_SERVICES.map((service) => [service, options.concurrency])),
    },
    wrapHandler: (service, handler) => timed(service)(handler),
  });
  countPublishes(pipeline, current);
  countQueueSends(pipeline, current);
  countObjects(pipeline, current);
  countState(pipeline.state, () => counts.dynamoDb);
  /** One job, counted from scratch; storage and log bytes are what this job added. */
  const runJob = async (): Promise<Counts> => {
    counts = freshCounts();
    simulator.resetRequests();
    const lakeBefore = directoryBytes(join(root, 'lake'));
    const logsBefore = directoryBytes(join(root, 'state', 'logs'));
    const started = performance.now();
    const { jobId } = await pipeline.startJob();
    counts.invocations.discovery += 1;
    counts.durationMs.discovery += performance.now() - started;
    await pipeline.runUntilIdle();
    const progress = (await pipeline.progress(jobId))!;
    if (!progress.tenants.every((tenant) => tenant.status === 'succeeded'))
      throw new Error(`the measured run did not succeed: ${JSON.stringify(progress.tenants)}`);
    counts.records = progress.tenants.reduce((sum, tenant) => sum + tenant.records, 0);
    counts.connectWiseRequests = simulator.requests().length;
    counts.logBytes =
      directoryBytes(join(root, 'state', 'logs')) -
      logsBefore +
      LAMBDA_PLATFORM_LOG_BYTES * Object.values(counts.invocations).reduce((a, b) => a + b, 0);
    counts.s3.bytesStored = directoryBytes(join(root, 'lake')) - lakeBefore;
    return counts;
  };
  try {
    const full = await runJob();
    if (options.changedPercent <= 0) return { full };
    for (const id of ids)
      for (const [table, size] of Object.entries(sizes))
        simulator.mutate(id, table as keyof typeof sizes, Math.ceil((size * options.changedPercent) / 100));
    return { full, incremental: await runJob() };
  } finally {
    pipeline.close();
    await simulator.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

function countPublishes(pipeline: LocalPipeline, current: () => Counts): void {
  const publish = pipeline.bus.publish.bind(pipeline.bus);
  pipeline.bus.publish = async (events: readonly AnyEvent[]) => {
    const counts = current();
    for (const event of events) {
      counts.events += 1;
      counts.eventChunks += Math.ceil(Buffer.byteLength(JSON.stringify(event)) / CHUNK_64KB);
    }
    return publish(events);
  };
}

/** Every message that reaches a queue: routed events and the fetcher's own continuations. */
function countQueueSends(pipeline: LocalPipeline, current: () => Counts): void {
  for (const service of CONSUMER_SERVICES) {
    const queue = pipeline.queues[service];
    const send = queue.send.bind(queue);
    queue.send = (body, options) => {
      const counts = current();
      counts.sqsMessages[service] += 1;
      counts.sqsMessageChunks += Math.ceil(Buffer.byteLength(body) / CHUNK_64KB);
      return send(body, options);
    };
  }
}

function countObjects(pipeline: LocalPipeline, current: () => Counts): void {
  const lake = pipeline.lake;
  const put = lake.put.bind(lake);
  const get = lake.get.bind(lake);
  const list = lake.list.bind(lake);
  lake.put = async (key, body) => {
    current().s3.puts += 1;
    return put(key, body);
  };
  lake.get = async (key) => {
    current().s3.gets += 1;
    return get(key);
  };
  lake.list = async (prefix) => {
    const keys = await list(prefix);
    // ListObjectsV2 returns at most 1,000 keys per request.
    current().s3.lists += Math.max(1, Math.ceil(keys.length / 1000));
    return keys;
  };
}

/**
 * DynamoDB on-demand units as DynamoDbStateStore would consume them: a write is 1 WRU per KB of item (a failed
 * conditional write too), a strongly consistent read 1 RRU per 4 KB, a Query 1 RRU per 4 KB of all items read.
 */
function countState(state: StateStore, current: () => Counts['dynamoDb']): void {
  const itemBytes = (pk: string, sk: string, value: unknown) =>
    // Attribute names pk, sk, value, version, expiresAt and their values (value is stored as a JSON string).
    32 + pk.length + sk.length + Buffer.byteLength(JSON.stringify(value) ?? '') + 16;
  const get = state.get.bind(state);
  const putIfAbsent = state.putIfAbsent.bind(state);
  const putIfVersion = state.putIfVersion.bind(state);
  const query = state.query.bind(state);
  const write = (pk: string, sk: string, value: unknown) => {
    const totals = current();
    totals.writes += 1;
    totals.writeUnits += Math.ceil(itemBytes(pk, sk, value) / 1024);
  };
  state.get = async <T>(pk: string, sk: string) => {
    const item = await get<T>(pk, sk);
    const totals = current();
    totals.reads += 1;
    totals.readUnits += Math.max(1, Math.ceil((item ? itemBytes(pk, sk, item.value) : 0) / 4096));
    return item;
  };
  state.putIfAbsent = async <T>(pk: string, sk: string, value: T) => {
    write(pk, sk, value);
    return putIfAbsent(pk, sk, value);
  };
  state.putIfVersion = async <T>(pk: string, sk: string, value: T, expectedVersion: number) => {
    write(pk, sk, value);
    return putIfVersion(pk, sk, value, expectedVersion);
  };
  state.query = async <T>(pk: string, skPrefix?: string) => {
    const items = await query<T>(pk, skPrefix);
    const totals = current();
    totals.reads += 1;
    const bytes = items.reduce((sum, item) => sum + itemBytes(pk, item.sk, item.value), 0);
    totals.readUnits += Math.max(1, Math.ceil(bytes / 4096));
    return items;
  };
}

/** DynamoDB units per ConnectWise request of the budget every Lambda shares (uncontended: the cheapest case). */
async function measureRequestBudget(directory: string): Promise<{ writeUnits: number; readUnits: number }> {
  const store = new LocalStateStore(join(directory, 'state.log'));
  const totals = { writes: 0, writeUnits: 0, reads: 0, readUnits: 0 };
  countState(store, () => totals);
  const budget = new SharedRequestBudget(store, { leaseMs: 60_000 });
  const requests = 200;
  try {
    for (let index = 0; index < requests; index++) {
      const release = await budget.acquire(
        'cost',
        { requestsPerMinute: 100_000, maxConcurrentRequests: 4 },
        1000,
      );
      release();
      // The release is not awaited by the budget; let it land before the next acquire.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    store.close();
  }
  return { writeUnits: totals.writeUnits / requests, readUnits: totals.readUnits / requests };
}

interface CostRow {
  service: string;
  perMillion: string;
  usd: number;
}

function costTable(counts: Counts): CostRow[] {
  const scale = 1_000_000 / counts.records;
  const functions = ['discovery', ...CONSUMER_SERVICES] as const;
  const invocations = functions.reduce((sum, name) => sum + counts.invocations[name], 0) * scale;
  const gbSecondsOn = (architecture: FunctionSize['architecture']) =>
    functions
      .filter((name) => FUNCTION_SIZES[name].architecture === architecture)
      .reduce(
        (sum, name) => sum + (counts.durationMs[name] / 1000) * (FUNCTION_SIZES[name].memoryMb / 1024),
        0,
      ) * scale;
  const armGbSeconds = gbSecondsOn('arm64');
  const x86GbSeconds = gbSecondsOn('x86_64');
  const ephemeralGbSeconds =
    functions.reduce(
      (sum, name) =>
        sum + (counts.durationMs[name] / 1000) * (Math.max(0, FUNCTION_SIZES[name].ephemeralMb - 512) / 1024),
      0,
    ) * scale;
  const consumerInvocations = CONSUMER_SERVICES.reduce((sum, name) => sum + counts.invocations[name], 0);
  // Per message: SendMessage (one per 64 KB); per batch the event source mapping's ReceiveMessage and
  // DeleteMessageBatch. Idle long polling between jobs is a fixed cost, not per record.
  const sqsRequests = (counts.sqsMessageChunks + 2 * consumerInvocations) * scale;
  const events = counts.eventChunks * scale;
  const puts = counts.s3.puts * scale;
  const gets = counts.s3.gets * scale;
  const lists = counts.s3.lists * scale;
  const storedGb = (counts.s3.bytesStored * scale) / 1024 ** 3;
  const writeUnits =
    (counts.dynamoDb.writeUnits + counts.budgetPerRequest.writeUnits * counts.connectWiseRequests) * scale;
  const readUnits =
    (counts.dynamoDb.readUnits + counts.budgetPerRequest.readUnits * counts.connectWiseRequests) * scale;
  const logGb = (counts.logBytes * scale) / 1024 ** 3;
  const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
  return [
    {
      service: 'Lambda requests',
      perMillion: `${fmt(invocations)} invocations`,
      usd: (invocations / 1e6) * PRICES.lambdaPerMillionRequests,
    },
    {
      service: 'Lambda duration',
      perMillion:
        `${fmt(armGbSeconds, 1)} GB-s arm64, ${fmt(x86GbSeconds, 1)} GB-s x86_64 (transform), ` +
        `${fmt(ephemeralGbSeconds, 1)} GB-s extra /tmp`,
      usd:
        armGbSeconds * PRICES.lambdaArmPerGbSecond +
        x86GbSeconds * PRICES.lambdaX86PerGbSecond +
        ephemeralGbSeconds * PRICES.lambdaEphemeralPerGbSecond,
    },
    {
      service: 'SQS',
      perMillion: `${fmt(sqsRequests)} requests (${fmt(counts.sqsMessageChunks * scale)} messages)`,
      usd: (sqsRequests / 1e6) * PRICES.sqsPerMillionRequests,
    },
    {
      service: 'EventBridge',
      perMillion: `${fmt(events)} custom events`,
      usd: (events / 1e6) * PRICES.eventBridgePerMillionEvents,
    },
    {
      service: 'S3 requests',
      perMillion: `${fmt(puts)} PUT, ${fmt(lists)} LIST, ${fmt(gets)} GET`,
      usd: ((puts + lists) / 1000) * PRICES.s3PutListPerThousand + (gets / 1000) * PRICES.s3GetPerThousand,
    },
    {
      service: 'S3 storage',
      perMillion: `${fmt(storedGb, 3)} GB, per month kept`,
      usd: storedGb * PRICES.s3StoragePerGbMonth,
    },
    {
      service: 'DynamoDB on-demand',
      perMillion: `${fmt(writeUnits)} WRU, ${fmt(readUnits)} RRU`,
      usd:
        (writeUnits / 1e6) * PRICES.dynamoDbPerMillionWrites +
        (readUnits / 1e6) * PRICES.dynamoDbPerMillionReads,
    },
    {
      service: 'CloudWatch Logs',
      perMillion: `${fmt(logGb, 3)} GB ingested (logs + EMF metrics)`,
      usd: logGb * PRICES.cloudWatchLogsPerGbIngested,
    },
  ];
}

function renderMarkdown(counts: Counts, table: CostRow[], values: Record<string, unknown>): string {
  const total = table.reduce((sum, row) => sum + row.usd, 0);
  const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(3)}`;
  const perFunction = (['discovery', ...CONSUMER_SERVICES] as const)
    .map(
      (name) =>
        `${name} ${counts.invocations[name]}× avg ${(counts.durationMs[name] / Math.max(1, counts.invocations[name])).toFixed(0)} ms`,
    )
    .join(', ');
  return [
    `Measured: ${counts.records.toLocaleString('en-US')} records, ${values.tenants} tenants, ` +
      `${counts.connectWiseRequests} ConnectWise requests, simulator latency ${String(values['latency-ms'])} ` +
      `(base ms, jitter ms, ms per record), ${String(values.concurrency)} invocation(s) at a time per function.`,
    `Invocations: ${perFunction}.`,
    `Shared request budget: ${counts.budgetPerRequest.writeUnits.toFixed(1)} WRU + ${counts.budgetPerRequest.readUnits.toFixed(1)} RRU per ConnectWise request.`,
    '',
    '| per 1,000,000 records | quantity | USD |',
    '|---|---|---:|',
    ...table.map((row) => `| ${row.service} | ${row.perMillion} | ${usd(row.usd)} |`),
    `| **total** | | **${usd(total)}** |`,
  ].join('\n');
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function directoryBytes(path: string): number {
  if (!existsSync(path)) return 0;
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

void main();
