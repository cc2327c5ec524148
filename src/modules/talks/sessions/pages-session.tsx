import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedPage } from '../../../core/cache/cached.ts';
import { AppError } from '../../../core/errors.ts';
import { html, typed } from '../../../core/http/api-kit.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import { listLinks } from '../../../core/links/service.ts';
import { untrusted } from '../../../core/module/use-case.ts';
import { scopedOrgIds } from '../../../core/policy/policy.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { lookUpPerson, organisationNames } from './org-lookup.ts';
import {
  body,
  fieldOf,
  formErrors,
  instantFrom,
  noticeOf,
  numberFrom,
  orgFrom,
  orNull,
  page,
  params,
  redirect,
} from './pages-form.ts';
import {
  addAgendaItem,
  addParticipant,
  cancelRegistration,
  changeSessionStatus,
  checkInRegistration,
  copySession,
  getAgendaItem,
  getSession,
  getSessionForEdit,
  listRegistrations,
  registerForSession,
  removeAgendaItem,
  removeParticipant,
  updateAgendaItem,
} from './service.ts';
import { type Errors, type FormValues, field, formValues, i18nFrom, i18nValues } from './views/form.tsx';
import { AgendaItemForm } from './views/forms.tsx';
import { RegistrationsPage } from './views/registrations.tsx';
import { SessionPage, type SessionPageData } from './views/session.tsx';
import type { MailDeps } from './waitlist.ts';

export const sessionPageData = async (
  request: FastifyRequest,
  id: string,
  contribution?: SessionPageData['contribution'],
): Promise<SessionPageData> => {
  const ctx = request.ctx();
  const detail = await getSession(ctx, { id });
  const links = await listLinks(ctx, { kind: 'talks.session', id: detail.session.id });
  const contributeFor = detail.permissions.contributeFor;
  return {
    detail,
    links,
    myOrgs: ctx.actor
      ? await organisationNames(ctx.db, [...new Set(scopedOrgIds(ctx.actor))], request.locale)
      : [],
    contributeOrgs: Array.isArray(contributeFor)
      ? await organisationNames(ctx.db, contributeFor, request.locale)
      : [],
    contribution,
  };
};
export const renderSession = (request: FastifyRequest, data: SessionPageData) =>
  renderPage(request, {
    title: pick(data.detail.session.title, request.locale).text,
    notice: noticeOf(request),
    children: <SessionPage request={request} data={data} />,
  });

