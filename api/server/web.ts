import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The built dashboard beside the API: hashed assets cached for a year, index.html never (a new build is picked
 * up at once), and any other GET that is not an API path answered with index.html so client routes load.
 * Without a build, unknown paths are a JSON 404 like the API's.
 */
export async function webRoutes(app: FastifyInstance, options: { directory?: string }): Promise<void> {
  const directory = options.directory;
  const served = directory !== undefined && existsSync(join(directory, 'index.html'));
  if (served) {
    await app.register(fastifyStatic, {
      root: directory,
      // Looked up per request, not globbed at startup: a new `npm run build:web` is served without a restart.
      wildcard: true,
      cacheControl: false,
      preCompressed: false,
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const apiPath = /^\/(api|auth|health)(\/|$|\?)/.test(request.url);
    if (served && request.method === 'GET' && !apiPath)
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` });
  });
}
