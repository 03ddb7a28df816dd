/**
 * `avesa serve`: the analytics API and the dashboard on the embedded default — DuckDB over the lake directory,
 * users and sessions in the state directory — until Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openLocalAuthStores } from '../../api/auth/localStores';
import { buildApi, type ApiOptions } from '../../api/server/app';
import { DuckDbAnalyticsEngine } from '../../shared/adapters/analytics/duckDbEngine';
import { ValidationError } from '../../shared/errors';
import { FileLog } from '../adapters/fileLog';
import { LocalPipelineStatus } from '../adapters/localPipelineStatus';
import type { CliIo } from './main';

export interface ServeOptions {
  lake: string;
  state: string;
  port: string;
  host: string;
  web?: string;
  tenantRateLimit?: string;
}

/** The dashboard's build, when `npm run build:web` has made one. */
export const DEFAULT_WEB_DIRECTORY = join(__dirname, '..', '..', 'web', 'dist');

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ValidationError(`--port must be an integer from 0 to 65535, not ${JSON.stringify(text)}`);
  return port;
}

/** Starts the API over a lake and state directory; resolves once it listens. */
export async function startServer(
  options: ServeOptions,
  io: CliIo,
  overrides: Partial<ApiOptions> = {},
): Promise<RunningServer> {
  const port = parsePort(options.port);
  const tenantRequestsPerMinute = options.tenantRateLimit ? Number(options.tenantRateLimit) : undefined;
  if (
    tenantRequestsPerMinute !== undefined &&
    !(Number.isInteger(tenantRequestsPerMinute) && tenantRequestsPerMinute > 0)
  )
    throw new ValidationError(
      `--tenant-rate-limit must be a positive integer (requests per minute per tenant)`,
    );
  const stateDir = resolve(options.state);
  const lakeDir = resolve(options.lake);
  const webDirectory = options.web ? resolve(options.web) : DEFAULT_WEB_DIRECTORY;
  if (options.web && !existsSync(join(webDirectory, 'index.html')))
    throw new ValidationError(`--web ${options.web}: no index.html there (build it with npm run build:web)`);
  const log = new FileLog(join(stateDir, 'logs', 'api.jsonl'));
  const engine = new DuckDbAnalyticsEngine({ lakeDir });
  const auth = openLocalAuthStores(stateDir, { log, env: io.env });
  const app = await buildApi({
    engine,
    pipeline: new LocalPipelineStatus(stateDir),
    auth: { users: auth.users, sessions: auth.sessions, log },
    log,
    options: {
      webDirectory,
      ...(tenantRequestsPerMinute ? { tenantRequestsPerMinute } : {}),
      ...overrides,
    },
  });
  const address = await app.listen({ port, host: options.host });
  const url = address.replace('[::1]', 'localhost');
  return {
    url,
    close: async () => {
      await app.close();
      await engine.close();
      auth.close();
    },
  };
}

/** Serves until SIGINT or SIGTERM, then closes cleanly. */
export async function serveUntilStopped(options: ServeOptions, io: CliIo): Promise<number> {
  const server = await startServer(options, io);
  io.out(`listening on ${server.url}`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  io.out('stopped');
  return 0;
}
