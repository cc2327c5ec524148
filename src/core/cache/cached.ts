import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answer an anonymous GET from the response cache, or compute it and keep it. Signed-in users,
 * whose pages depend on their roles, always get a fresh answer; so does any answer that carries
 * the reader's CSRF token (a page with a form), and any answer other than 200.
 */
export async function cachedForPublic<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<T>,
): Promise<T> {
  const cache = request.app.cache;
  if (request.method !== 'GET' || request.actor || request.sessionId || !cache.enabled) return compute();
  const key = `${request.locale} ${request.url}`;
  const hit = cache.get(key) as T | undefined;
  if (hit !== undefined) {
    reply.header('x-cache', 'hit');
    return hit;
  }
  const generation = cache.generation;
  const value = await compute();
  if (reply.statusCode === 200) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!text.includes(request.csrfToken)) cache.set(key, value, text.length * 2, generation);
  }
  reply.header('x-cache', 'miss');
  return value;
}
