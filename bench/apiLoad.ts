/**
 * Scenario 6's load generator, in a process of its own so its CPU is not the server's: requests at a fixed
 * rate (open loop: request k is due at start + k / rate, whatever the answers before it did) over at most
 * `connections` keep-alive connections to 127.0.0.1, for `seconds`. Prints one JSON line (LoadResult).
 *
 * Two latencies per response, each in an HDR histogram (bench/latency.ts):
 * - `latency`: from the moment the request was written to its last byte (what autocannon measures);
 * - `fromSchedule`: from the moment it was due, so time spent waiting for a free connection counts
 *   (coordinated omission corrected: a stalled server cannot hide the requests it kept from being sent).
 *
 * autocannon's own `overallRate` was not used for the figures: it lets each connection send its share of a
 * second back to back at every second's tick, so the requests of a second arrive as a burst of `connections`
 * at once, not at a fixed rate; and its corrected percentiles assume 1 ms between requests (reference
 * analytics-platform.md §2.7). Requests still waiting for a connection when the run ends are not sent
 * (`notSent`); those in flight are waited for up to `timeoutMs`.
 *
 *   node -r tsx/cjs bench/apiLoad.ts '<LoadSpec JSON>'
 */
import { Agent, request } from 'node:http';
import type { Histogram } from 'hdr-histogram-js';
import {
  API_MIX,
  pickOne,
  pathsOf,
  pickWeighted,
  seededRandom,
  type RequestKind,
  type TenantSamples,
  type Weighted,
} from './apiMix';
import { latencyHistogram, recordMs, summarize, type LatencySummary } from './latency';
import { machineCoresBusy, machineCpuTimes } from './machineCpu';

export interface LoadUser {
  tenantId: string;
  accessToken: string;
}

export interface LoadSpec {
  /** http://127.0.0.1:port */
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  timeoutMs: number;
  seed: number;
  users: LoadUser[];
  samples: Record<string, TenantSamples>;
  mix?: Array<Weighted<RequestKind>>;
  /** Sent as Accept-Encoding (browsers ask for compression); none when empty. Default `gzip`. */
  acceptEncoding?: string;
}

export interface KindResult {
  latency: LatencySummary;
  byStatus: Record<string, number>;
}

export interface LoadResult {
  /** Requests due in the run (rate × seconds). */
  due: number;
  sent: number;
  /** Due but never sent: every connection was busy until the run ended. */
  notSent: number;
  /** Answers received (any status). */
  answered: number;
  /** Answers received within the run's `seconds`, per second of it. */
  achievedRate: number;
  latency: LatencySummary;
  fromSchedule: LatencySummary;
  /** Answers by HTTP status. */
  byStatus: Record<string, number>;
  /** No answer: the connection failed (refused, reset) or the request timed out. */
  errors: { connection: number; timeout: number };
  /** The first few errors and non-2xx answers, for the report. */
  samplesOfProblems: string[];
  byKind: Partial<Record<RequestKind, KindResult>>;
  /** The slowest answers: when they were sent (seconds into the run), how long they took, what they asked. */
  slowest: Array<{ atSeconds: number; ms: number; path: string }>;
  /** This process's CPU (user + system) during the run, and the run's wall time from start to last answer. */
  cpuSeconds: number;
  wallSeconds: number;
  /** Cores the whole machine kept busy over the same time (every process: server, load, anything else). */
  machineCores: number;
}

interface Due {
  dueAt: number;
  kind: RequestKind;
  path: string;
  token: string;
}

const SLOWEST_KEPT = 5;

class Tally {
  readonly all = latencyHistogram();
  readonly fromSchedule = latencyHistogram();
  readonly byStatus: Record<string, number> = {};
  readonly kinds = new Map<RequestKind, { histogram: Histogram; byStatus: Record<string, number> }>();
  readonly errors = { connection: 0, timeout: 0 };
  readonly problems: string[] = [];
  readonly slowest: Array<{ atSeconds: number; ms: number; path: string }> = [];
  answered = 0;
  answeredInRun = 0;

  constructor(private readonly start: number) {}

  answer(due: Due, status: number, sentAt: number, now: number, inRun: boolean, body: string): void {
    this.answered += 1;
    this.keepIfSlow(due, sentAt, now - sentAt);
    if (inRun) this.answeredInRun += 1;
    recordMs(this.all, now - sentAt);
    recordMs(this.fromSchedule, now - due.dueAt);
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    const kind = this.kind(due.kind);
    recordMs(kind.histogram, now - sentAt);
    kind.byStatus[status] = (kind.byStatus[status] ?? 0) + 1;
    if ((status < 200 || status > 299) && this.problems.length < 10)
      this.problems.push(`${status} ${due.path}: ${body.slice(0, 200)}`);
  }

  failure(due: Due, reason: 'connection' | 'timeout', message: string): void {
    this.errors[reason] += 1;
    if (this.problems.length < 10) this.problems.push(`${reason} ${due.path}: ${message}`);
  }

