import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../../core/context.ts';
import { isAppError } from '../../../../core/errors.ts';
import { isLocale, type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import { renderPage } from '../../../../core/ui/layout.tsx';
import type { I18nText } from '../../../directory/schema.ts';
import {
  addMinutesComment,
  getMinutes,
  listMinutesComments,
  listMinutesVersions,
  minutesVersionPair,
  resolveMinutesComment,
  saveMinutes,
  setMinutesStatus,
} from './service.ts';
import { DiffPage, HistoryPage, MinutesPage, VersionPage } from './views.tsx';

type Req = FastifyRequest<{ Params: { id: string; version?: string; cid?: string } }>;
type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
const notices = ['saved', 'status', 'commented', 'resolved'];

async function sessionTitle(ctx: Ctx, id: string): Promise<string> {
  const r = await ctx.db.execute<{ title: I18nText }>(sql`SELECT title FROM talks_sessions WHERE id = ${id}`);
  return pick(r.rows[0]?.title, ctx.locale).text;
}

/** The minutes page; after a refused form, again with the message and what was typed. */
async function minutesPage(
  request: Req,
  reply: FastifyReply,
  error?: unknown,
  values?: Record<string, string>,
) {
  const ctx = request.ctx();
  const id = request.params.id;
  const m = await getMinutes(ctx, { sessionId: id });
  const comments = await listMinutesComments(ctx, id);
  const baseTexts = new Map<number, I18nText>();
  for (const v of new Set(comments.filter((c) => c.proposedText !== null).map((c) => c.version))) {
    const [x] = await minutesVersionPair(ctx, { sessionId: id, from: v, to: v });
    baseTexts.set(v, x.body);
  }
  const q = (request.query ?? {}) as Form;
  const editLang: Locale = isLocale(values?.lang) ? values.lang : isLocale(q.edit) ? q.edit : request.locale;
  const n = str(q.notice);
  const l = request.locale;
  if (error) reply.code(isAppError(error) ? error.status : 400);
  return html(reply).send(
    renderPage(request, {
      title: t(l, 'talksOutputs.minutes.title'),
      notice: notices.includes(n) ? t(l, `talksOutputs.minutes.notice.${n}`) : undefined,
      children: (
        <MinutesPage
          request={request}
          v={{
            sessionId: id,
            sessionTitle: await sessionTitle(ctx, id),
            m,
            comments,
            baseTexts,
            editLang,
            error: error && isAppError(error) ? t(l, `errors.${error.code}`) : undefined,
            values,
          }}
        />
      ),
    }),
  );
}

/** Run a form's use case: 303 back to the minutes on success, the page with the error otherwise. */
async function submit(
  request: Req,
  reply: FastifyReply,
  notice: string,
  run: (form: Form) => Promise<unknown>,
) {
  const form = (request.body ?? {}) as Form;
  try {
    await run(form);
  } catch (e) {
    // Refusals the reader can act on are shown on the page; anything else is the app's error page.
    if (!isAppError(e) || e.status >= 500 || e.code === 'not_found' || e.code === 'unauthenticated') throw e;
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, str(v)]));
    return minutesPage(request, reply, e, values);
  }
  return reply.redirect(`/talks/sessions/${request.params.id}/minutes?notice=${notice}`, 303);
}

/** Pages of the minutes: text and review, history, one version, diff between two. */
export async function minutesPages(app: FastifyInstance): Promise<void> {
  const hide = { schema: { hide: true } };
  const base = '/talks/sessions/:id/minutes';

  app.get(base, hide, async (request: Req, reply) => minutesPage(request, reply));

  app.post(base, hide, async (request: Req, reply) =>
    submit(request, reply, 'saved', async (f) => {
      const lang = isLocale(f.lang) ? f.lang : request.locale;
      const current = (await getMinutes(request.ctx(), { sessionId: request.params.id })).shown?.body ?? {};
      await saveMinutes(request.ctx(), {
        sessionId: request.params.id,
        body: { ...current, [lang]: str(f.text).replace(/\r\n/g, '\n') },
        note: str(f.note) || null,
        // A form without its base version must not pass for version 0.
        baseVersion: /^\d+$/.test(str(f.baseVersion)) ? Number(f.baseVersion) : -1,
      });
    }),
  );

  app.post(`${base}/status`, hide, async (request: Req, reply) =>
    submit(request, reply, 'status', (f) =>
      setMinutesStatus(request.ctx(), { sessionId: request.params.id, status: str(f.status) as 'review' }),
    ),
  );

  app.post(`${base}/comments`, hide, async (request: Req, reply) =>
    submit(request, reply, 'commented', (f) =>
      addMinutesComment(request.ctx(), {
        sessionId: request.params.id,
        body: str(f.body),
        proposedText: str(f.proposedText) || null,
        locale: (str(f.locale) || request.locale) as Locale,
      }),
    ),
  );

  app.post(`${base}/comments/:cid/resolve`, hide, async (request: Req, reply) =>
    submit(request, reply, 'resolved', (f) =>
      resolveMinutesComment(request.ctx(), {
        sessionId: request.params.id,
        commentId: str(request.params.cid),
        decision: str(f.decision) as 'accept',
      }),
    ),
  );

  app.get(`${base}/history`, hide, async (request: Req, reply) => {
    const ctx = request.ctx();
    const versions = await listMinutesVersions(ctx, request.params.id);
    const title = await sessionTitle(ctx, request.params.id);
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksOutputs.minutes.history'),
        children: (
          <HistoryPage
            request={request}
            sessionId={request.params.id}
            sessionTitle={title}
            versions={versions}
          />
        ),
      }),
    );
  });

  app.get(`${base}/versions/:version`, hide, async (request: Req, reply) => {
    const ctx = request.ctx();
    const n = Number(request.params.version);
    const m = await getMinutes(ctx, { sessionId: request.params.id, version: Number.isInteger(n) ? n : -1 });
    const title = await sessionTitle(ctx, request.params.id);
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksOutputs.minutes.textOf', { n }),
        children: (
          <VersionPage
            request={request}
            sessionId={request.params.id}
            sessionTitle={title}
            version={m.shown!}
          />
        ),
      }),
    );
  });

  app.get(`${base}/diff`, hide, async (request: Req, reply) => {
    const ctx = request.ctx();
    const q = (request.query ?? {}) as Form;
    const num = (v: unknown) => (/^\d{1,7}$/.test(str(v)) ? Number(v) : -1);
    const [from, to] = await minutesVersionPair(ctx, {
      sessionId: request.params.id,
      from: num(q.from),
      to: num(q.to),
    });
    const lang = isLocale(q.in) ? q.in : request.locale;
    const title = await sessionTitle(ctx, request.params.id);
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksOutputs.minutes.diffTitle', { from: from.version, to: to.version }),
        children: (
          <DiffPage
            request={request}
            sessionId={request.params.id}
            sessionTitle={title}
            from={from}
            to={to}
            lang={lang}
          />
        ),
      }),
    );
  });
}
