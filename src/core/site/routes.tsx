import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../http/types.ts';
import { renderPage } from '../ui/layout.tsx';

export async function siteRoutes(app: FastifyInstance, _services: AppServices): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    return renderPage(request, { title: 'Peace Talks', children: <h1>Peace Talks</h1> });
  });
}
