import type { FastifyRequest } from 'fastify';

/** Pages get HTML errors; the API (and clients that ask for JSON) get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  const url = request.url;
  if (url.startsWith('/api/') || url === '/healthz') return false;
  const accept = request.headers.accept ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) return false;
  return true;
}
