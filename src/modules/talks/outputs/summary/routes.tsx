import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cachedJson, cachedPage } from '../../../../core/cache/cached.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { locales } from '../../../../core/i18n/i18n.ts';
import { renderPage } from '../../../../core/ui/layout.tsx';
import { errors } from '../schemas.ts';
import { renderDocx } from './docx.ts';
import { SummaryPage } from './html.tsx';
import { loadSummary } from './load.ts';
import { renderMarkdown } from './markdown.ts';
import { summaryModelSchema } from './model-schema.ts';
import { renderPdf } from './pdf.ts';

/**
 * A rendered file for anonymous readers from the response cache (as `cachedPage` does for text):
 * a published summary is the same for everyone, and a PDF costs tens of milliseconds to make.
 */
async function cachedFile(
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<Buffer>,
): Promise<Buffer> {
  const cache = request.app.cache;
  const anonymous = !request.actor && !request.sessionId && cache.enabled;
  if (!anonymous) return compute();
  const key = `${request.locale} ${request.url}`;
  const hit = cache.get(key);
  if (hit instanceof Buffer) {
    reply.header('x-cache', 'hit');
    return hit;
  }
  const generation = cache.generation;
  const file = await compute();
  cache.set(key, file, file.length, generation);
  reply.header('x-cache', 'miss');
  return file;
}

/** The public summary of a session: HTML (prints cleanly), Markdown, PDF, DOCX and the JSON model. */
export async function summaryRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const hide = { schema: { hide: true } };
  type Req = FastifyRequest<{ Params: { id: string } }>;

  app.get('/talks/sessions/:id/summary', hide, async (request: Req, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const m = await loadSummary(request.ctx(), request.params.id, request.locale);
      return renderPage(request, { title: m.title.text, children: <SummaryPage request={request} m={m} /> });
    });
    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/talks/sessions/:id/summary.md', hide, async (request: Req, reply) => {
    const text = await cachedPage(request, reply, async () =>
      renderMarkdown(await loadSummary(request.ctx(), request.params.id, request.locale)),
    );
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `inline; filename="talks-summary-${request.locale}.md"`)
      .header('content-language', request.locale)
      .send(text);
  });

  app.get('/talks/sessions/:id/summary.pdf', hide, async (request: Req, reply) => {
    const file = await cachedFile(request, reply, async () =>
      renderPdf(await loadSummary(request.ctx(), request.params.id, request.locale)),
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="talks-summary-${request.locale}.pdf"`)
      .header('content-language', request.locale)
      .send(file);
  });

  app.get('/talks/sessions/:id/summary.docx', hide, async (request: Req, reply) => {
    const file = await cachedFile(request, reply, async () =>
      renderDocx(await loadSummary(request.ctx(), request.params.id, request.locale)),
    );
    return reply
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="talks-summary-${request.locale}.docx"`)
      .header('content-language', request.locale)
      .send(file);
  });

  app.get(
    '/api/v1/talks/sessions/:id/summary',
    {
      schema: {
        tags: ['talks'],
        summary:
          'The public summary of a session as data (published sessions; staff and participants also before), in `lang`, each part saying which language it is shown in',
        params: z.object({ id: z.uuid() }).strict(),
        querystring: z.object({ lang: z.enum(locales).optional() }).strict(),
        response: { 200: summaryModelSchema, ...errors },
      },
    },
    async (request, reply) =>
      cachedJson(request, reply, () =>
        loadSummary(request.ctx(), request.params.id, request.query.lang ?? request.locale),
      ),
  );
}
