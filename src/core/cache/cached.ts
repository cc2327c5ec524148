import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers to anonymous GETs from the response cache. Signed-in users, whose pages depend on
 * their roles, always get a fresh answer; so does any answer that carries the reader's CSRF
 * token (a page with a form), and any answer other than 200. Answers are kept as the text sent.
 */
function cacheable(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.actor && !request.sessionId && request.app.cache.enabled;
}

const keyOf = (request: FastifyRequest) => `${request.locale} ${request.url}`;

function keep(request: FastifyRequest, reply: FastifyReply, text: string, generation: number): void {
  if (reply.statusCode === 200 && !text.includes(request.csrfToken)) {
    request.app.cache.set(keyOf(request), text, text.length, generation);
  }
}

/** An HTML page (or any text) for the public. */
export async function cachedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<string>,
): Promise<string> {
  if (!cacheable(request)) return compute();
  const hit = request.app.cache.get(keyOf(request)) as string | undefined;
  if (hit !== undefined) {
    reply.header('x-cache', 'hit');
    return hit;
  }
  const generation = request.app.cache.generation;
  const text = await compute();
  keep(request, reply, text, generation);
  reply.header('x-cache', 'miss');
  return text;
}

/**
 * A JSON answer for the public: serialised once by the route's response schema, then sent as
 * that text (the schema's work is not repeated for every reader).
 */
export async function cachedJson<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<T>,
): Promise<T | FastifyReply> {
  if (!cacheable(request)) return compute();
  const hit = request.app.cache.get(keyOf(request)) as string | undefined;
  if (hit !== undefined)
    return reply.header('x-cache', 'hit').type('application/json; charset=utf-8').send(hit);
  const generation = request.app.cache.generation;
  const text = String(reply.serialize(await compute()));
  keep(request, reply, text, generation);
  return reply.header('x-cache', 'miss').type('application/json; charset=utf-8').send(text);
}
