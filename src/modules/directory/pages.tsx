import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedPage } from '../../core/cache/cached.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import type { AppServices } from '../../core/http/types.ts';
import { pick, t } from '../../core/i18n/i18n.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import type { FieldError } from '../../core/validation/input.ts';
import {
  addContact,
  addMembership,
  archiveOrganisation,
  archivePerson,
  assignPersonRole,
  createOrganisation,
  createPerson,
  endMembership,
  endPersonRole,
  findOrganisation,
  getOrganisation,
  getPerson,
  listGroups,
  listOrganisations,
  listSections,
  removeContact,
  searchDirectory,
  updateOrganisation,
  updatePerson,
} from './service.ts';
import { coordinatedSections, requireManageOrganisation } from './service-access.ts';
import { errorsByField, type FormValues, field, formValues } from './views/components.tsx';
import { DirectoryPage, type ListView, SectionsPage } from './views/list.tsx';
import { OrganisationPage } from './views/organisation.tsx';
import {
  OrganisationForm,
  organisationFieldOf,
  organisationInput,
  organisationValues,
} from './views/organisation-form.tsx';
import { PersonForm, PersonPage } from './views/person.tsx';

type Query = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
/** Notices after a redirect: only known keys, so a link cannot put arbitrary text on the page. */
const notices = [
  'directory.org.saved',
  'directory.org.created',
  'directory.org.archivedNotice',
  'directory.memberships.added',
  'directory.memberships.ended',
  'directory.people.saved',
  'directory.people.created',
];
const noticeOf = (request: FastifyRequest) => {
  const n = str((request.query as Query)?.notice);
  return n && notices.includes(n) ? t(request.locale, n) : undefined;
};
const redirect = (reply: FastifyReply, url: string, notice?: string) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${notice}` : url, 303);

/** Field errors of a use case, or null when the error is something else. */
function fieldErrorsOf(e: unknown): FieldError[] | null {
  return isAppError(e) && e.code === 'validation_failed' && Array.isArray(e.details)
    ? (e.details as FieldError[])
    : null;
}

/** Sections the reader may add an organisation to (all for staff, their own for coordinators). */
async function manageableGroups(request: FastifyRequest, exclude: string[] = []) {
  const ctx = request.ctx();
  const mine = coordinatedSections(ctx.actor);
  // Most readers manage nothing: spare them the query (the organisation page is the busiest page).
  if (!isStaff(ctx.actor) && mine.length === 0) return [];
  const all = await listGroups(ctx);
  return all
    .filter((s) => (isStaff(ctx.actor) || mine.includes(s.id)) && !exclude.includes(s.id))
    .map((s) => ({ id: s.id, name: pick(s.names, request.locale, s.name).text }));
}

export async function directoryPages(app: FastifyInstance, _services: AppServices): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get('/directory', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const q = (request.query ?? {}) as Query;
      const filters: FormValues = {};
      for (const k of ['q', 'kind', 'country', 'section', 'cursor'])
        if (str(q[k])) filters[k] = String(q[k]).slice(0, 1000);
      const ctx = request.ctx();
      const sections = (await listGroups(ctx)).filter((s) => s.kind === 'section');
      const params = new URLSearchParams(Object.entries(filters).filter(([k]) => k !== 'cursor'));
      let view: ListView;
      // A query alone gives ranked matches ("Kiev" puts Kyiv first); filters give the name-ordered list.
      if (filters.q && !filters.country && !filters.section && !filters.cursor) {
        const r = await searchDirectory(ctx, { q: filters.q, kind: filters.kind as never, limit: 50 });
        view = {
          filters,
          items: r.organisations,
          people: r.people,
          searched: true,
          nextHref: null,
          firstHref: null,
          sections,
          exportQuery: '',
        };
      } else {
        const r = await listOrganisations(ctx, { ...filters, kind: filters.kind as never, limit: 50 });
        const base = `/directory?${params.toString()}`;
        view = {
          filters,
          items: r.items,
          people: [],
          searched: false,
          nextHref: r.nextCursor ? `${base}${params.size ? '&' : ''}cursor=${r.nextCursor}` : null,
          firstHref: filters.cursor ? base : null,
          sections,
          exportQuery: params.size ? `?${params.toString()}` : '',
        };
      }
      return renderPage(request, {
        title: t(request.locale, 'directory.title'),
        htmx: true,
        children: <DirectoryPage request={request} view={view} />,
      });
    });
    return html(reply).send(page);
  });

  app.get('/directory/sections', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const sections = await listSections(request.ctx());
      return renderPage(request, {
        title: t(request.locale, 'directory.sections.title'),
        children: <SectionsPage request={request} sections={sections} />,
      });
    });
    return html(reply).send(page);
  });

  // ---- Organisations ----

  const showOrgForm = async (
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
      ? t(l, 'directory.org.edit', {
          name:
            opts.values[`name_${l}`] ||
            opts.values.name_en ||
            Object.entries(opts.values).find(([k, v]) => k.startsWith('name_') && v)?.[1] ||
            '',
        })
      : t(l, 'directory.org.new');
    const sections = opts.id ? undefined : await manageableGroups(request);
    return html(reply.code(opts.status ?? 200)).send(
      renderPage(request, {
        title,
        children: (
          <OrganisationForm
            request={request}
            values={opts.values}
            errors={opts.errors ?? {}}
            title={title}
            action={opts.id ? `/directory/organisations/${opts.id}/edit` : '/directory/organisations/new'}
            cancelHref={opts.id ? `/directory/organisations/${opts.id}` : '/directory'}
            sections={sections}
            conflict={opts.conflict}
          />
        ),
      }),
    );
  };

  app.get('/directory/organisations/new', hide, async (request, reply) => {
    const ctx = request.ctx();
    if (!ctx.actor) throw new AppError('unauthenticated');
    if (!isStaff(ctx.actor) && coordinatedSections(ctx.actor).length === 0) throw new AppError('forbidden');
    return showOrgForm(request, reply, { values: { kind: 'city' } });
  });

  app.post('/directory/organisations/new', hide, async (request, reply) => {
    try {
      const created = await createOrganisation(request.ctx(), organisationInput(body(request)));
      return redirect(reply, `/directory/organisations/${created.id}`, 'directory.org.created');
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return showOrgForm(request, reply, {
        values: formValues(request.body),
        errors: errorsByField(errors, organisationFieldOf),
        status: 400,
      });
    }
  });

  app.get('/directory/organisations/:id', hide, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const { id } = request.params as { id: string };
      const detail = await getOrganisation(request.ctx(), { id });
      const groups = await manageableGroups(request, [id, ...detail.memberships.map((m) => m.groupId)]);
      return renderPage(request, {
        title: pick(detail.organisation.names, request.locale, detail.organisation.name).text,
        notice: noticeOf(request),
        children: <OrganisationPage request={request} detail={detail} groups={groups} />,
      });
    });
    return html(reply).send(page);
  });

  app.get('/directory/organisations/:id/edit', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const ctx = request.ctx();
    const detail = await getOrganisation(ctx, { id });
    await requireManageOrganisation(ctx.db, ctx, detail.organisation.id);
    return showOrgForm(request, reply, { values: organisationValues(detail.organisation), id });
  });

  app.post('/directory/organisations/:id/edit', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const b = body(request);
    try {
      const { sectionId: _ignored, ...input } = organisationInput(b);
      await updateOrganisation(request.ctx(), { ...input, id, updatedAt: field(b, 'updated_at') });
      return redirect(reply, `/directory/organisations/${id}`, 'directory.org.saved');
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict') {
        // Show their version, so the user can apply the change again on top of it.
        const current = await findOrganisation(request.ctx().db, id);
        if (current)
          return showOrgForm(request, reply, {
            values: organisationValues(current),
            id,
            status: 409,
            conflict: true,
          });
      }
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return showOrgForm(request, reply, {
        values: formValues(b),
        errors: errorsByField(errors, organisationFieldOf),
        id,
        status: 400,
      });
    }
  });

  app.post('/directory/organisations/:id/archive', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    await archiveOrganisation(request.ctx(), { id, restore: field(body(request), 'restore') === '1' });
    return redirect(reply, `/directory/organisations/${id}`, 'directory.org.archivedNotice');
  });

  // ---- Memberships ----

  app.post('/directory/organisations/:id/memberships', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const b = body(request);
    await addMembership(request.ctx(), {
      memberId: id,
      groupId: field(b, 'group_id'),
      status: (field(b, 'status') || 'active') as never,
      since: field(b, 'since') || null,
    });
    return redirect(reply, `/directory/organisations/${id}`, 'directory.memberships.added');
  });

  app.post('/directory/memberships/:id/end', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const m = await endMembership(request.ctx(), { id });
    return redirect(reply, `/directory/organisations/${m.memberId}`, 'directory.memberships.ended');
  });

  // ---- People ----

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

  app.get('/directory/people/new', hide, async (request, reply) => {
    const ctx = request.ctx();
    const orgId = str((request.query as Query).organisationId);
    if (orgId) {
      const org = await getOrganisation(ctx, { id: orgId });
      await requireManageOrganisation(ctx.db, ctx, org.organisation.id);
    } else if (!isStaff(ctx.actor)) throw new AppError(ctx.actor ? 'forbidden' : 'unauthenticated');
    return showPersonForm(request, reply, { values: { organisation_id: orgId ?? '', role: 'mayor' } });
  });

  app.post('/directory/people/new', hide, async (request, reply) => {
    const b = body(request);
    const orgId = field(b, 'organisation_id') || null;
    try {
      const p = await createPerson(request.ctx(), {
        name: field(b, 'name'),
        title: field(b, 'title') || null,
        organisationId: orgId,
        role: orgId ? ((field(b, 'role') || null) as never) : null,
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

  app.get('/directory/people/:id', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const person = await getPerson(request.ctx(), { id });
    return html(reply).send(
      renderPage(request, {
        title: person.name,
        notice: noticeOf(request),
        children: <PersonPage request={request} person={person} />,
      }),
    );
  });

  app.get('/directory/people/:id/edit', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const person = await getPerson(request.ctx(), { id });
    if (!person.permissions.edit) throw new AppError(request.actor ? 'forbidden' : 'unauthenticated');
    return showPersonForm(request, reply, {
      values: { name: person.name, title: person.title ?? '', updated_at: person.updatedAt },
      id,
    });
  });

  app.post('/directory/people/:id/edit', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const b = body(request);
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

  app.post('/directory/people/:id/archive', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const p = await archivePerson(request.ctx(), { id });
    const org = p.roles[0]?.organisationId;
    return redirect(reply, org ? `/directory/organisations/${org}` : '/directory');
  });

  app.post('/directory/people/:id/roles', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const b = body(request);
    await assignPersonRole(request.ctx(), {
      personId: id,
      organisationId: field(b, 'organisation_id'),
      role: field(b, 'role') as never,
      since: field(b, 'since') || null,
    });
    return redirect(reply, `/directory/people/${id}`, 'directory.people.saved');
  });

  app.post('/directory/roles/:id/end', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const r = await endPersonRole(request.ctx(), { id });
    return redirect(reply, `/directory/people/${r.personId}`, 'directory.people.saved');
  });

  app.post('/directory/people/:id/contacts', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const b = body(request);
    await addContact(request.ctx(), {
      personId: id,
      kind: field(b, 'kind') as never,
      value: field(b, 'value'),
      confidentiality: (field(b, 'confidentiality') || 'restricted') as never,
    });
    return redirect(reply, `/directory/people/${id}`, 'directory.people.saved');
  });

  app.post('/directory/contacts/:id/remove', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    const personId = field(body(request), 'person_id');
    await removeContact(request.ctx(), { id });
    return redirect(
      reply,
      personId ? `/directory/people/${personId}` : '/directory',
      'directory.people.saved',
    );
  });
}
