import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicUrl } from '../../../core/auth/onboarding.ts';
import { cachedPage } from '../../../core/cache/cached.ts';
import type { Ctx } from '../../../core/context.ts';
import { AppError, isAppError } from '../../../core/errors.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import { listLinks } from '../../../core/links/service.ts';
import { isStaff, scopedOrgIds } from '../../../core/policy/policy.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { requireStaff } from './access.ts';
import { isTimeZone } from './input.ts';
import { lookUpOrganisation, lookUpPerson } from './org-lookup.ts';
import {
  addAgendaItem,
  addContribution,
  addParticipant,
  agendaOf,
  cancelRegistration,
  changeSessionStatus,
  checkInRegistration,
  copySession,
  createSeries,
  createSession,
  findSession,
  getContribution,
  getSeries,
  getSession,
  listRegistrations,
  listSeries,
  listSessions,
  registerForSession,
  removeAgendaItem,
  removeContribution,
  removeParticipant,
  updateAgendaItem,
  updateContribution,
  updateSeries,
  updateSession,
} from './service.ts';
import { instantToLocal, localToInstant } from './time.ts';
import { type Errors, type FormValues, field, formValues, i18nFrom, i18nValues } from './views/form.tsx';
import { AgendaItemForm, ContributionForm, SeriesForm, SessionForm } from './views/forms.tsx';
import { SeriesPage, TalksIndex } from './views/lists.tsx';
import { RegistrationsPage } from './views/registrations.tsx';
import { SessionPage, type SessionPageData } from './views/session.tsx';

