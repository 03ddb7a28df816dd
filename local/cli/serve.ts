/**
 * `avesa serve`: the analytics API and the dashboard on the embedded default — DuckDB over the lake directory,
 * users and sessions in the state directory — until Ctrl-C.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openLocalAuthStores } from '../../api/auth/localStores';
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiOptions } from '../../api/server/app';
import {
  DuckDbAnalyticsEngine,
  type DuckDbEngineOptions,
} from '../../shared/adapters/analytics/duckDbEngine';
import type { TenantNames } from '../../api/server/routes/tenant';
import { errorMessage, ValidationError } from '../../shared/errors';
import { DEMO_TENANTS } from '../demo';
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
  /** A tenants file, read only for the tenants' names. */
  tenants?: string;
}

/**
 * Tenants' names from a tenants file (only `id` and `name` are read: no credentials are resolved) and the demo's.
 */
export function tenantNames(tenantsFile?: string): TenantNames {
  const names = new Map(DEMO_TENANTS.map((tenant) => [tenant.id, tenant.name]));
  if (tenantsFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(tenantsFile), 'utf8'));
    } catch (error) {
      throw new ValidationError(`--tenants ${tenantsFile}: ${errorMessage(error)}`);
    }
    const tenants = (parsed as { tenants?: Array<{ id?: unknown; name?: unknown }> }).tenants;
    if (!Array.isArray(tenants)) throw new ValidationError(`--tenants ${tenantsFile}: no "tenants" array`);
    for (const tenant of tenants)
      if (typeof tenant.id === 'string' && typeof tenant.name === 'string') names.set(tenant.id, tenant.name);
  }
  return { nameOf: async (tenantId) => names.get(tenantId) };
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

/**
 * Starts the API over a lake and state directory; resolves once it listens. `overrides` change the API's options,
 * `engine` the DuckDB engine's (the benchmark compares cached and uncached, Parquet and materialized).
 */
export async function startServer(
  options: ServeOptions,
  io: CliIo,
  overrides: Partial<ApiOptions> = {},
  engine: Omit<DuckDbEngineOptions, 'lakeDir'> = {},
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
  const tenants = tenantNames(options.tenants);
  const analytics = new DuckDbAnalyticsEngine({ ...engine, lakeDir });
  const auth = openLocalAuthStores(stateDir, { log, env: io.env });
  const close = async (app?: FastifyInstance) => {
    await app?.close();
    await analytics.close();
    auth.close();
  };
  let app: FastifyInstance | undefined;
  try {
    app = await buildApi({
      engine: analytics,
      pipeline: new LocalPipelineStatus(stateDir),
      tenants,
      auth: { users: auth.users, sessions: auth.sessions, log },
      log,
      options: {
        webDirectory,
        ...(tenantRequestsPerMinute ? { tenantRequestsPerMinute } : {}),
        ...overrides,
      },
    });
    const address = await app.listen({ port, host: options.host });
    const running = app;
    return { url: address.replace('[::1]', 'localhost'), close: () => close(running) };
  } catch (error) {
    // Another server on this state directory, a port in use: release what was opened, say what went wrong.
    await close(app);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ValidationError(`port ${port} on ${options.host} is in use (choose another with --port)`);
    throw error;
  }
}

/** Serves until SIGINT or SIGTERM, then closes cleanly. */
export async function serveUntilStopped(
  options: ServeOptions,
  io: CliIo,
  onListening?: (url: string) => void,
): Promise<number> {
  const server = await startServer(options, io);
  io.out(`listening on ${server.url}`);
  onListening?.(server.url);
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