  private keepIfSlow(due: Due, sentAt: number, ms: number): void {
    const kept = this.slowest;
    if (kept.length === SLOWEST_KEPT && ms <= kept[kept.length - 1]!.ms) return;
    kept.push({ atSeconds: Math.round(sentAt - this.start) / 1000, ms: Math.round(ms), path: due.path });
    kept.sort((a, b) => b.ms - a.ms);
    if (kept.length > SLOWEST_KEPT) kept.pop();
  }

  private kind(kind: RequestKind) {
    let entry = this.kinds.get(kind);
    if (!entry) {
      entry = { histogram: latencyHistogram(), byStatus: {} };
      this.kinds.set(kind, entry);
    }
    return entry;
  }
}

/** The requests of a run, in order: kind by the mix, user at random, path among the tenant's for that kind. */
function* schedule(spec: LoadSpec, start: number): Generator<Due> {
  const random = seededRandom(spec.seed);
  const mix = spec.mix ?? [...API_MIX];
  const paths = new Map<string, string[]>();
  const pathsFor = (tenantId: string, kind: RequestKind) => {
    const key = `${tenantId}\n${kind}`;
    const known = paths.get(key);
    if (known) return known;
    const list = pathsOf(kind, spec.samples[tenantId]!);
    paths.set(key, list);
    return list;
  };
  const total = Math.round(spec.rate * spec.seconds);
  for (let index = 0; index < total; index++) {
    const user = pickOne(spec.users, random());
    const kind = pickWeighted(mix, random());
    const path = pickOne(pathsFor(user.tenantId, kind), random());
    yield { dueAt: start + (index * 1000) / spec.rate, kind, path, token: user.accessToken };
  }
}

/**
 * Every connection opened before the clock starts, by as many GET /health at once: a client's pool is warm, and
 * the first second should not measure connecting (nor this process's first calls into node:http).
 */
async function openConnections(agent: Agent, target: URL, connections: number): Promise<void> {
  const health = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: '/health' }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(Array.from({ length: connections }, health));
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url);
  if (target.hostname !== '127.0.0.1')
    throw new Error(`the load only targets 127.0.0.1, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const acceptEncoding = spec.acceptEncoding ?? 'gzip';
  await openConnections(agent, target, spec.connections);

  const waiting: Due[] = [];
  let inFlight = 0;
  let sent = 0;
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineCpuTimes();
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  const tally = new Tally(start);
  const due = schedule(spec, start);
  let next = due.next();
  let finished: () => void;
  const drained = new Promise<void>((resolve) => (finished = resolve));

  const send = (item: Due) => {
    inFlight += 1;
    sent += 1;
    const sentAt = performance.now();
    const headers: Record<string, string> = { authorization: `Bearer ${item.token}` };
    if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: item.path,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => {
          if (status >= 300) chunks.push(chunk);
        });
        res.on('end', () => {
          const now = performance.now();
          tally.answer(item, status, sentAt, now, now <= end, Buffer.concat(chunks).toString());
          done();
        });
        res.on('error', (error) => {
          tally.failure(item, 'connection', error.message);
          done();
        });
      },
    );
    req.setTimeout(spec.timeoutMs, () => req.destroy(new Error(`no answer in ${spec.timeoutMs} ms`)));
    req.on('error', (error) => {
      tally.failure(item, /no answer in/.test(error.message) ? 'timeout' : 'connection', error.message);
      done();
    });
    req.end();
  };
  const done = () => {
    inFlight -= 1;
    // A connection came free: the longest-waiting request goes, unless the run is over.
    const item = performance.now() <= end ? waiting.shift() : undefined;
    if (item) send(item);
    else if (inFlight === 0 && next.done) finished();
  };

  // Every millisecond or so, whatever has come due is sent, or waits for a free connection.
  const tick = () => {
    const now = performance.now();
    while (!next.done && next.value.dueAt <= now) {
      if (inFlight < spec.connections) send(next.value);
      else waiting.push(next.value);
      next = due.next();
    }
    if (!next.done) setTimeout(tick, 1);
    else if (inFlight === 0) finished();
  };
  tick();
  // Requests never sent by the end stay unsent; the answers in flight are awaited (each has its timeout).
  await drained;
  const wallSeconds = (performance.now() - start) / 1000;
  agent.destroy();
  const cpu = process.cpuUsage(cpuBefore);
  const machineCores = machineCoresBusy(machineBefore, machineCpuTimes());
  const dueCount = Math.round(spec.rate * spec.seconds);
  return {
    due: dueCount,
    sent,
    notSent: dueCount - sent,
    answered: tally.answered,
    achievedRate: tally.answeredInRun / spec.seconds,
    latency: summarize(tally.all),
    fromSchedule: summarize(tally.fromSchedule),
    byStatus: tally.byStatus,
    errors: tally.errors,
    samplesOfProblems: tally.problems,
    slowest: tally.slowest,
    byKind: Object.fromEntries(
      [...tally.kinds].map(([kind, entry]) => [
        kind,
        { latency: summarize(entry.histogram), byStatus: entry.byStatus },
      ]),
    ),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds,
    machineCores,
  };
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2] ?? '') as LoadSpec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (cause: unknown) => {
      console.error(cause);
      process.exit(1);
    },
  );
}
