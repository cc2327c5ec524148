import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { cachedJson } from '../../core/cache/cached.ts';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { directoryPeopleApi, peopleQuery } from './api-people.ts';
import * as s from './api-schemas.ts';
import { organisationsExport, peopleExport } from './exports.ts';
import { organisationKinds } from './schema.ts';
import {
  addMembership,
  archiveOrganisation,
  createOrganisation,
  endMembership,
  getOrganisation,
  listMemberships,
  listOrganisations,
  listSections,
  searchDirectory,
  updateMembership,
  updateOrganisation,
} from './service.ts';
import {
  createOrganisationInput,
  membershipInput,
  membershipUpdateInput,
  updateOrganisationInput,
} from './service-input.ts';

const tags = ['directory'];
const P = '/api/v1/directory';

const listQuery = z
  .object({
    kind: z.enum(organisationKinds).optional(),
    country: z.string().max(2).optional().describe('ISO 3166-1 alpha-2'),
    section: z.uuid().optional().describe('Only active members of this Section (or network)'),
    q: z.string().max(200).optional(),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    includeArchived: s.bool.optional().describe('Staff only'),
  })
  .strict();
type ListQuery = z.infer<typeof listQuery>;
const listFilters = (q: ListQuery) => ({ ...q, includeArchived: q.includeArchived === 'true' });

function attachment(reply: FastifyReply, name: string, format: 'csv' | 'json') {
  reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .header('cache-control', 'no-store');
}

/** The directory's JSON API: `/api/v1/directory/...`, one Zod schema per endpoint. */
export async function directoryApi(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get(
    `${P}/organisations`,
    {
      schema: {
        tags,
        summary: 'List organisations by name, filtered, keyset-paginated',
        querystring: listQuery,
        response: { 200: s.page(s.organisationSummary), ...readErrors },
      },
    },
    async (request) => listOrganisations(request.ctx(), listFilters(request.query)),
  );

  app.get(
    `${P}/search`,
    {
      schema: {
        tags,
        summary: 'Search organisations and people across spellings and scripts ("Kiev" finds Kyiv)',
        querystring: z
          .object({
            q: z.string().min(1).max(200),
            kind: z.enum(organisationKinds).optional(),
            limit: z.coerce.number().int().min(1).max(100).optional(),
          })
          .strict(),
        response: { 200: s.searchResult, ...readErrors },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => searchDirectory(request.ctx(), request.query)),
  );

  for (const format of ['csv', 'json'] as const) {
    app.get(
      `${P}/organisations.${format}`,
      {
        schema: {
          tags,
          summary: `Export organisations as ${format.toUpperCase()} (same filters as the list)`,
          querystring: listQuery.omit({ cursor: true, limit: true }),
          produces: [format === 'csv' ? 'text/csv' : 'application/json'],
        },
      },
      async (request, reply) => {
        const stream = await organisationsExport(request.ctx(), listFilters(request.query), format);
        attachment(reply, 'organisations', format);
        return reply.send(stream);
      },
    );
    app.get(
      `${P}/people.${format}`,
      {
        schema: {
          tags,
          summary: `Export people with their roles as ${format.toUpperCase()} (contacts only where allowed; audited)`,
          querystring: peopleQuery.omit({ cursor: true, limit: true }),
          produces: [format === 'csv' ? 'text/csv' : 'application/json'],
        },
      },
      async (request, reply) => {
        const stream = await peopleExport(request.ctx(), request.query, format);
        attachment(reply, 'people', format);
        return reply.send(stream);
      },
    );
  }

  app.get(
    `${P}/organisations/:id`,
    {
      schema: {
        tags,
        summary: 'An organisation with its parent, memberships and people',
        params: idParams,
        response: { 200: s.organisationDetail, ...readErrors },
      },
    },
    async (request) => getOrganisation(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/organisations`,
    {
      schema: {
        tags,
        summary: 'Create an organisation (staff; a Section coordinator into their Section)',
        security,
        body: createOrganisationInput,
        response: { 201: s.organisation, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createOrganisation(request.ctx(), request.body);
    },
  );

  app.patch(
    `${P}/organisations/:id`,
    {
      schema: {
        tags,
        summary: 'Change an organisation (send the `updatedAt` you read)',
        security,
        params: idParams,
        body: updateOrganisationInput.omit({ id: true }),
        response: { 200: s.organisation, ...writeErrors },
      },
    },
    async (request) => updateOrganisation(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/organisations/:id/archive`,
    {
      schema: {
        tags,
        summary: 'Archive an organisation (or restore it with `restore: true`)',
        security,
        params: idParams,
        body: z.object({ restore: z.boolean().optional() }).strict().optional(),
        response: { 200: s.organisation, ...writeErrors },
      },
    },
    async (request) =>
      archiveOrganisation(request.ctx(), { id: request.params.id, restore: request.body?.restore }),
  );

  app.get(
    `${P}/sections`,
    {
      schema: {
        tags,
        summary: 'Sections and networks with their number of active members',
        response: { 200: z.object({ items: z.array(s.section) }), ...readErrors },
      },
    },
    async (request) => ({ items: await listSections(request.ctx()) }),
  );

  app.get(
    `${P}/memberships`,
    {
      schema: {
        tags,
        summary: 'Memberships of a Section or of an organisation',
        querystring: z
          .object({
            groupId: z.uuid().optional(),
            memberId: z.uuid().optional(),
            status: z.enum(['active', 'pending', 'suspended', 'ended']).optional(),
            cursor: z.string().max(1000).optional(),
            limit: z.coerce.number().int().min(1).max(100).optional(),
          })
          .strict(),
        response: { 200: s.page(s.membership), ...readErrors },
      },
    },
    async (request) => listMemberships(request.ctx(), request.query),
  );

  app.post(
    `${P}/memberships`,
    {
      schema: {
        tags,
        summary: 'Add an organisation to a Section or network',
        security,
        body: membershipInput,
        response: { 201: s.membership, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addMembership(request.ctx(), request.body);
    },
  );

  app.patch(
    `${P}/memberships/:id`,
    {
      schema: {
        tags,
        summary: 'Change a membership (status, dates, note)',
        security,
        params: idParams,
        body: membershipUpdateInput.omit({ id: true }),
        response: { 200: s.membership, ...writeErrors },
      },
    },
    async (request) => updateMembership(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/memberships/:id/end`,
    {
      schema: {
        tags,
        summary: 'End a membership (today unless `until` is given)',
        security,
        params: idParams,
        body: s.endBody.optional(),
        response: { 200: s.membership, ...writeErrors },
      },
    },
    async (request) => endMembership(request.ctx(), { id: request.params.id, until: request.body?.until }),
  );

  await directoryPeopleApi(fastify, services);
}
