import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema, pipelineResponseSchema } from '../../contract';
import type { PipelineStatusSource } from '../../pipeline';

/** GET /api/pipeline (admin): is the tenant's data fresh — per source and table, and its recent jobs. */
export async function pipelineRoutes(
  root: FastifyInstance,
  options: { pipeline: PipelineStatusSource },
): Promise<void> {
  const api = root.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/pipeline',
    {
      preHandler: api.requireRole('admin'),
      schema: {
        tags: ['pipeline'],
        summary:
          "the tenant's newest sync per source and table: records, watermark, errors, dead letters (admin)",
        response: { 200: pipelineResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => options.pipeline.forTenant(request.principal!.tenantId),
  );
}
