import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cachedJson, cachedPage } from '../../../../core/cache/cached.ts';
import { isAppError } from '../../../../core/errors.ts';
import { html, readErrors, typed } from '../../../../core/http/api-kit.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { type Locale, localeNames, t } from '../../../../core/i18n/i18n.ts';
import { renderPage } from '../../../../core/ui/layout.tsx';
import { tags } from '../schemas.ts';
import { type SearchHit, searchInput, searchKinds, searchTalks } from './service.ts';

const k = (l: Locale, key: string, o?: Record<string, unknown>) => t(l, `talksOutputs.search.${key}`, o);

const hit = z.object({
  kind: z.enum(searchKinds),
  id: z.uuid(),
  sessionId: z.uuid(),
  sessionTitle: z.string(),
  startsAt: z.string(),
  snippet: z.string(),
  lang: z.string(),
  fallback: z.boolean(),
  url: z.string(),
  rank: z.number(),
});

function Results({ l, q, items }: { l: Locale; q: string; items: SearchHit[] }) {
  if (!q) return null;
  if (!items.length) return <p class="empty">{k(l, 'none', { q })}</p>;
  return (
    <>
      <p role="status">{k(l, 'count', { count: items.length, q })}</p>
      <ol class="search-results">
        {items.map((h) => (
          <li key={`${h.kind}-${h.id}`}>
            <p>
              <span class="tag">{k(l, `kind.${h.kind}`)}</span>{' '}
              <a href={h.url}>{h.kind === 'session' ? h.sessionTitle : h.snippet.slice(0, 90)}</a>
            </p>
            <p class="small muted">
              <a href={`/talks/sessions/${h.sessionId}`}>{h.sessionTitle}</a> ·{' '}
              <time dateTime={h.startsAt}>{h.startsAt.slice(0, 10)}</time>
            </p>
            <p lang={h.lang}>
              {h.snippet}
              {h.fallback && (
                <>
                  {' '}
                  <small class="fallback">({localeNames[h.lang as Locale] ?? h.lang})</small>
                </>
              )}
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}

/** `/talks/search` and `GET /api/v1/talks/search`. */
export async function searchRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get('/talks/search', { schema: { hide: true } }, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const l = request.locale;
      const query = (request.query ?? {}) as Record<string, unknown>;
      const q = typeof query.q === 'string' ? query.q.slice(0, 200) : '';
      const kind = searchKinds.find((x) => x === query.kind);
      let items: SearchHit[] = [];
      let error: string | undefined;
      if (q.trim()) {
        try {
          items = (await searchTalks(request.ctx(), { q, kind, limit: 50 })).items;
        } catch (e) {
          if (!isAppError(e) || e.code !== 'validation_failed') throw e;
          error = t(l, `errors.${e.code}`);
        }
      }
      return renderPage(request, {
        title: k(l, 'title'),
        children: (
          <>
            <h1>{k(l, 'title')}</h1>
            <search>
              <form method="get" action="/talks/search" class="filters">
                <label for="talks-q">{k(l, 'label')}</label>{' '}
                <input id="talks-q" type="search" name="q" value={q} maxLength={200} />{' '}
                <label for="talks-kind">{k(l, 'in')}</label>{' '}
                <select id="talks-kind" name="kind">
                  <option value="">{k(l, 'everything')}</option>
                  {searchKinds.map((x) => (
                    <option key={x} value={x} selected={x === kind}>
                      {k(l, `kinds.${x}`)}
                    </option>
                  ))}
                </select>{' '}
                <button type="submit">{k(l, 'submit')}</button>
              </form>
            </search>
            {error ? (
              <p class="error-summary" role="alert">
                {error}
              </p>
            ) : (
              <Results l={l} q={q.trim()} items={items} />
            )}
          </>
        ),
      });
    });
    return html(reply).send(page);
  });

  app.get(
    '/api/v1/talks/search',
    {
      schema: {
        tags,
        summary:
          'Search sessions, contributions, recommendations and actions in every language (prefixes, accents ignored); only what the reader may see',
        querystring: searchInput.extend({ limit: z.coerce.number().int().min(1).max(100).optional() }),
        response: { 200: z.object({ items: z.array(hit) }), ...readErrors },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => searchTalks(request.ctx(), request.query)),
  );
}
