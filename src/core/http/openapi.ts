import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../auth/tokens.ts';

type Transform = typeof jsonSchemaTransform;

/** `GET /api/v1/fund/accounts/:id/statement` → `getFundAccountsByIdStatement`: stable, unique per route. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v\d+\//, '/')
    .split(/[/.\-_]+/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w))
    .flatMap((w) => w.split('-'))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `${method.toLowerCase()}${words.join('')}`;
}

/** The zod transform, and an operationId for every operation that does not name its own. */
const transform: Transform = (doc) => {
  const out = jsonSchemaTransform(doc);
  const schema = out.schema as Record<string, unknown> | undefined;
  const method = doc.route?.method;
  if (schema && !schema.hide && !schema.operationId && method) {
    schema.operationId = operationIdOf(Array.isArray(method) ? method[0] : method, out.url);
  }
  return out;
};

/** The OpenAPI document: registered before the routes so that it sees every one of them. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Peace Talks API',
        version: '1',
        description:
          'The JSON API of Peace Talks. Authenticate with a session cookie or `Authorization: Bearer <token>`.',
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      // Relative: every instance serves its own API at its own address.
      servers: [{ url: '/', description: 'This instance' }],
      // A bearer token or the session cookie; the empty entry: public reads need neither.
      security: [{ bearer: [] }, { cookie: [] }, {}],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    transform,
    // Schemas registered with an id (recursive ones must be) become components.
    transformObject: jsonSchemaTransformObject,
    hideUntagged: true,
  });
}

/** Served after the routes are registered. */
export function serveOpenApi(app: FastifyInstance): void {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
