import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { tenantResponseSchema } from '../../contract';

/** Names of tenants, for people: the tenants file or registry's `name`. */
export interface TenantNames {
  nameOf(tenantId: string): Promise<string | undefined>;
}

/** GET /api/tenant: the caller's tenant's id and name (the name is the id when none is registered). */
export async function tenantRoutes(root: FastifyInstance, options: { tenants: TenantNames }): Promise<void> {
  const api = root.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/tenant',
    {
      schema: {
        tags: ['data'],
        summary: "the caller's tenant: id and name",
        response: { 200: tenantResponseSchema },
      },
    },
    async (request) => {
      const id = request.principal!.tenantId;
      return { id, name: (await options.tenants.nameOf(id)) ?? id };
    },
  );
}
