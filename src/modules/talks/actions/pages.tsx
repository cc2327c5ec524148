import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../../core/cache/cached.ts';
import { AppError, isAppError } from '../../../core/errors.ts';
import { html, idParams, typed } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import { listLinks } from '../../../core/links/service.ts';
import { untrusted } from '../../../core/module/use-case.ts';
import { isStaff, scopedOrgIds } from '../../../core/policy/policy.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import type { FieldError } from '../../../core/validation/input.ts';
import { trackerFiltersOf, trackerQuery } from './api.ts';
import { MAX_BULK_BYTES } from './bulk-csv.ts';
import { fieldErrorsOf, formOf, many, numberOf, one, orNull, textOf } from './page-forms.ts';
import { createAction, getAction, updateAction } from './service-actions.ts';
import { applyBulkUpdate, getBulkUpdate, previewBulkUpdate } from './service-bulk.ts';
import { laterSessions, sectionOptions, sessionOrganisations } from './service-options.ts';
import { createRecommendation, listSessionOutcomes } from './service-recommendations.ts';
import { recommendationTimeline } from './service-timeline.ts';
import { listActions } from './service-tracker.ts';
import { addActionUpdate } from './service-updates.ts';
import { type ActionFormState, ActionPage } from './views/action-page.tsx';
import { shortText } from './views/common.tsx';
import { ImportForm, ImportPreview } from './views/import.tsx';
import { type FormState, SessionOutcomesPage } from './views/session-page.tsx';
import { TimelinePage } from './views/timeline.tsx';
import { TrackerPage } from './views/tracker.tsx';

/** A page of one record: its id, and the notice a redirect after a change may carry. */
const withNotice = {
  schema: {
    hide: true,
    params: idParams,
    querystring: z.looseObject({ notice: z.string().optional().catch(undefined) }),
  },
};
const byId = { schema: { hide: true, params: idParams } };

/** Notices after a redirect: only known keys, so that a link cannot put arbitrary text on a page. */
const notices = ['talksActions.forms.saved', 'talksActions.action.recorded'];
const noticeOf = (request: FastifyRequest, notice: string | undefined) =>
  notice && notices.includes(notice) ? t(request.locale, notice) : undefined;

