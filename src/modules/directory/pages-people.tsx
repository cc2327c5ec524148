import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/errors.ts';
import { html, idParams, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { confidentialityLevels } from '../../core/policy/roles.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { choice, fieldErrorsOf, formFields, noticeOf, redirect, str } from './pages-common.ts';
import { personRoleKinds } from './schema.ts';
import {
  addContact,
  archivePerson,
  assignPersonRole,
  contactKinds,
  createPerson,
  endPersonRole,
  getOrganisation,
  getPerson,
  removeContact,
  updatePerson,
} from './service.ts';
import { requireManageOrganisation } from './service-access.ts';
import { errorsByField, type FormValues, field, formValues } from './views/components.tsx';
import { PersonForm, PersonPage } from './views/person.tsx';

/** The directory's HTML pages of people: their forms, roles and contact details. */
export async function directoryPeoplePages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  const withQuery = { schema: { hide: true, querystring: formFields } };
  const form = { schema: { hide: true, body: formFields.optional() } };
  const withId = { schema: { hide: true, params: idParams, querystring: formFields } };
  const formWithId = { schema: { hide: true, params: idParams, body: formFields.optional() } };

  const showPersonForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    opts: {
      values: FormValues;
      errors?: Record<string, string>;
      id?: string;
      status?: number;
      conflict?: boolean;
    },
  ) => {
    const l = request.locale;
    const title = opts.id
      ? t(l, 'directory.people.edit', { name: opts.values.name ?? '' })
      : t(l, 'directory.people.new');
    const orgId = opts.values.organisation_id;
    return html(reply.code(opts.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <PersonForm
            request={request}
            title={title}
            action={opts.id ? `/directory/people/${opts.id}/edit` : '/directory/people/new'}
            values={opts.values}
            errors={opts.errors ?? {}}
            withRole={!opts.id && !!orgId}
            cancelHref={
              opts.id
                ? `/directory/people/${opts.id}`
                : orgId
                  ? `/directory/organisations/${orgId}`
                  : '/directory'
            }
            conflict={opts.conflict}
          />
        ),
      }),
    );
  };
  const personFieldOf = (path: string) =>
    ({ organisationId: 'organisation_id', updatedAt: 'updated_at' })[path] ?? path;

  app.get('/directory/people/new', withQuery, async (request, reply) => {
    const ctx = request.ctx();
    const orgId = str(request.query.organisationId);
    if (orgId) {
      const org = await getOrganisation(ctx, { id: orgId });
      await requireManageOrganisation(ctx.db, ctx, org.organisation.id);
    } else if (!isStaff(ctx.actor)) throw new AppError(ctx.actor ? 'forbidden' : 'unauthenticated');
    return showPersonForm(request, reply, { values: { organisation_id: orgId ?? '', role: 'mayor' } });
  });

  app.post('/directory/people/new', form, async (request, reply) => {
    const b = request.body ?? {};
    const orgId = field(b, 'organisation_id') || null;
    try {
      const role = field(b, 'role');
      const p = await createPerson(request.ctx(), {
        name: field(b, 'name'),
        title: field(b, 'title') || null,
        organisationId: orgId,
        role: orgId && role ? choice(role, personRoleKinds, 'role', 'invalid_role') : null,
        since: field(b, 'since') || null,
      });
      return redirect(
        reply,
        orgId ? `/directory/organisations/${orgId}` : `/directory/people/${p.id}`,
        'directory.people.created',
      );
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return showPersonForm(request, reply, {
        values: formValues(b),
        errors: errorsByField(errors, personFieldOf),
        status: 400,
      });
    }
  });

  app.get('/directory/people/:id', withId, async (request, reply) => {
    const { id } = request.params;
    const person = await getPerson(request.ctx(), { id });
    return html(reply).send(
      renderPage(request, {
        title: person.name,
        notice: noticeOf(request, request.query),
        children: <PersonPage request={request} person={person} />,
      }),
    );
  });

  app.get('/directory/people/:id/edit', withId, async (request, reply) => {
    const { id } = request.params;
    const person = await getPerson(request.ctx(), { id });
    if (!person.permissions.edit) throw new AppError(request.actor ? 'forbidden' : 'unauthenticated');
    return showPersonForm(request, reply, {
      values: { name: person.name, title: person.title ?? '', updated_at: person.updatedAt },
      id,
    });
  });

  app.post('/directory/people/:id/edit', formWithId, async (request, reply) => {
    const { id } = request.params;
    const b = request.body ?? {};
    try {
      await updatePerson(request.ctx(), {
        id,
        updatedAt: field(b, 'updated_at'),
        name: field(b, 'name'),
        title: field(b, 'title') || null,
      });
      return redirect(reply, `/directory/people/${id}`, 'directory.people.saved');
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict') {
        const p = await getPerson(request.ctx(), { id });
        return showPersonForm(request, reply, {
          values: { name: p.name, title: p.title ?? '', updated_at: p.updatedAt },
          id,
          status: 409,
          conflict: true,
        });
      }
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return showPersonForm(request, reply, {
        values: formValues(b),
        errors: errorsByField(errors, personFieldOf),
        id,
        status: 400,
      });
    }
  });

  app.post('/directory/people/:id/archive', formWithId, async (request, reply) => {
    const { id } = request.params;
    const p = await archivePerson(request.ctx(), { id });
    const org = p.roles[0]?.organisationId;
    return redirect(reply, org ? `/directory/organisations/${org}` : '/directory');
  });

  app.post('/directory/people/:id/roles', formWithId, async (request, reply) => {
    const { id } = request.params;
    const b = request.body ?? {};
    await assignPersonRole(request.ctx(), {
      personId: id,
      organisationId: field(b, 'organisation_id'),
      role: choice(field(b, 'role'), personRoleKinds, 'role', 'invalid_role'),
      since: field(b, 'since') || null,
    });
    return redirect(reply, `/directory/people/${id}`, 'directory.people.saved');
  });

  app.post('/directory/roles/:id/end', formWithId, async (request, reply) => {
    const { id } = request.params;
    const r = await endPersonRole(request.ctx(), { id });
    return redirect(reply, `/directory/people/${r.personId}`, 'directory.people.saved');
  });

  app.post('/directory/people/:id/contacts', formWithId, async (request, reply) => {
    const { id } = request.params;
    const b = request.body ?? {};
    await addContact(request.ctx(), {
      personId: id,
      kind: choice(field(b, 'kind'), contactKinds, 'kind', 'invalid_kind'),
      value: field(b, 'value'),
      confidentiality: choice(
        field(b, 'confidentiality') || 'restricted',
        confidentialityLevels,
        'confidentiality',
        'invalid',
      ),
    });
    return redirect(reply, `/directory/people/${id}`, 'directory.people.saved');
  });

  app.post('/directory/contacts/:id/remove', formWithId, async (request, reply) => {
    const { id } = request.params;
    const personId = field(request.body ?? {}, 'person_id');
    await removeContact(request.ctx(), { id });
    return redirect(
      reply,
      personId ? `/directory/people/${personId}` : '/directory',
      'directory.people.saved',
    );
  });
}
