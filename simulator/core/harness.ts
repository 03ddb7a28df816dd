/**
 * The HTTP face every simulated source shares: one node:http server on 127.0.0.1 (a free port unless told),
 * per-record latency before each answer, the `reset`/`slow` delivery faults, and a request log with per-tenant
 * concurrency and arrival times. A source only turns a request into a Reply.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatencyModel } from './faults';
import type { LatencyOptions, RecordedExchange, Reply } from './types';

const MAX_BODY_BYTES = 1_000_000;

/** A request as the source sees it. */
export interface Exchange {
  req: IncomingMessage;
  url: URL;
  method: string;
  /** The request body of POST, PUT and PATCH (first MB); '' otherwise. */
  body: string;
  /** The tenant `identify` named, if any. */
  tenant: string | undefined;
}

export interface HarnessConfig<R> {
  /** Default 0 = a free loopback port. The server only listens on 127.0.0.1. */
  port?: number | undefined;
  latency?: LatencyOptions | undefined;
  /** Prefix of console messages, e.g. 'simulator'. */
  label: string;
  /** Content type of replies that do not set their own. */
  contentType: string;
  /**
   * The tenant a request names from its headers alone (before its body is read), or undefined. Concurrency and
   * arrivals are counted for every request that names a tenant, whatever its answer.
   */
  identify(req: IncomingMessage): string | undefined;
  /** Headers every answer carries, written after Content-Type and Content-Length and before the reply's own. */
  headers(reply: Reply): Record<string, string>;
  answer(exchange: Exchange): Reply;
  /** The log entry of one request, in the source's own shape. */
  present(exchange: RecordedExchange): R;
}

interface Traffic {
  open: number;
  maxOpen: number;
  arrivals: number[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Most entries of sorted `times` within any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export class HttpHarness<R> {
  private readonly latency: LatencyModel;
  private readonly traffic = new Map<string, Traffic>();
  private log: { tenant: string | null; request: R }[] = [];
  private hook: ((request: R) => void) | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  private port = 0;

  constructor(
    private readonly server: Server,
    private readonly config: HarnessConfig<R>,
  ) {
    this.latency = new LatencyModel(config.latency);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((cause: unknown) => {
        console.error(`${config.label}: request failed`, cause);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  /** `http://127.0.0.1:PORT`. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listening(port: number): void {
    this.port = port;
  }

  /** Called synchronously after each response has been written. */
  onRequest(hook: ((request: R) => void) | undefined): void {
    this.hook = hook;
  }

  /** The log, or the entries of one tenant (case-insensitive). */
  requests(tenant?: string): readonly R[] {
    if (tenant === undefined) return this.log.map((entry) => entry.request);
    const key = tenant.toLowerCase();
    return this.log.filter((entry) => entry.tenant?.toLowerCase() === key).map((entry) => entry.request);
  }

  /** Clears the request log and the concurrency / per-minute measurements. */
  resetRequests(): void {
    this.log = [];
    for (const traffic of this.traffic.values()) {
      traffic.arrivals = [];
      traffic.maxOpen = traffic.open;
    }
  }

  maxConcurrent(tenant: string): number {
    return this.traffic.get(tenant.toLowerCase())?.maxOpen ?? 0;
  }

  /** Most requests that arrived (whatever their answer, 429 included) in any sliding 60 s window. */
  maxRequestsInAnyMinute(tenant: string): number {
    return maxInWindow(this.traffic.get(tenant.toLowerCase())?.arrivals ?? [], 60_000);
  }

  stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    return new Promise((resolve, reject) => {
      this.server.close((cause) => (cause ? reject(cause) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private trafficOf(tenant: string): Traffic {
    const key = tenant.toLowerCase();
    let traffic = this.traffic.get(key);
    if (!traffic) {
      traffic = { open: 0, maxOpen: 0, arrivals: [] };
      this.traffic.set(key, traffic);
    }
    return traffic;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const tenant = this.config.identify(req);
    if (tenant !== undefined) {
      const traffic = this.trafficOf(tenant);
      traffic.arrivals.push(startedAt);
      traffic.open++;
      traffic.maxOpen = Math.max(traffic.maxOpen, traffic.open);
      res.once('close', () => traffic.open--);
    }
    const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req) : '';
    const reply = this.config.answer({ req, url, method, body, tenant });
    const loggedTenant = tenant ?? reply.tenant ?? null;

    let answered = false;
    if (reply.fault === 'slow') {
      // A client that gives up before the slow answer is written still met the fault: record it when it leaves.
      res.once('close', () => {
        if (!answered) this.record(method, url, loggedTenant, reply, startedAt);
      });
    }
    const send = () => {
      this.pending.delete(timer);
      if (res.destroyed) return;
      answered = true;
      const payload = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
      res.writeHead(reply.status, {
        'Content-Type': reply.contentType ?? this.config.contentType,
        'Content-Length': String(payload.length),
        ...this.config.headers(reply),
        ...reply.headers,
      });
      if (reply.reset) {
        // Headers promise the whole body; the connection dies halfway (a reset mid-response).
        res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      } else {
        res.end(payload, reply.written);
      }
      this.record(method, url, loggedTenant, reply, startedAt);
    };
    // Latency is applied before answering, with a per-record cost (a parameter, not a constant).
    const timer = setTimeout(send, this.latency.delayMs(reply.records) + (reply.extraDelayMs ?? 0));
    this.pending.add(timer);
  }

  private record(method: string, url: URL, tenant: string | null, reply: Reply, startedAt: number): void {
    const request = this.config.present({
      tenant,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: reply.status,
      records: reply.records,
      ...(reply.fault ? { fault: reply.fault } : {}),
      startedAt,
      endedAt: Date.now(),
    });
    this.log.push({ tenant, request });
    try {
      this.hook?.(request);
    } catch (cause) {
      console.error(`${this.config.label}: onRequest hook threw`, cause);
    }
  }
}

/** Starts a harness on 127.0.0.1 (port 0 = any free port). */
export async function startHarness<R>(config: HarnessConfig<R>): Promise<HttpHarness<R>> {
  const server = createServer();
  const harness = new HttpHarness(server, config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  harness.listening((server.address() as AddressInfo).port);
  return harness;
}