/** Pages of recommendations and actions, the tracker and the bulk progress update. */
export async function actionsPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  async function sessionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    { state, notice }: { state?: FormState; notice?: string } = {},
  ) {
    const ctx = request.ctx();
    const outcomes = await listSessionOutcomes(ctx, { sessionId: id });
    const [orgs, sections] = outcomes.canEdit
      ? await Promise.all([sessionOrganisations(ctx, id), sectionOptions(ctx)])
      : [[], []];
    if (state) reply.code(400);
    return html(reply).send(
      renderPage(request, {
        title: `${t(request.locale, 'talksActions.session.title')} · ${pick(outcomes.session.title, request.locale).text}`,
        notice: noticeOf(request, notice),
        children: (
          <SessionOutcomesPage
            request={request}
            outcomes={outcomes}
            orgs={orgs}
            sections={sections}
            state={state}
          />
        ),
      }),
    );
  }

  app.get('/talks/sessions/:id/recommendations', withNotice, async (request, reply) => {
    const { id } = request.params;
    if (request.actor) return sessionPage(request, reply, id, { notice: request.query.notice });
    const page = await cachedPage(request, reply, async () => {
      const outcomes = await listSessionOutcomes(request.ctx(), { sessionId: id });
      return renderPage(request, {
        title: `${t(request.locale, 'talksActions.session.title')} · ${pick(outcomes.session.title, request.locale).text}`,
        children: <SessionOutcomesPage request={request} outcomes={outcomes} orgs={[]} sections={[]} />,
      });
    });
    return html(reply).send(page);
  });

  app.post('/talks/sessions/:id/recommendations', byId, async (request, reply) => {
    const { id } = request.params;
    const f = formOf(request.body);
    const other = one(f.otherSourceId);
    try {
      await createRecommendation(
        request.ctx(),
        untrusted({
          sessionId: id,
          text: textOf(f),
          sourceOrgIds: [...many(f.sourceOrgIds), ...(other ? [other] : [])],
          addressees: many(f.addressees),
          themes: many(f.themes),
        }),
      );
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return sessionPage(request, reply, id, { state: { form: 'recommendation', values: f, errors } });
    }
    return reply.redirect(`/talks/sessions/${id}/recommendations?notice=talksActions.forms.saved`, 303);
  });

  app.post('/talks/sessions/:id/actions', byId, async (request, reply) => {
    const { id } = request.params;
    const f = formOf(request.body);
    const responsible = one(f.responsible);
    const otherOrg = one(f.responsibleOrgId);
    let created: { id: string };
    try {
      created = await createAction(
        request.ctx(),
        untrusted({
          sessionId: id,
          text: textOf(f),
          recommendationId: orNull(one(f.recommendationId)),
          parentId: orNull(one(f.parentId)),
          responsibleOrgId: otherOrg || (responsible.startsWith('org:') ? responsible.slice(4) : null),
          responsibleGroup: !otherOrg && responsible.startsWith('group:') ? responsible.slice(6) : null,
          dueOn: orNull(one(f.dueOn)),
          weight: numberOf(one(f.weight)),
          rollup: one(f.rollup) || undefined,
          themes: f.themes === undefined ? undefined : many(f.themes),
        }),
      );
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return sessionPage(request, reply, id, { state: { form: 'action', values: f, errors } });
    }
    return reply.redirect(`/talks/actions/${created.id}?notice=talksActions.forms.saved`, 303);
  });

  async function actionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    { state, notice }: { state?: ActionFormState; notice?: string } = {},
  ) {
    const ctx = request.ctx();
    const detail = await getAction(ctx, { id });
    const [links, sessions] = await Promise.all([
      listLinks(ctx, { kind: 'talks.action', id }),
      detail.permissions.report ? laterSessions(ctx, detail.session.startsAt) : Promise.resolve([]),
    ]);
    if (state) reply.code(state.errors.some((e) => e.message === 'invalid_transition') ? 409 : 400);
    return html(reply).send(
      renderPage(request, {
        title: `${t(request.locale, 'talksActions.action.title')} · ${shortText(request.locale, detail.action.text, 60)}`,
        notice: noticeOf(request, notice),
        children: (
          <ActionPage request={request} detail={detail} links={links} sessions={sessions} state={state} />
        ),
      }),
    );
  }

  app.get('/talks/actions/:id', withNotice, async (request, reply) => {
    const { id } = request.params;
    if (request.actor) return actionPage(request, reply, id, { notice: request.query.notice });
    const page = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const detail = await getAction(ctx, { id });
      const links = await listLinks(ctx, { kind: 'talks.action', id });
      return renderPage(request, {
        title: `${t(request.locale, 'talksActions.action.title')} · ${shortText(request.locale, detail.action.text, 60)}`,
        children: <ActionPage request={request} detail={detail} links={links} sessions={[]} />,
      });
    });
    return html(reply).send(page);
  });

  app.post('/talks/actions/:id/updates', byId, async (request, reply) => {
    const { id } = request.params;
    const f = formOf(request.body);
    const progress = one(f.progress);
    try {
      await addActionUpdate(
        request.ctx(),
        untrusted({
          actionId: id,
          status: one(f.status) || undefined,
          progress: progress === '' ? undefined : numberOf(progress),
          note: one(f.note) || null,
          evidenceUrl: one(f.evidenceUrl) || null,
          happenedOn: one(f.happenedOn),
          sessionId: orNull(one(f.sessionId)),
        }),
      );
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return actionPage(request, reply, id, { state: { form: 'update', values: f, errors } });
    }
    return reply.redirect(`/talks/actions/${id}?notice=talksActions.action.recorded`, 303);
  });

  app.post('/talks/actions/:id', byId, async (request, reply) => {
    const { id } = request.params;
    const f = formOf(request.body);
    try {
      await updateAction(
        request.ctx(),
        untrusted({
          id,
          version: Number(one(f.version)),
          text: textOf(f),
          responsibleOrgId: orNull(one(f.responsibleOrgId)) ?? undefined,
          dueOn: orNull(one(f.dueOn)),
          weight: numberOf(one(f.weight)),
          rollup: one(f.rollup) || undefined,
          themes: many(f.themes),
          followUpSessionId: orNull(one(f.followUpSessionId)),
        }),
      );
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return actionPage(request, reply, id, { state: { form: 'edit', values: f, errors } });
    }
    return reply.redirect(`/talks/actions/${id}?notice=talksActions.forms.saved`, 303);
  });

  app.get('/talks/recommendations/:id', byId, async (request, reply) => {
    const { id } = request.params;
    const page = await cachedPage(request, reply, async () => {
      const timeline = await recommendationTimeline(request.ctx(), { id });
      return renderPage(request, {
        title: t(request.locale, 'talksActions.timeline.title'),
        children: <TimelinePage request={request} timeline={timeline} />,
      });
    });
    return html(reply).send(page);
  });

  // The filters are checked here, not by a route schema, so that a wrong one shows the tracker with its error.
  const anyQuery = { schema: { hide: true, querystring: z.record(z.string(), z.unknown()) } };
  app.get('/actions', anyQuery, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      // Empty fields of the filter form mean "any".
      const given: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.query))
        if (typeof v === 'string' && v !== '' && k !== 'lang') given[k] = v;
      const ctx = request.ctx();
      const parsed = trackerQuery.safeParse(given);
      let errors: FieldError[] | null = null;
      let result: Awaited<ReturnType<typeof listActions>> = { items: [], nextCursor: null };
      if (!parsed.success) {
        errors = parsed.error.issues.map((i) => ({
          path: i.path.join('.'),
          code: 'invalid',
          message: i.message,
        }));
      } else {
        try {
          result = await listActions(ctx, { ...trackerFiltersOf(parsed.data), limit: 50 });
        } catch (e) {
          errors = fieldErrorsOf(e);
          if (!errors) throw e;
        }
      }
      const filters = parsed.success
        ? Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, String(v)]))
        : given;
      const params = new URLSearchParams(
        Object.entries(filters).filter(([k]) => k !== 'cursor' && k !== 'limit'),
      );
      const base = `/actions${params.size ? `?${params}` : ''}`;
      if (errors) reply.code(400);
      return renderPage(request, {
        title: t(request.locale, 'talksActions.tracker.title'),
        children: (
          <TrackerPage
            request={request}
            view={{
              filters,
              items: result.items,
              nextHref: result.nextCursor
                ? `${base}${params.size ? '&' : '?'}cursor=${encodeURIComponent(result.nextCursor)}`
                : null,
              firstHref: filters.cursor ? base : null,
              exportHref: `/api/v1/talks/actions.csv${params.size ? `?${params}` : ''}`,
              sections: await sectionOptions(ctx),
              errors,
              canImport: isStaff(ctx.actor) || scopedOrgIds(ctx.actor).length > 0,
            }}
          />
        ),
      });
    });
    return html(reply).send(page);
  });

  app.get('/actions/import', { schema: { hide: true } }, async (request, reply) => {
    if (!request.actor) throw new AppError('unauthenticated');
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksActions.import.title'),
        children: <ImportForm request={request} />,
      }),
    );
  });

  // A file, or pasted text, as multipart (the file form's CSRF token is in its URL, checked by the kernel).
  app.post('/actions/import', { schema: { hide: true } }, async (request, reply) => {
    const ctx = request.ctx();
    if (!ctx.actor) throw new AppError('unauthenticated');
    let filename = 'progress.csv';
    let content: Buffer | string | null = null;
    try {
      if (request.isMultipart()) {
        let pasted = '';
        for await (const part of request.parts({ limits: { fileSize: MAX_BULK_BYTES } })) {
          if (part.type === 'file') {
            const buffer = await part.toBuffer();
            if (buffer.length > 0) {
              content = buffer;
              filename = part.filename || filename;
            }
          } else if (part.fieldname === 'csv' && typeof part.value === 'string') pasted = part.value;
        }
        if (content === null && pasted.trim() !== '') content = pasted;
      } else {
        const csv = one(formOf(request.body).csv);
        if (csv) content = csv;
      }
      if (content === null) throw new AppError('invalid_csv', { reason: 'empty' });
      const preview = await previewBulkUpdate(ctx, { filename, content });
      return reply.redirect(`/actions/import/${preview.id}`, 303);
    } catch (e) {
      const err = isAppError(e) ? e : null;
      if (!err || !['invalid_csv', 'payload_too_large'].includes(err.code)) {
        // The multipart parser's own error for a file over the limit.
        if (e instanceof Error && 'code' in e && e.code === 'FST_REQ_FILE_TOO_LARGE') {
          reply.code(413);
          return html(reply).send(
            renderPage(request, {
              title: t(request.locale, 'talksActions.import.title'),
              children: <ImportForm request={request} error={{ code: 'payload_too_large' }} />,
            }),
          );
        }
        throw e;
      }
      reply.code(err.status);
      return html(reply).send(
        renderPage(request, {
          title: t(request.locale, 'talksActions.import.title'),
          children: <ImportForm request={request} error={{ code: err.code, details: err.details }} />,
        }),
      );
    }
  });

  app.get('/actions/import/:id', byId, async (request, reply) => {
    const { id } = request.params;
    const summary = await getBulkUpdate(request.ctx(), { id });
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talksActions.import.title'),
        children: <ImportPreview request={request} summary={summary} />,
      }),
    );
  });

  app.post('/actions/import/:id/apply', byId, async (request, reply) => {
    const { id } = request.params;
    await applyBulkUpdate(request.ctx(), { id });
    return reply.redirect(`/actions/import/${id}`, 303);
  });
}
