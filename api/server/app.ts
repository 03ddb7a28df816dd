/**
 * The analytics API (DESIGN §12) as a Fastify application, composed from its dependencies so the same app runs
 * under `avesa serve` (DuckDB over the lake directory) and in Lambda behind an HTTP API (ClickHouse).
 */
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Log } from '../../shared/ports';
import { authPlugin, type AuthPluginOptions } from '../auth/plugin';
import { ResultCache, DEFAULT_CACHE_OPTIONS, type ResultCacheOptions } from '../store/cache';
import type { PipelineStatusSource } from '../pipeline';
import type { AnalyticsEngine } from '../store/port';
import { errorHandler } from './errors';
import { analyticsRoutes } from './routes/analytics';
import { entityRoutes } from './routes/entities';
import { healthRoutes } from './routes/health';
import { pipelineRoutes } from './routes/pipeline';
import { tenantRoutes, type TenantNames } from './routes/tenant';
import { tenantScope } from './tenantScope';
import { webRoutes } from './web';

export interface ApiOptions {
  /** Requests per minute one tenant's users may make to /api together (after authentication). */
  tenantRequestsPerMinute: number;
  /** Hours a technician can work per week (utilization's denominator). */
  capacityHoursPerWeek: number;
  /** Origins allowed to call the API from a browser; none (CORS off) by default. */
  corsOrigins: string[];
  cache: ResultCacheOptions;
  /** The built dashboard (web/dist) to serve beside the API, when there is one. */
  webDirectory?: string;
  /** Fastify's own request log (pino), off in tests. */
  requestLog: boolean;
}

export const DEFAULT_API_OPTIONS: ApiOptions = {
  tenantRequestsPerMinute: 6000,
  capacityHoursPerWeek: 40,
  corsOrigins: [],
  cache: DEFAULT_CACHE_OPTIONS,
  requestLog: false,
};

export interface ApiDependencies {
  engine: AnalyticsEngine;
  pipeline: PipelineStatusSource;
  /** Tenants' names for the dashboard's header; the id stands in without one. */
  tenants?: TenantNames;
  auth: AuthPluginOptions;
  log: Log;
  now?: () => Date;
  options?: Partial<ApiOptions>;
}

export async function buildApi(dependencies: ApiDependencies): Promise<FastifyInstance> {
  const options = { ...DEFAULT_API_OPTIONS, ...dependencies.options };
  const now = dependencies.now ?? (() => new Date());
  const app = Fastify({
    logger: options.requestLog
      ? {
          level: 'info',
          // Structured request logs without secrets: no headers (Authorization, cookies) and no bodies.
          redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        }
      : false,
    trustProxy: true,
    // The JSON bodies the API accepts are small: a login, a refresh token.
    bodyLimit: 64 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(dependencies.log));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Not helmet's default upgrade-insecure-requests: `avesa serve` on a LAN address speaks plain http.
        upgradeInsecureRequests: null,
      },
    },
  });
  if (options.corsOrigins.length > 0)
    await app.register(cors, { origin: options.corsOrigins, credentials: true });
  await app.register(compress, { threshold: 1024 });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'avesa analytics API',
        version: '1',
        description:
          "One tenant's canonical data (companies, contacts, tickets, time entries, their change history) and " +
          'KPIs. Authenticate with POST /auth/login, then send the access token as a Bearer token.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const cache = new ResultCache(options.cache);
  await app.register(authPlugin, dependencies.auth);
  await app.register(healthRoutes, { engine: dependencies.engine, cache, startedAt: now() });
  await app.register(
    async (api) => {
      await api.register(tenantScope, {
        engine: dependencies.engine,
        cache,
        analytics: { capacityHoursPerWeek: options.capacityHoursPerWeek, now },
        requestsPerMinute: options.tenantRequestsPerMinute,
      });
      await api.register(entityRoutes);
      await api.register(analyticsRoutes, { now });
      await api.register(pipelineRoutes, { pipeline: dependencies.pipeline });
      await api.register(tenantRoutes, {
        tenants: dependencies.tenants ?? { nameOf: async () => undefined },
      });
    },
    { prefix: '/api' },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(webRoutes, { directory: options.webDirectory });
  return app;
}
