import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What fauxqs keeps of one SQS message (the subset the tests read). */
export interface FauxqsMessage {
  messageId: string;
  body: string;
  sentTimestamp: number;
  delayUntil?: number;
  messageGroupId?: string;
}

export interface FauxqsQueueInspection {
  messages: {
    ready: FauxqsMessage[];
    delayed: FauxqsMessage[];
    inflight: Array<{ message: FauxqsMessage }>;
  };
}

/** A fauxqs server (SQS + S3 emulator) on a free loopback port, driven from the test through a worker thread. */
export interface Fauxqs {
  /** `http://127.0.0.1:<port>`: the endpoint for SDK clients. */
  address: string;
  /** Region, dummy credentials and endpoint for any SDK client pointed at this server. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  createQueue(name: string): Promise<{ queueUrl: string; queueName: string }>;
  createBucket(name: string): Promise<void>;
  inspectQueue(name: string): Promise<FauxqsQueueInspection | undefined>;
  stop(): Promise<void>;
}

interface Reply {
  id?: number;
  ready?: boolean;
  address?: string;
  result?: unknown;
  error?: string;
}

/** Starts fauxqs with `port: 0` (fauxqs README, "Programmatic usage") in a worker thread of this process. */
export async function startFauxqs(): Promise<Fauxqs> {
  const worker = new Worker(join(__dirname, 'fauxqsWorker.mjs'));
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;

  const ready = new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: Reply) => {
      if (reply.ready && reply.address) return resolve(reply.address);
      const pending = reply.id === undefined ? undefined : waiting.get(reply.id);
      if (!pending || reply.id === undefined) return;
      waiting.delete(reply.id);
      if (reply.error) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
    });
  });
  const address = await ready;

  const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });

  return {
    address,
    clientConfig: {
      endpoint: address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    },
    createQueue: (name) => call('createQueue', name),
    createBucket: async (name) => {
      await call('createBucket', name);
    },
    inspectQueue: (name) => call('inspectQueue', name),
    stop: async () => {
      await call('stop');
      await worker.terminate();
    },
  };
}
