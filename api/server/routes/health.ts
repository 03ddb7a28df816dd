import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ResultCache } from '../../store/cache';
import type { AnalyticsEngine } from '../../store/port';

export interface HealthOptions {
  engine: AnalyticsEngine;
  cache: ResultCache;
  startedAt: Date;
}

/** GET /health (no authentication: for load balancers) and /health/detailed (admins: the store and cache). */
export async function healthRoutes(root: FastifyInstance, options: HealthOptions): Promise<void> {
  const api = root.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'liveness, no authentication',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  api.get(
    '/health/detailed',
    {
      preHandler: [api.authenticate, api.requireRole('admin')],
      schema: {
        tags: ['health'],
        summary: "the analytics store, the cache and the caller's tenant's data version (admin)",
        response: {
          200: z.object({
            status: z.enum(['ok', 'degraded']),
            store: z.object({ engine: z.string(), reachable: z.boolean(), latencyMs: z.number() }),
            tenant: z.object({ id: z.string(), dataVersion: z.string().nullable() }),
            cache: z.object({ hits: z.number().int(), misses: z.number().int() }),
            uptimeSeconds: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const started = Date.now();
      const reachable = await options.engine.ping().catch(() => false);
      const latencyMs = Date.now() - started;
      const tenantId = request.principal!.tenantId;
      const dataVersion = await options.engine
        .forTenant(tenantId)
        .then((engine) => engine.dataVersion())
        .catch(() => null);
      return {
        status: reachable ? ('ok' as const) : ('degraded' as const),
        store: { engine: options.engine.name, reachable, latencyMs },
        tenant: { id: tenantId, dataVersion },
        cache: { ...options.cache.stats },
        uptimeSeconds: Math.round((Date.now() - options.startedAt.getTime()) / 1000),
      };
    },
  );
}
