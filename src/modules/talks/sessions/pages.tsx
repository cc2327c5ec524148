import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicUrl } from '../../../core/auth/onboarding.ts';
import { cachedPage } from '../../../core/cache/cached.ts';
import type { Ctx } from '../../../core/context.ts';
import { AppError, isAppError } from '../../../core/errors.ts';
import { html, typed } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import { untrusted } from '../../../core/module/use-case.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { requireStaff } from './access.ts';
import { contributionPages } from './pages-contributions.tsx';
import {
  type Body,
  body,
  fieldOf,
  formErrors,
  hide,
  noticeOf,
  orgFrom,
  orNull,
  page,
  params,
  redirect,
  sessionFromForm,
  sessionValues,
} from './pages-form.ts';
import { sessionPage } from './pages-session.tsx';
import {
  createSeries,
  createSession,
  getSeries,
  getSessionForEdit,
  listSeries,
  listSessions,
  updateSeries,
  updateSession,
} from './service.ts';
import { type Errors, type FormValues, field, formValues, i18nFrom, i18nValues } from './views/form.tsx';
import { SeriesForm, SessionForm } from './views/forms.tsx';
import { SeriesPage, TalksIndex } from './views/lists.tsx';

/** The Talks home, the series and the session forms; the session page and its forms follow. */
export async function sessionPages(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = typed(fastify);
  const mail = { mailer: services.mailer, baseUrl: publicUrl(services.config) };

  // ---- The Talks home and series ----

  app.get('/talks', hide, async (request, reply) => {
    const out = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const cursor = (request.query as Record<string, unknown>)?.past;
      const [series, upcoming, past] = [
        await listSeries(ctx),
        await listSessions(ctx, { when: 'upcoming', limit: 50 }),
        await listSessions(ctx, {
          when: 'past',
          limit: 20,
          cursor: typeof cursor === 'string' ? cursor : undefined,
        }),
      ];
      return renderPage(request, {
        title: t(request.locale, 'talks.title'),
        children: (
          <TalksIndex
            request={request}
            series={series}
            upcoming={upcoming.items}
            past={past.items}
            pastMoreHref={past.nextCursor ? `/talks?past=${past.nextCursor}` : null}
            staff={isStaff(ctx.actor)}
          />
        ),
      });
    });
    return html(reply).send(out);
  });

  const showSeriesForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { values: FormValues; errors?: Errors; id?: string; status?: number },
  ) => {
    const title = o.id ? t(request.locale, 'talks.series.edit') : t(request.locale, 'talks.series.new');
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <SeriesForm
            request={request}
            title={title}
            action={o.id ? `/talks/series/${o.id}/edit` : '/talks/series/new'}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={o.id ? `/talks/series/${o.id}` : '/talks'}
          />
        ),
      }),
    );
  };

  const seriesFromForm = async (db: Ctx['db'], b: Body) => {
    const errors: Errors = {};
    const organiserId = await orgFrom(db, b, 'organiser', errors);
    return {
      errors,
      input: {
        slug: field(b, 'slug'),
        title: i18nFrom(b, 'title'),
        subtitle: orNull(i18nFrom(b, 'subtitle')),
        description: orNull(i18nFrom(b, 'description')),
        organiserId,
      },
    };
  };
  const seriesFieldOf = (p: string) => fieldOf(p, { organiserId: 'organiser' });

  app.get('/talks/series/new', hide, async (request, reply) => {
    requireStaff(request.ctx());
    return showSeriesForm(request, reply, { values: {} });
  });

  app.post('/talks/series/new', hide, async (request, reply) => {
    const ctx = request.ctx();
    const { input, errors } = await seriesFromForm(ctx.db, body(request));
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      const created = await createSeries(ctx, input);
      return redirect(reply, `/talks/series/${created.id}`, 'created');
    } catch (e) {
      const more = formErrors(e, seriesFieldOf);
      if (!more) throw e;
      return showSeriesForm(request, reply, {
        values: formValues(request.body),
        errors: { ...errors, ...more },
        status: 400,
      });
    }
  });

  app.get('/talks/series/:id', page(params.id), async (request, reply) => {
    const out = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const series = await getSeries(ctx, { id: request.params.id });
      const sessions = await listSessions(ctx, { seriesId: series.id, limit: 200 });
      return renderPage(request, {
        title: pick(series.title, request.locale).text,
        notice: noticeOf(request),
        children: (
          <SeriesPage
            request={request}
            series={series}
            sessions={sessions.items.reverse()}
            staff={isStaff(ctx.actor)}
          />
        ),
      });
    });
    return html(reply).send(out);
  });

  app.get('/talks/series/:id/edit', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
    requireStaff(ctx);
    const s = await getSeries(ctx, { id: request.params.id });
    return showSeriesForm(request, reply, {
      id: s.id,
      values: {
        slug: s.slug,
        ...i18nValues('title', s.title),
        ...i18nValues('subtitle', s.subtitle),
        ...i18nValues('description', s.description),
        organiser: s.organiserId ?? '',
      },
    });
  });

  app.post('/talks/series/:id/edit', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
    const id = request.params.id;
    const { input, errors } = await seriesFromForm(ctx.db, body(request));
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      await updateSeries(ctx, { ...input, id });
      return redirect(reply, `/talks/series/${id}`, 'saved');
    } catch (e) {
      const more = formErrors(e, seriesFieldOf);
      if (!more) throw e;
      return showSeriesForm(request, reply, {
        id,
        values: formValues(request.body),
        errors: { ...errors, ...more },
        status: 400,
      });
    }
  });

  // ---- Session forms ----

  const sessionFieldOf = (p: string) =>
    fieldOf(p, {
      seriesId: 'series_id',
      venueOrgId: 'venue_org',
      onlineUrl: 'online_url',
      registrationOpen: 'registration_open',
    });

  const showSessionForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { values: FormValues; errors?: Errors; id?: string; status?: number; conflict?: boolean },
  ) => {
    const l = request.locale;
    const title = o.id ? t(l, 'talks.session.edit') : t(l, 'talks.session.new');
    const series = o.id
      ? undefined
      : (await listSeries(request.ctx())).map((s) => ({ id: s.id, title: pick(s.title, l).text }));
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <SessionForm
            request={request}
            title={title}
            action={o.id ? `/talks/sessions/${o.id}/edit` : '/talks/sessions/new'}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={o.id ? `/talks/sessions/${o.id}` : '/talks'}
            series={series}
            conflict={o.conflict}
          />
        ),
      }),
    );
  };

  app.get('/talks/sessions/new', hide, async (request, reply) => {
    requireStaff(request.ctx());
    const q = (request.query ?? {}) as Record<string, unknown>;
    return showSessionForm(request, reply, {
      values: {
        series_id: typeof q.series === 'string' ? q.series : '',
        timezone: 'UTC',
        format: 'online',
        languages: 'en, fr, es',
      },
    });
  });

  app.post('/talks/sessions/new', hide, async (request, reply) => {
    const ctx = request.ctx();
    const b = body(request);
    const { input, errors } = await sessionFromForm(ctx.db, b);
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      const created = await createSession(ctx, untrusted({ ...input, seriesId: field(b, 'series_id') }));
      return redirect(reply, `/talks/sessions/${created.id}`, 'created');
    } catch (e) {
      const more = formErrors(e, sessionFieldOf);
      if (!more) throw e;
      return showSessionForm(request, reply, {
        values: formValues(b),
        errors: { ...errors, ...more },
        status: 400,
      });
    }
  });

  app.get('/talks/sessions/:id/edit', page(params.id), async (request, reply) => {
    const s = await getSessionForEdit(request.ctx(), { id: request.params.id });
    return showSessionForm(request, reply, { id: s.id, values: sessionValues(s) });
  });

  app.post('/talks/sessions/:id/edit', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
    const id = request.params.id;
    const b = body(request);
    const { input, errors } = await sessionFromForm(ctx.db, b);
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      await updateSession(ctx, untrusted({ ...input, id, version: Number(field(b, 'version')), mail }));
      return redirect(reply, `/talks/sessions/${id}`, 'saved');
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict') {
        // Show the saved version, so the editor can make the change again on top of it.
        const current = await getSessionForEdit(ctx, { id }).catch(() => null);
        if (current)
          return showSessionForm(request, reply, {
            id,
            values: sessionValues(current),
            status: 409,
            conflict: true,
          });
      }
      const more = formErrors(e, sessionFieldOf);
      if (!more) throw e;
      return showSessionForm(request, reply, {
        id,
        values: formValues(b),
        errors: { ...errors, ...more },
        status: 400,
      });
    }
  });

  await sessionPage(fastify, mail);
  await contributionPages(fastify);
}
