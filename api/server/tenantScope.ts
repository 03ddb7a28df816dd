import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ResultCache } from '../store/cache';
import type { AnalyticsEngine } from '../store/port';
import { TenantAnalytics, type AnalyticsOptions } from '../store/tenantAnalytics';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's tenant's analytics: the only data route code can reach (set after authentication). */
    analytics: TenantAnalytics;
  }
}

export interface TenantScopeOptions {
  engine: AnalyticsEngine;
  cache: ResultCache;
  analytics: AnalyticsOptions;
  requestsPerMinute: number;
}

/**
 * Every /api route runs behind these, in order: the Bearer token is verified (the tenant comes from it and from
 * nowhere else), the tenant's rate limit is taken, the request gets its tenant-scoped analytics, and a GET whose
 * ETag (the tenant's data version, the user's role, the minute and the URL) the client already holds is answered 304 with
 * no query at all.
 */
export const tenantScope = fp(
  async (api: FastifyInstance, options: TenantScopeOptions) => {
    api.decorateRequest('analytics', null as unknown as TenantAnalytics);
    // Before validation: a caller without a valid token learns nothing, not even which parameters are wrong.
    api.addHook('onRequest', api.authenticate);
    api.addHook(
      'preHandler',
      api.rateLimit({
        max: options.requestsPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => `tenant:${request.principal?.tenantId ?? request.ip}`,
      }),
    );
    api.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const engine = await options.engine.forTenant(request.principal!.tenantId);
      request.analytics = new TenantAnalytics(engine, options.cache, options.analytics);
      if (request.method !== 'GET') return;
      const version = await request.analytics.dataVersion();
      // Answers about "now" (today's backlog, ticket ages) move on with the clock too: the tag turns each minute.
      const minute = Math.floor(options.analytics.now().getTime() / 60_000);
      const etag = `"${createHash('sha256')
        .update(
          `${request.principal!.tenantId}\n${request.principal!.role}\n${version}\n${minute}\n${request.url}`,
        )
        .digest('base64url')
        .slice(0, 27)}"`;
      // Private: a shared cache must never hand one user's answer to another; revalidated every time (cheap).
      reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
      const held = request.headers['if-none-match'];
      if (held && held.split(',').some((candidate) => candidate.trim() === etag))
        return reply.code(304).send();
    });
  },
  { name: 'avesa-tenant-scope' },
);