type Body = Record<string, unknown>;
const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
const body = (request: FastifyRequest) => (request.body ?? {}) as Body;
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const notices = [
  'created',
  'saved',
  'statusChanged',
  'copied',
  'registered',
  'waitlisted',
  'cancelled',
  'checkedIn',
  'participantAdded',
  'participantRemoved',
  'agendaAdded',
  'agendaRemoved',
  'agendaSaved',
  'contributionAdded',
  'contributionSaved',
  'contributionRemoved',
];
const noticeOf = (request: FastifyRequest) => {
  const n = (request.query as Record<string, unknown>)?.notice;
  return typeof n === 'string' && notices.includes(n) ? t(request.locale, `talks.notice.${n}`) : undefined;
};
const redirect = (reply: FastifyReply, url: string, notice?: string) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${notice}` : url, 303);

/** Field errors of a use case keyed by form field name, or null when the error is something else. */
function formErrors(e: unknown, fieldOf: (path: string) => string): Errors | null {
  if (!isAppError(e)) return null;
  if (e.code === 'validation_failed' && Array.isArray(e.details)) {
    const out: Errors = {};
    for (const d of e.details as { path: string; code?: string }[]) {
      const f = fieldOf(d.path ?? '');
      if (!out[f]) out[f] = d.code ?? 'invalid';
    }
    return out;
  }
  if (e.code === 'unknown_reference') {
    const d = e.details as { field?: string; kind?: string };
    return { [fieldOf(d.field ?? '')]: `unknown_${d.kind ?? 'reference'}` };
  }
  if (e.code === 'already_exists') {
    const d = e.details as { field?: string } | undefined;
    return { [fieldOf(d?.field ?? '')]: 'taken' };
  }
  return null;
}

const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const I18N_FIELDS = ['title', 'subtitle', 'summary', 'description', 'body'];
/** `title.fr` → `title_fr`, `title` → `title_en` (the first field of the set), `startsAt` → `starts_at`. */
function fieldOf(path: string, renames: Record<string, string> = {}): string {
  const [head, sub] = path.split('.');
  if (renames[head]) return renames[head];
  if (I18N_FIELDS.includes(head)) return `${head}_${sub && /^[a-z]{2,3}$/.test(sub) ? sub : 'en'}`;
  return camelToSnake(head);
}

/** An organisation named in a form field (name, acronym or id); empty gives null. */
async function orgFrom(db: Ctx['db'], b: Body, name: string, errors: Errors): Promise<string | null> {
  const text = field(b, name);
  if (!text) return null;
  const found = await lookUpOrganisation(db, text);
  if ('error' in found) {
    errors[name] = found.error;
    return null;
  }
  return found.id;
}

const orNull = (o: Record<string, string>) => (Object.keys(o).length ? o : null);

/** A local date-time field in a zone as an instant; what cannot be read is passed on for the use case to refuse. */
function instantFrom(b: Body, name: string, zone: string): string | null {
  const text = field(b, name);
  if (!text) return null;
  return (isTimeZone(zone) && localToInstant(text, zone)) || `invalid:${text}`;
}

function numberFrom(b: Body, name: string): number | null {
  const text = field(b, name);
  return text === '' ? null : Number(text);
}

async function sessionFromForm(db: Ctx['db'], b: Body) {
  const errors: Errors = {};
  const timezone = field(b, 'timezone') || 'UTC';
  const venueOrgId = await orgFrom(db, b, 'venue_org', errors);
  const input = {
    title: i18nFrom(b, 'title'),
    subtitle: orNull(i18nFrom(b, 'subtitle')),
    summary: orNull(i18nFrom(b, 'summary')),
    startsAt: instantFrom(b, 'starts_at', timezone) ?? '',
    endsAt: instantFrom(b, 'ends_at', timezone),
    timezone,
    format: field(b, 'format') as never,
    venue: field(b, 'venue') || null,
    venueOrgId,
    onlineUrl: field(b, 'online_url') || null,
    languages: field(b, 'languages')
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((x) => x.toLowerCase()),
    capacity: numberFrom(b, 'capacity'),
    registrationOpen: field(b, 'registration_open') === '1',
  };
  if (input.languages.length === 0) input.languages = ['en'];
  return { input, errors };
}

function sessionValues(s: Awaited<ReturnType<typeof findSession>> & object): FormValues {
  return {
    ...i18nValues('title', s.title),
    ...i18nValues('subtitle', s.subtitle),
    ...i18nValues('summary', s.summary),
    starts_at: instantToLocal(s.startsAt, s.timezone),
    ends_at: s.endsAt ? instantToLocal(s.endsAt, s.timezone) : '',
    timezone: s.timezone,
    format: s.format,
    venue: s.venue ?? '',
    venue_org: s.venueOrgId ?? '',
    online_url: s.onlineUrl ?? '',
    languages: s.languages.join(', '),
    capacity: s.capacity === null ? '' : String(s.capacity),
    registration_open: s.registrationOpen ? '1' : '',
    version: String(s.version),
    series_id: s.seriesId,
  };
}

async function orgNames(db: Ctx['db'], ids: string[], locale: FastifyRequest['locale']) {
  if (ids.length === 0) return [];
  const r = await db.execute<{ id: string; name: string; names: Record<string, string> }>(
    sql`SELECT id, name, names FROM organisations WHERE id = ANY(${`{${ids.join(',')}}`}::uuid[]) ORDER BY name`,
  );
  return r.rows.map((o) => ({ id: o.id, name: pick(o.names, locale, o.name).text }));
}

export async function sessionPages(app: FastifyInstance, services: AppServices): Promise<void> {
  const hide = { schema: { hide: true } };
  const deps = { mailer: services.mailer, baseUrl: publicUrl(services.config) };

  // ---- The Talks home and series ----

  app.get('/talks', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
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
    return html(reply).send(page);
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

  app.get('/talks/series/:id', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const series = await getSeries(ctx, { id: idOf(request) });
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
    return html(reply).send(page);
  });

  app.get('/talks/series/:id/edit', hide, async (request, reply) => {
    const ctx = request.ctx();
    requireStaff(ctx);
    const s = await getSeries(ctx, { id: idOf(request) });
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

  app.post('/talks/series/:id/edit', hide, async (request, reply) => {
    const ctx = request.ctx();
    const id = idOf(request);
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
      const created = await createSession(ctx, { ...input, seriesId: field(b, 'series_id') });
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

  app.get('/talks/sessions/:id/edit', hide, async (request, reply) => {
    const ctx = request.ctx();
    requireStaff(ctx);
    const s = await findSession(ctx.db, idOf(request));
    if (!s) throw new AppError('not_found');
    return showSessionForm(request, reply, { id: s.id, values: sessionValues(s) });
  });

  app.post('/talks/sessions/:id/edit', hide, async (request, reply) => {
    const ctx = request.ctx();
    const id = idOf(request);
    const b = body(request);
    const { input, errors } = await sessionFromForm(ctx.db, b);
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      await updateSession(ctx, { ...input, id, version: Number(field(b, 'version')) }, deps);
      return redirect(reply, `/talks/sessions/${id}`, 'saved');
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict') {
        // Show the saved version, so the editor can make the change again on top of it.
        const current = await findSession(ctx.db, id);
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

  // ---- The session page ----

  const sessionPageData = async (
    request: FastifyRequest,
    contribution?: SessionPageData['contribution'],
  ): Promise<SessionPageData> => {
    const ctx = request.ctx();
    const detail = await getSession(ctx, { id: idOf(request) });
    const links = await listLinks(ctx, { kind: 'talks.session', id: detail.session.id });
    const contributeFor = detail.permissions.contributeFor;
    return {
      detail,
      links,
      myOrgs: ctx.actor ? await orgNames(ctx.db, [...new Set(scopedOrgIds(ctx.actor))], request.locale) : [],
      contributeOrgs: Array.isArray(contributeFor)
        ? await orgNames(ctx.db, contributeFor, request.locale)
        : [],
      contribution,
    };
  };
  const renderSession = (request: FastifyRequest, data: SessionPageData) =>
    renderPage(request, {
      title: pick(data.detail.session.title, request.locale).text,
      notice: noticeOf(request),
      children: <SessionPage request={request} data={data} />,
    });

  app.get('/talks/sessions/:id', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () =>
      renderSession(request, await sessionPageData(request)),
    );
    return html(reply).send(page);
  });

  app.post('/talks/sessions/:id/status', hide, async (request, reply) => {
    const b = body(request);
    const version = field(b, 'version');
    await changeSessionStatus(request.ctx(), {
      id: idOf(request),
      status: field(b, 'status') as never,
      version: version ? Number(version) : undefined,
    });
    return redirect(reply, `/talks/sessions/${idOf(request)}`, 'statusChanged');
  });

  app.post('/talks/sessions/:id/copy', hide, async (request, reply) => {
    const ctx = request.ctx();
    requireStaff(ctx);
    const from = await findSession(ctx.db, idOf(request));
    if (!from) throw new AppError('not_found');
    const startsAt = instantFrom(body(request), 'copy_starts_at', from.timezone) ?? '';
    const created = await copySession(ctx, { id: from.id, startsAt });
    return redirect(reply, `/talks/sessions/${created.id}`, 'copied');
  });

  app.post('/talks/sessions/:id/participants', hide, async (request, reply) => {
    const ctx = request.ctx();
    requireStaff(ctx);
    const b = body(request);
    const errors: Errors = {};
    const organisationId = await orgFrom(ctx.db, b, 'participant_org', errors);
    let personId: string | null = null;
    const personText = field(b, 'participant_person');
    if (personText) {
      const found = await lookUpPerson(ctx.db, personText);
      if ('error' in found)
        throw new AppError('unknown_reference', { field: 'personId', kind: 'person', text: personText });
      personId = found.id;
    }
    if (errors.participant_org || (!organisationId && !personId))
      throw new AppError('unknown_reference', {
        field: 'organisationId',
        kind: 'organisation',
        text: field(b, 'participant_org'),
      });
    await addParticipant(ctx, {
      sessionId: idOf(request),
      organisationId,
      personId,
      role: field(b, 'role') as never,
    });
    return redirect(reply, `/talks/sessions/${idOf(request)}`, 'participantAdded');
  });

  app.post('/talks/sessions/:id/participants/:pid/remove', hide, async (request, reply) => {
    const { id, pid } = request.params as { id: string; pid: string };
    await removeParticipant(request.ctx(), { sessionId: id, participantId: pid });
    return redirect(reply, `/talks/sessions/${id}`, 'participantRemoved');
  });

  // ---- Registration ----

  app.post('/talks/sessions/:id/register', hide, async (request, reply) => {
    const b = body(request);
    const r = await registerForSession(request.ctx(), {
      sessionId: idOf(request),
      organisationId: field(b, 'organisation_id') || null,
      accessibilityNeeds: field(b, 'accessibility_needs') || null,
    });
    return redirect(
      reply,
      `/talks/sessions/${idOf(request)}`,
      r.status === 'registered' ? 'registered' : 'waitlisted',
    );
  });

  app.post('/talks/sessions/:id/registrations/:rid/cancel', hide, async (request, reply) => {
    const { id, rid } = request.params as { id: string; rid: string };
    await cancelRegistration(request.ctx(), { sessionId: id, registrationId: rid }, deps);
    const back =
      field(body(request), 'back') === 'registrations'
        ? `/talks/sessions/${id}/registrations`
        : `/talks/sessions/${id}`;
    return redirect(reply, back, 'cancelled');
  });

  app.post('/talks/sessions/:id/registrations/:rid/check-in', hide, async (request, reply) => {
    const { id, rid } = request.params as { id: string; rid: string };
    await checkInRegistration(request.ctx(), {
      sessionId: id,
      registrationId: rid,
      undo: field(body(request), 'undo') === '1',
    });
    return redirect(reply, `/talks/sessions/${id}/registrations`, 'checkedIn');
  });

  app.get('/talks/sessions/:id/registrations', hide, async (request, reply) => {
    const ctx = request.ctx();
    const registrations = await listRegistrations(ctx, { sessionId: idOf(request), includeCancelled: true });
    const session = (await findSession(ctx.db, idOf(request)))!;
    // Restricted data: never kept by browsers or proxies.
    reply.header('cache-control', 'no-store');
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'talks.registration.manage'),
        notice: noticeOf(request),
        children: <RegistrationsPage request={request} session={session} registrations={registrations} />,
      }),
    );
  });

  // ---- Agenda ----

  app.post('/talks/sessions/:id/agenda', hide, async (request, reply) => {
    const b = body(request);
    await addAgendaItem(request.ctx(), {
      sessionId: idOf(request),
      parentId: field(b, 'parent_id') || null,
      title: { [request.locale]: field(b, 'agenda_title') },
      durationMinutes: numberFrom(b, 'duration_minutes'),
    });
    return redirect(reply, `/talks/sessions/${idOf(request)}`, 'agendaAdded');
  });

  app.post('/talks/sessions/:id/agenda/:aid/remove', hide, async (request, reply) => {
    const { id, aid } = request.params as { id: string; aid: string };
    await removeAgendaItem(request.ctx(), { sessionId: id, id: aid });
    return redirect(reply, `/talks/sessions/${id}`, 'agendaRemoved');
  });

  const showAgendaForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { values: FormValues; errors?: Errors; status?: number },
  ) => {
    const { id, aid } = request.params as { id: string; aid: string };
    const title = t(request.locale, 'talks.agenda.edit');
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <AgendaItemForm
            request={request}
            title={title}
            action={`/talks/sessions/${id}/agenda/${aid}/edit`}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={`/talks/sessions/${id}`}
          />
        ),
      }),
    );
  };

  app.get('/talks/sessions/:id/agenda/:aid/edit', hide, async (request, reply) => {
    const { id, aid } = request.params as { id: string; aid: string };
    const ctx = request.ctx();
    requireStaff(ctx);
    const item = (await agendaOf(ctx.db, id)).find((a) => a.id === aid);
    if (!item) throw new AppError('not_found');
    return showAgendaForm(request, reply, {
      values: {
        ...i18nValues('title', item.title),
        ...i18nValues('description', item.description),
        position: String(item.position),
        duration_minutes: item.durationMinutes === null ? '' : String(item.durationMinutes),
      },
    });
  });

  app.post('/talks/sessions/:id/agenda/:aid/edit', hide, async (request, reply) => {
    const { id, aid } = request.params as { id: string; aid: string };
    const b = body(request);
    try {
      await updateAgendaItem(request.ctx(), {
        id: aid,
        sessionId: id,
        title: i18nFrom(b, 'title'),
        description: orNull(i18nFrom(b, 'description')),
        position: field(b, 'position') === '' ? undefined : Number(field(b, 'position')),
        durationMinutes: numberFrom(b, 'duration_minutes'),
      });
      return redirect(reply, `/talks/sessions/${id}`, 'agendaSaved');
    } catch (e) {
      const more = formErrors(e, (p) => fieldOf(p, { durationMinutes: 'duration_minutes' }));
      if (!more) throw e;
      return showAgendaForm(request, reply, { values: formValues(b), errors: more, status: 400 });
    }
  });

  // ---- Contributions ----

  const contributionFieldOf = (p: string) =>
    fieldOf(p, {
      organisationId: 'organisation',
      agendaItemId: 'agenda_item_id',
      speakerLabel: 'speaker_label',
    });

  app.post('/talks/sessions/:id/contributions', hide, async (request, reply) => {
    const ctx = request.ctx();
    const b = body(request);
    const errors: Errors = {};
    const staff = isStaff(ctx.actor);
    const organisationId = staff
      ? await orgFrom(ctx.db, b, 'organisation', errors)
      : field(b, 'organisation_id') || null;
    const label = field(b, 'speaker_label');
    try {
      if (Object.keys(errors).length) throw new AppError('validation_failed', []);
      await addContribution(ctx, {
        sessionId: idOf(request),
        organisationId,
        speakerLabel: staff && label ? { [request.locale]: label } : null,
        agendaItemId: field(b, 'agenda_item_id') || null,
        body: i18nFrom(b, 'body'),
      });
      return redirect(reply, `/talks/sessions/${idOf(request)}`, 'contributionAdded');
    } catch (e) {
      const more = formErrors(e, contributionFieldOf);
      if (!more) throw e;
      const data = await sessionPageData(request, { values: formValues(b), errors: { ...errors, ...more } });
      return html(reply.code(400)).send(renderSession(request, data));
    }
  });

  const showContributionForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { values: FormValues; errors?: Errors; status?: number; conflict?: boolean },
  ) => {
    const { id, cid } = request.params as { id: string; cid: string };
    const ctx = request.ctx();
    const detail = await getSession(ctx, { id });
    const l = request.locale;
    const title = t(l, 'talks.contribution.edit');
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <ContributionForm
            request={request}
            title={title}
            action={`/talks/sessions/${id}/contributions/${cid}/edit`}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={`/talks/sessions/${id}`}
            organisations={[]}
            staff={detail.permissions.contributeFor === 'all'}
            agenda={detail.agenda.map((a) => ({ id: a.id, title: pick(a.title, l).text, depth: a.depth }))}
            conflict={o.conflict}
          />
        ),
      }),
    );
  };
  const contributionValues = (c: Awaited<ReturnType<typeof getContribution>>): FormValues => ({
    ...i18nValues('body', c.body),
    speaker_label: c.speakerLabel ? Object.values(c.speakerLabel)[0] : '',
    agenda_item_id: c.agendaItemId ?? '',
    version: String(c.version),
  });

  app.get('/talks/sessions/:id/contributions/:cid/edit', hide, async (request, reply) => {
    const { id, cid } = request.params as { id: string; cid: string };
    const ctx = request.ctx();
    const c = await getContribution(ctx, { sessionId: id, id: cid });
    const detail = await getSession(ctx, { id });
    const can = detail.permissions.contributeFor;
    if (can !== 'all' && !(c.organisationId && can.includes(c.organisationId)))
      throw new AppError(ctx.actor ? 'forbidden' : 'unauthenticated');
    return showContributionForm(request, reply, { values: contributionValues(c) });
  });

  app.post('/talks/sessions/:id/contributions/:cid/edit', hide, async (request, reply) => {
    const { id, cid } = request.params as { id: string; cid: string };
    const ctx = request.ctx();
    const b = body(request);
    const label = field(b, 'speaker_label');
    try {
      await updateContribution(ctx, {
        id: cid,
        sessionId: id,
        version: Number(field(b, 'version')),
        body: i18nFrom(b, 'body'),
        ...(isStaff(ctx.actor) ? { speakerLabel: label ? { [request.locale]: label } : null } : {}),
        agendaItemId: field(b, 'agenda_item_id') || null,
      });
      return redirect(reply, `/talks/sessions/${id}`, 'contributionSaved');
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict') {
        const c = await getContribution(ctx, { sessionId: id, id: cid });
        return showContributionForm(request, reply, {
          values: contributionValues(c),
          status: 409,
          conflict: true,
        });
      }
      const more = formErrors(e, contributionFieldOf);
      if (!more) throw e;
      return showContributionForm(request, reply, { values: formValues(b), errors: more, status: 400 });
    }
  });

  app.post('/talks/sessions/:id/contributions/:cid/remove', hide, async (request, reply) => {
    const { id, cid } = request.params as { id: string; cid: string };
    await removeContribution(request.ctx(), { sessionId: id, id: cid });
    return redirect(reply, `/talks/sessions/${id}`, 'contributionRemoved');
  });
}
