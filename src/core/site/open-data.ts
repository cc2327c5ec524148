import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readErrors, typed } from '../http/api-kit.ts';
import { moduleExports } from '../module/install.ts';

const exportItem = z.object({
  module: z.string(),
  name: z.string(),
  path: z.string(),
  formats: z.array(z.string()),
  description: z.string(),
});

/**
 * The open-data index: every public download that the parts declare in their manifests, so that
 * an archiver (or a person) finds all public records from one address.
 */
export async function openDataRoutes(app: FastifyInstance): Promise<void> {
  typed(app).get(
    '/api/v1/open-data',
    {
      schema: {
        tags: ['open-data'],
        summary: 'Every public export of the platform, by part',
        response: { 200: z.object({ items: z.array(exportItem) }), ...readErrors },
      },
    },
    async () => ({
      items: moduleExports()
        .filter((e) => e.access === 'public')
        .map((e) => ({
          module: e.module,
          name: e.name,
          path: e.path,
          formats: [...e.formats],
          description: e.description,
        })),
    }),
  );
}
