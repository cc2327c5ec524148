import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedPage } from '../../core/cache/cached.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { html, idParams, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { pick, t } from '../../core/i18n/i18n.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { choice, fieldErrorsOf, formFields, noticeOf, redirect, str } from './pages-common.ts';
import { membershipStatuses, organisationKinds } from './schema.ts';
import {
  addMembership,
  archiveOrganisation,
  createOrganisation,
  endMembership,
  findOrganisation,
  getOrganisation,
  listGroups,
  listOrganisations,
  listSections,
  searchDirectory,
  updateOrganisation,
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

/** The directory's HTML pages of organisations, Sections and memberships (people: pages-people.tsx). */
export async function directoryPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  const hide = { schema: { hide: true } };
  const withQuery = { schema: { hide: true, querystring: formFields } };
  const form = { schema: { hide: true, body: formFields.optional() } };
  const withId = { schema: { hide: true, params: idParams, querystring: formFields } };
  const formWithId = { schema: { hide: true, params: idParams, body: formFields.optional() } };

  app.get('/directory', withQuery, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const q = request.query;
      const filters: FormValues = {};
      for (const k of ['q', 'kind', 'country', 'section', 'cursor'])
        if (str(q[k])) filters[k] = String(q[k]).slice(0, 1000);
      const ctx = request.ctx();
      const sections = (await listGroups(ctx)).filter((s) => s.kind === 'section');
      const params = new URLSearchParams(Object.entries(filters).filter(([k]) => k !== 'cursor'));
      const kind = filters.kind ? choice(filters.kind, organisationKinds, 'kind', 'invalid_kind') : undefined;
      let view: ListView;
      // A query alone gives ranked matches ("Kiev" puts Kyiv first); filters give the name-ordered list.
      if (filters.q && !filters.country && !filters.section && !filters.cursor) {
        const r = await searchDirectory(ctx, { q: filters.q, kind, limit: 50 });
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
        const r = await listOrganisations(ctx, { ...filters, kind, limit: 50 });
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

  app.post('/directory/organisations/new', form, async (request, reply) => {
    try {
      const created = await createOrganisation(request.ctx(), organisationInput(request.body ?? {}));
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

  app.get('/directory/organisations/:id', withId, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const { id } = request.params;
      const detail = await getOrganisation(request.ctx(), { id });
      const groups = await manageableGroups(request, [id, ...detail.memberships.map((m) => m.groupId)]);
      return renderPage(request, {
        title: pick(detail.organisation.names, request.locale, detail.organisation.name).text,
        notice: noticeOf(request, request.query),
        children: <OrganisationPage request={request} detail={detail} groups={groups} />,
      });
    });
    return html(reply).send(page);
  });

  app.get('/directory/organisations/:id/edit', withId, async (request, reply) => {
    const { id } = request.params;
    const ctx = request.ctx();
    const detail = await getOrganisation(ctx, { id });
    await requireManageOrganisation(ctx.db, ctx, detail.organisation.id);
    return showOrgForm(request, reply, { values: organisationValues(detail.organisation), id });
  });

  app.post('/directory/organisations/:id/edit', formWithId, async (request, reply) => {
    const { id } = request.params;
    const b = request.body ?? {};
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

  app.post('/directory/organisations/:id/archive', formWithId, async (request, reply) => {
    const { id } = request.params;
    await archiveOrganisation(request.ctx(), { id, restore: field(request.body ?? {}, 'restore') === '1' });
    return redirect(reply, `/directory/organisations/${id}`, 'directory.org.archivedNotice');
  });

  // ---- Memberships ----

  app.post('/directory/organisations/:id/memberships', formWithId, async (request, reply) => {
    const { id } = request.params;
    const b = request.body ?? {};
    await addMembership(request.ctx(), {
      memberId: id,
      groupId: field(b, 'group_id'),
      status: choice(field(b, 'status') || 'active', membershipStatuses, 'status', 'invalid_status'),
      since: field(b, 'since') || null,
    });
    return redirect(reply, `/directory/organisations/${id}`, 'directory.memberships.added');
  });

  app.post('/directory/memberships/:id/end', formWithId, async (request, reply) => {
    const { id } = request.params;
    const m = await endMembership(request.ctx(), { id });
    return redirect(reply, `/directory/organisations/${m.memberId}`, 'directory.memberships.ended');
  });
}
