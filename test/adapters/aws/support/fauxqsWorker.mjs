// Runs fauxqs inside a worker thread of the jest process. fauxqs ships ES modules only, which jest's
// CommonJS runtime cannot load on Node 20; a worker thread is plain Node, so it can.
import { parentPort } from 'node:worker_threads';
import { startFauxqs } from 'fauxqs';

const ALLOWED = new Set(['createQueue', 'createBucket', 'inspectQueue', 'reset']);

const server = await startFauxqs({ port: 0, logger: false });
parentPort.postMessage({ ready: true, address: server.address });

parentPort.on('message', async ({ id, op, args }) => {
  try {
    if (op === 'stop') {
      await server.stop();
      parentPort.postMessage({ id, result: null });
      parentPort.close();
      return;
    }
    if (!ALLOWED.has(op)) throw new Error(`fauxqs worker: unknown operation ${op}`);
    parentPort.postMessage({ id, result: server[op](...args) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
