import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { html, readErrors, security, typed, writeErrors } from '../../../../core/http/api-kit.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { t } from '../../../../core/i18n/i18n.ts';
import { Csrf, renderPage } from '../../../../core/ui/layout.tsx';
import { tags } from '../schemas.ts';
import { getDigestSubscription, previewDigest, setDigestSubscription } from './digest.ts';

const k = (l: Parameters<typeof t>[0], key: string, o?: Record<string, unknown>) =>
  t(l, `talksOutputs.digest.${key}`, o);

/** `/talks/digest`: opt in to the weekly digest, and see what this week's would hold. */
export async function digestRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  const hide = { schema: { hide: true } };

  app.get('/talks/digest', hide, async (request, reply) => {
    if (!request.actor) return reply.redirect(`/login?next=${encodeURIComponent('/talks/digest')}`, 303);
    const ctx = request.ctx();
    const l = request.locale;
    const sub = await getDigestSubscription(ctx);
    const d = await previewDigest(ctx);
    const saved = (request.query as Record<string, unknown>)?.notice === 'saved';
    return html(reply).send(
      renderPage(request, {
        title: k(l, 'title'),
        notice: saved ? k(l, sub.weekly ? 'subscribed' : 'unsubscribed') : undefined,
        children: (
          <>
            <h1>{k(l, 'title')}</h1>
            <p>{k(l, 'intro')}</p>
            <form method="post" action="/talks/digest" class="form">
              <Csrf request={request} />
              <div class="field">
                <input type="hidden" name="weekly" value="false" />
                <label>
                  <input type="checkbox" name="weekly" value="true" checked={sub.weekly} /> {k(l, 'weekly')}
                </label>
              </div>
              <div class="actions">
                <button type="submit">{k(l, 'save')}</button>
              </div>
            </form>
            <h2>{k(l, 'preview')}</h2>
            <h3>{k(l, 'sessions')}</h3>
            {d.sessions.length ? (
              <ul>
                {d.sessions.map((s) => (
                  <li key={s.id}>
                    {s.when}: <a href={`/talks/sessions/${s.id}`}>{s.title}</a>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="empty">{k(l, 'noSessions')}</p>
            )}
            <h3>{k(l, 'actions')}</h3>
            {d.actions.length ? (
              <ul>
                {d.actions.map((a) => (
                  <li key={a.id}>
                    {a.overdue && <strong>{k(l, 'overdue')} </strong>}
                    <time dateTime={a.dueOn}>{a.dueOn}</time> ({a.progress}%):{' '}
                    <a href={`/talks/actions/${a.id}`}>{a.text}</a>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="empty">{k(l, 'noActions')}</p>
            )}
          </>
        ),
      }),
    );
  });

  app.post('/talks/digest', hide, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    // The hidden "false" comes first; a ticked box adds "true" after it.
    const values = ([] as unknown[]).concat(body.weekly ?? []);
    await setDigestSubscription(request.ctx(), { weekly: values.includes('true') });
    return reply.redirect('/talks/digest?notice=saved', 303);
  });

  const sub = z.object({ weekly: z.boolean() });
  app.get(
    '/api/v1/talks/digest',
    {
      schema: {
        tags,
        summary: "The signed-in user's choice of the weekly digest",
        security,
        response: { 200: sub, ...readErrors },
      },
    },
    async (request) => getDigestSubscription(request.ctx()),
  );
  app.put(
    '/api/v1/talks/digest',
    {
      schema: {
        tags,
        summary: 'Opt in to or out of the weekly digest of sessions and actions',
        security,
        body: sub.strict(),
        response: { 200: sub, ...writeErrors },
      },
    },
    async (request) => setDigestSubscription(request.ctx(), request.body),
  );
}
