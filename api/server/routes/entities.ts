import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  entityRowSchema,
  errorResponseSchema,
  historyResponseSchema,
  idParamsSchema,
  listQuerySchema,
  listResponseSchema,
} from '../../contract';
import { ENTITIES, ENTITY_NAMES, type EntityName } from '../../entities';
import type { ListRequest } from '../../store/queries';

const notFound = (entity: string, id: string) => ({
  error: 'not_found',
  message: `no ${entity.replace(/_/g, ' ').replace(/s$/, '')} ${id} in your tenant`,
});

/** GET /api/{entity} (a page of current rows) and /api/{entity}/:id, for each entity; a ticket's history. */
export async function entityRoutes(root: FastifyInstance): Promise<void> {
  const api = root.withTypeProvider<ZodTypeProvider>();
  for (const entity of ENTITY_NAMES) {
    const definition = ENTITIES[entity];
    const querySchema = listQuerySchema(entity);
    api.get(
      `/${definition.path}`,
      {
        schema: {
          tags: ['data'],
          summary: `${definition.path}: search, filter, sort and page the current rows`,
          querystring: querySchema,
          response: { 200: listResponseSchema(entity), 400: errorResponseSchema },
        },
      },
      async (request) => {
        const { limit, offset, search, sort, order, ...filters } = request.query as Record<string, unknown>;
        const listRequest: ListRequest = {
          limit: limit as number,
          offset: offset as number,
          sort: sort as string,
          order: order as 'asc' | 'desc',
          filters: filters as ListRequest['filters'],
          ...(search ? { search: search as string } : {}),
        };
        const page = await request.analytics.list(entity, listRequest);
        // Rows are typed per entity only at run time: the response schema checks and strips them.
        return { ...page, limit: listRequest.limit, offset: listRequest.offset } as never;
      },
    );
    api.get(
      `/${definition.path}/:id`,
      {
        schema: {
          tags: ['data'],
          summary: `one of ${definition.path} by id ({source}:{id at the source})`,
          params: idParamsSchema,
          response: { 200: entityRowSchema(entity), 404: errorResponseSchema },
        },
      },
      async (request, reply) => {
        const row = await request.analytics.get(entity as EntityName, request.params.id);
        return (row as never) ?? reply.code(404).send(notFound(entity, request.params.id));
      },
    );
  }
  api.get(
    '/tickets/:id/history',
    {
      preHandler: api.requireRole('analyst'),
      schema: {
        tags: ['data'],
        summary: 'every version of a ticket (SCD2), with what changed from the one before (analyst, admin)',
        params: idParamsSchema,
        response: { 200: historyResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const history = await request.analytics.ticketHistory(request.params.id);
      return history ?? reply.code(404).send(notFound('tickets', request.params.id));
    },
  );
}