/** The session page and what is done on it: status, copy, participants, registration, agenda, contributions. */
export async function sessionPage(fastify: FastifyInstance, mail: MailDeps): Promise<void> {
  const app = typed(fastify);

  app.get('/talks/sessions/:id', page(params.id), async (request, reply) => {
    const out = await cachedPage(request, reply, async () =>
      renderSession(request, await sessionPageData(request, request.params.id)),
    );
    return html(reply).send(out);
  });

  app.post('/talks/sessions/:id/status', page(params.id), async (request, reply) => {
    const b = body(request);
    const version = field(b, 'version');
    await changeSessionStatus(
      request.ctx(),
      untrusted({
        id: request.params.id,
        status: field(b, 'status'),
        version: version ? Number(version) : undefined,
      }),
    );
    return redirect(reply, `/talks/sessions/${request.params.id}`, 'statusChanged');
  });

  app.post('/talks/sessions/:id/copy', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
    const from = await getSessionForEdit(ctx, { id: request.params.id });
    const startsAt = instantFrom(body(request), 'copy_starts_at', from.timezone) ?? '';
    const created = await copySession(ctx, { id: from.id, startsAt });
    return redirect(reply, `/talks/sessions/${created.id}`, 'copied');
  });

  app.post('/talks/sessions/:id/participants', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
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
    await addParticipant(
      ctx,
      untrusted({ sessionId: request.params.id, organisationId, personId, role: field(b, 'role') }),
    );
    return redirect(reply, `/talks/sessions/${request.params.id}`, 'participantAdded');
  });

  app.post(
    '/talks/sessions/:id/participants/:pid/remove',
    page(params.participant),
    async (request, reply) => {
      const { id, pid } = request.params;
      await removeParticipant(request.ctx(), { sessionId: id, participantId: pid });
      return redirect(reply, `/talks/sessions/${id}`, 'participantRemoved');
    },
  );

  // ---- Registration ----

  app.post('/talks/sessions/:id/register', page(params.id), async (request, reply) => {
    const b = body(request);
    const r = await registerForSession(request.ctx(), {
      sessionId: request.params.id,
      organisationId: field(b, 'organisation_id') || null,
      accessibilityNeeds: field(b, 'accessibility_needs') || null,
    });
    return redirect(
      reply,
      `/talks/sessions/${request.params.id}`,
      r.status === 'registered' ? 'registered' : 'waitlisted',
    );
  });

  app.post(
    '/talks/sessions/:id/registrations/:rid/cancel',
    page(params.registration),
    async (request, reply) => {
      const { id, rid } = request.params;
      await cancelRegistration(request.ctx(), { sessionId: id, registrationId: rid, mail });
      const back =
        field(body(request), 'back') === 'registrations'
          ? `/talks/sessions/${id}/registrations`
          : `/talks/sessions/${id}`;
      return redirect(reply, back, 'cancelled');
    },
  );

  app.post(
    '/talks/sessions/:id/registrations/:rid/check-in',
    page(params.registration),
    async (request, reply) => {
      const { id, rid } = request.params;
      await checkInRegistration(request.ctx(), {
        sessionId: id,
        registrationId: rid,
        undo: field(body(request), 'undo') === '1',
      });
      return redirect(reply, `/talks/sessions/${id}/registrations`, 'checkedIn');
    },
  );

  app.get('/talks/sessions/:id/registrations', page(params.id), async (request, reply) => {
    const ctx = request.ctx();
    const id = request.params.id;
    const registrations = await listRegistrations(ctx, { sessionId: id, includeCancelled: true });
    const session = await getSessionForEdit(ctx, { id });
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

  app.post('/talks/sessions/:id/agenda', page(params.id), async (request, reply) => {
    const b = body(request);
    await addAgendaItem(request.ctx(), {
      sessionId: request.params.id,
      parentId: field(b, 'parent_id') || null,
      title: { [request.locale]: field(b, 'agenda_title') },
      durationMinutes: numberFrom(b, 'duration_minutes'),
    });
    return redirect(reply, `/talks/sessions/${request.params.id}`, 'agendaAdded');
  });

  app.post('/talks/sessions/:id/agenda/:aid/remove', page(params.agenda), async (request, reply) => {
    const { id, aid } = request.params;
    await removeAgendaItem(request.ctx(), { sessionId: id, id: aid });
    return redirect(reply, `/talks/sessions/${id}`, 'agendaRemoved');
  });

  const showAgendaForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    at: { id: string; aid: string },
    o: { values: FormValues; errors?: Errors; status?: number },
  ) => {
    const title = t(request.locale, 'talks.agenda.edit');
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <AgendaItemForm
            request={request}
            title={title}
            action={`/talks/sessions/${at.id}/agenda/${at.aid}/edit`}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={`/talks/sessions/${at.id}`}
          />
        ),
      }),
    );
  };

  app.get('/talks/sessions/:id/agenda/:aid/edit', page(params.agenda), async (request, reply) => {
    const { id, aid } = request.params;
    const item = await getAgendaItem(request.ctx(), { sessionId: id, id: aid });
    return showAgendaForm(request, reply, request.params, {
      values: {
        ...i18nValues('title', item.title),
        ...i18nValues('description', item.description),
        position: String(item.position),
        duration_minutes: item.durationMinutes === null ? '' : String(item.durationMinutes),
      },
    });
  });

  app.post('/talks/sessions/:id/agenda/:aid/edit', page(params.agenda), async (request, reply) => {
    const { id, aid } = request.params;
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
      return showAgendaForm(request, reply, request.params, {
        values: formValues(b),
        errors: more,
        status: 400,
      });
    }
  });
}
