import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedJson, cachedPage } from '../../../../core/cache/cached.ts';
import { html, readErrors, typed } from '../../../../core/http/api-kit.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { locales } from '../../../../core/i18n/i18n.ts';
import { renderPage } from '../../../../core/ui/layout.tsx';
import { renderDocx } from './docx.ts';
import { SummaryPage } from './html.tsx';
import { getSummary } from './load.ts';
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
  const app = typed(fastify);
  // Any text: the use case answers 404 for an id that is not one.
  const page = { schema: { hide: true, params: z.object({ id: z.string() }) } };
  const summaryOf = (request: FastifyRequest, id: string) =>
    getSummary(request.ctx(), { id, lang: request.locale });

  app.get('/talks/sessions/:id/summary', page, async (request, reply) => {
    const out = await cachedPage(request, reply, async () => {
      const m = await summaryOf(request, request.params.id);
      return renderPage(request, { title: m.title.text, children: <SummaryPage request={request} m={m} /> });
    });
    return html(reply).send(out);
  });

  app.get('/talks/sessions/:id/summary.md', page, async (request, reply) => {
    const text = await cachedPage(request, reply, async () =>
      renderMarkdown(await summaryOf(request, request.params.id)),
    );
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `inline; filename="talks-summary-${request.locale}.md"`)
      .header('content-language', request.locale)
      .send(text);
  });

  app.get('/talks/sessions/:id/summary.pdf', page, async (request, reply) => {
    const file = await cachedFile(request, reply, async () =>
      renderPdf(await summaryOf(request, request.params.id)),
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="talks-summary-${request.locale}.pdf"`)
      .header('content-language', request.locale)
      .send(file);
  });

  app.get('/talks/sessions/:id/summary.docx', page, async (request, reply) => {
    const file = await cachedFile(request, reply, async () =>
      renderDocx(await summaryOf(request, request.params.id)),
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
        response: { 200: summaryModelSchema, ...readErrors },
      },
    },
    async (request, reply) =>
      cachedJson(request, reply, () =>
        getSummary(request.ctx(), { id: request.params.id, lang: request.query.lang ?? request.locale }),
      ),
  );
}
