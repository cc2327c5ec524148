import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../../core/errors.ts';
import { html, typed } from '../../../core/http/api-kit.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { body, fieldOf, formErrors, orgFrom, page, params, redirect } from './pages-form.ts';
import { renderSession, sessionPageData } from './pages-session.tsx';
import {
  addContribution,
  getContribution,
  getSession,
  removeContribution,
  updateContribution,
} from './service.ts';
import { type Errors, type FormValues, field, formValues, i18nFrom, i18nValues } from './views/form.tsx';
import { ContributionForm } from './views/forms.tsx';

/** Contributions written on the session page, and their own edit form. */
export async function contributionPages(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify);

  const contributionFieldOf = (p: string) =>
    fieldOf(p, {
      organisationId: 'organisation',
      agendaItemId: 'agenda_item_id',
      speakerLabel: 'speaker_label',
    });

  app.post('/talks/sessions/:id/contributions', page(params.id), async (request, reply) => {
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
        sessionId: request.params.id,
        organisationId,
        speakerLabel: staff && label ? { [request.locale]: label } : null,
        agendaItemId: field(b, 'agenda_item_id') || null,
        body: i18nFrom(b, 'body'),
      });
      return redirect(reply, `/talks/sessions/${request.params.id}`, 'contributionAdded');
    } catch (e) {
      const more = formErrors(e, contributionFieldOf);
      if (!more) throw e;
      const data = await sessionPageData(request, request.params.id, {
        values: formValues(b),
        errors: { ...errors, ...more },
      });
      return html(reply.code(400)).send(renderSession(request, data));
    }
  });

  const showContributionForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    at: { id: string; cid: string },
    o: { values: FormValues; errors?: Errors; status?: number; conflict?: boolean },
  ) => {
    const detail = await getSession(request.ctx(), { id: at.id });
    const l = request.locale;
    const title = t(l, 'talks.contribution.edit');
    return html(reply.code(o.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <ContributionForm
            request={request}
            title={title}
            action={`/talks/sessions/${at.id}/contributions/${at.cid}/edit`}
            values={o.values}
            errors={o.errors ?? {}}
            cancelHref={`/talks/sessions/${at.id}`}
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

  app.get(
    '/talks/sessions/:id/contributions/:cid/edit',
    page(params.contribution),
    async (request, reply) => {
      const { id, cid } = request.params;
      const ctx = request.ctx();
      const c = await getContribution(ctx, { sessionId: id, id: cid });
      const detail = await getSession(ctx, { id });
      const can = detail.permissions.contributeFor;
      if (can !== 'all' && !(c.organisationId && can.includes(c.organisationId)))
        throw new AppError(ctx.actor ? 'forbidden' : 'unauthenticated');
      return showContributionForm(request, reply, request.params, { values: contributionValues(c) });
    },
  );

  app.post(
    '/talks/sessions/:id/contributions/:cid/edit',
    page(params.contribution),
    async (request, reply) => {
      const { id, cid } = request.params;
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
          return showContributionForm(request, reply, request.params, {
            values: contributionValues(c),
            status: 409,
            conflict: true,
          });
        }
        const more = formErrors(e, contributionFieldOf);
        if (!more) throw e;
        return showContributionForm(request, reply, request.params, {
          values: formValues(b),
          errors: more,
          status: 400,
        });
      }
    },
  );

  app.post(
    '/talks/sessions/:id/contributions/:cid/remove',
    page(params.contribution),
    async (request, reply) => {
      const { id, cid } = request.params;
      await removeContribution(request.ctx(), { sessionId: id, id: cid });
      return redirect(reply, `/talks/sessions/${id}`, 'contributionRemoved');
    },
  );
}
