import type { FastifyInstance } from 'fastify';
import type { PipelineResponse } from '../../api/contract';
import type { Role } from '../../api/contract';
import type { PipelineStatusSource } from '../../api/pipeline';
import { buildApi, type ApiOptions } from '../../api/server/app';
import type { AnalyticsEngine } from '../../api/store/port';
import { DuckDbAnalyticsEngine } from '../../shared/adapters/analytics/duckDbEngine';
import { silentLog } from '../../shared/ports';
import { anAuthWorld, PASSWORD } from './authFixtures';
import { ManualClock } from './fakes';

/** A pipeline source answering a fixed status per tenant, recording who asked. */
export class FixedPipelineStatus implements PipelineStatusSource {
  readonly asked: string[] = [];
  async forTenant(tenantId: string): Promise<PipelineResponse> {
    this.asked.push(tenantId);
    return { tenantId, tables: [], jobs: [], deadLetters: 0 };
  }
}

export interface ApiWorldUser {
  tenantId: string;
  email: string;
  role: Role;
}

/**
 * The analytics API as `avesa serve` composes it — DuckDB over a lake directory, the auth plugin over in-memory
 * user and session stores — with the given users (all with PASSWORD) and a fixed "now".
 */
export async function anApiOver(
  lakeDir: string,
  users: ApiWorldUser[],
  options: { now?: Date; api?: Partial<ApiOptions>; engine?: AnalyticsEngine } = {},
) {
  // Tokens are checked against the real clock by @fastify/jwt: sessions are issued "now".
  const world = anAuthWorld({ clock: new ManualClock(Date.now()) });
  for (const user of users) await world.users.add({ ...user, password: PASSWORD });
  const engine = options.engine ?? new DuckDbAnalyticsEngine({ lakeDir, versionCheckMs: 0 });
  const pipeline = new FixedPipelineStatus();
  const now = options.now ?? new Date('2025-04-01T00:00:00.000Z');
  const app = await buildApi({
    engine,
    pipeline,
    auth: { users: world.users, sessions: world.sessions, log: world.log },
    log: silentLog,
    now: () => now,
    options: { tenantRequestsPerMinute: 100_000, ...options.api },
  });
  await app.ready();
  const tokens = new Map<string, string>();
  return {
    app,
    engine,
    pipeline,
    world,
    /** A Bearer header for a user (logged in once, through POST /auth/login). */
    async bearer(tenantId: string, email: string): Promise<Record<string, string>> {
      const key = `${tenantId}/${email}`;
      if (!tokens.has(key)) {
        const response = await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { tenantId, email, password: PASSWORD },
        });
        if (response.statusCode !== 200)
          throw new Error(`login ${key}: ${response.statusCode} ${response.body}`);
        tokens.set(key, response.json<{ accessToken: string }>().accessToken);
      }
      return { authorization: `Bearer ${tokens.get(key)}` };
    },
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

export type ApiWorld = Awaited<ReturnType<typeof anApiOver>>;

export async function getJson<T = unknown>(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const response = await app.inject({ method: 'GET', url, headers });
  return {
    status: response.statusCode,
    body: (response.body ? response.json() : undefined) as T,
    headers: response.headers,
  };
}
