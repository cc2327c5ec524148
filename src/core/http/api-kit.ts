import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * What every JSON route shares: one error body, one set of error responses, the security
 * schemes, and a typed view of the app so that `request.params`, `query` and `body` have the types
 * their Zod schemas give (no casts in the parts).
 */
export const fieldError = z.object({ path: z.string(), code: z.string(), message: z.string() });

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .unknown()
        .optional()
        .describe('For `validation_failed`: a list of `{ path, code, message }`, one per problem'),
    }),
  })
  .describe("An error, with a stable code and a message in the reader's language");

export const readErrors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
export const writeErrors = { ...readErrors, 409: errorResponse, 422: errorResponse };
export const uploadErrors = { ...writeErrors, 413: errorResponse, 415: errorResponse };

export const security: { [k: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];

export const idParams = z.object({ id: z.uuid({ message: 'invalid_id' }) });

/** The app with Zod types on requests: `typed(app).get(path, { schema }, handler)`. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** An HTML answer. */
export const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
