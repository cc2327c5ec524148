import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../../../core/errors.ts';
import { html, typed } from '../../../../core/http/api-kit.ts';
import { isLocale, type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import { untrusted } from '../../../../core/module/use-case.ts';
import { renderPage } from '../../../../core/ui/layout.tsx';
import type { I18nText } from '../../../../core/validation/input.ts';
import { sessionTitle } from '../../sessions/service.ts';
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

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const notices = ['saved', 'status', 'commented', 'resolved'];
// Any text: the use cases answer 404 for an id that is not one.
const params = z.object({ id: z.string() });
const page = <P extends z.ZodObject>(p: P) => ({ schema: { hide: true, params: p } });

/** The minutes page; after a refused form, again with the message and what was typed. */
async function minutesPage(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  error?: unknown,
  values?: Record<string, string>,
) {
  const ctx = request.ctx();
  const m = await getMinutes(ctx, { sessionId: id });
  const comments = await listMinutesComments(ctx, { sessionId: id });
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
            sessionTitle: pick(await sessionTitle(ctx, { id }), l).text,
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
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
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
    return minutesPage(request, reply, id, e, values);
  }
  return reply.redirect(`/talks/sessions/${id}/minutes?notice=${notice}`, 303);
}

/** Pages of the minutes: text and review, history, one version, diff between two. */
export async function minutesPages(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify);
  const base = '/talks/sessions/:id/minutes';
  const title = async (request: FastifyRequest, id: string) =>
    pick(await sessionTitle(request.ctx(), { id }), request.locale).text;

  app.get(base, page(params), async (request, reply) => minutesPage(request, reply, request.params.id));

  app.post(base, page(params), async (request, reply) =>
    submit(request, reply, request.params.id, 'saved', async (f) => {
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

  app.post(`${base}/status`, page(params), async (request, reply) =>
    submit(request, reply, request.params.id, 'status', (f) =>
      setMinutesStatus(request.ctx(), untrusted({ sessionId: request.params.id, status: str(f.status) })),
    ),
  );

  app.post(`${base}/comments`, page(params), async (request, reply) =>
    submit(request, reply, request.params.id, 'commented', (f) =>
      addMinutesComment(
        request.ctx(),
        untrusted({
          sessionId: request.params.id,
          body: str(f.body),
          proposedText: str(f.proposedText) || null,
          locale: str(f.locale) || request.locale,
        }),
      ),
    ),
  );

  app.post(
    `${base}/comments/:cid/resolve`,
    page(params.extend({ cid: z.string() })),
    async (request, reply) =>
      submit(request, reply, request.params.id, 'resolved', (f) =>
        resolveMinutesComment(
          request.ctx(),
          untrusted({
            sessionId: request.params.id,
            commentId: request.params.cid,
            decision: str(f.decision),
          }),
        ),
      ),
  );

  app.get(`${base}/history`, page(params), async (request, reply) => {
    const ctx = request.ctx();
    const versions = await listMinutesVersions(ctx, { sessionId: request.params.id });
    const sessionName = await title(request, request.params.id);
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksOutputs.minutes.history'),
        children: (
          <HistoryPage
            request={request}
            sessionId={request.params.id}
            sessionTitle={sessionName}
            versions={versions}
          />
        ),
      }),
    );
  });

  app.get(
    `${base}/versions/:version`,
    page(params.extend({ version: z.string() })),
    async (request, reply) => {
      const ctx = request.ctx();
      const n = Number(request.params.version);
      const m = await getMinutes(ctx, {
        sessionId: request.params.id,
        version: Number.isInteger(n) ? n : -1,
      });
      const sessionName = await title(request, request.params.id);
      return html(reply).send(
        renderPage(request, {
          title: t(request.locale, 'talksOutputs.minutes.textOf', { n }),
          children: (
            <VersionPage
              request={request}
              sessionId={request.params.id}
              sessionTitle={sessionName}
              version={m.shown!}
            />
          ),
        }),
      );
    },
  );

  app.get(`${base}/diff`, page(params), async (request, reply) => {
    const ctx = request.ctx();
    const q = (request.query ?? {}) as Form;
    const num = (v: unknown) => (/^\d{1,7}$/.test(str(v)) ? Number(v) : -1);
    const [from, to] = await minutesVersionPair(ctx, {
      sessionId: request.params.id,
      from: num(q.from),
      to: num(q.to),
    });
    const lang = isLocale(q.in) ? q.in : request.locale;
    const sessionName = await title(request, request.params.id);
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksOutputs.minutes.diffTitle', { from: from.version, to: to.version }),
        children: (
          <DiffPage
            request={request}
            sessionId={request.params.id}
            sessionTitle={sessionName}
            from={from}
            to={to}
            lang={lang}
          />
        ),
      }),
    );
  });
}
