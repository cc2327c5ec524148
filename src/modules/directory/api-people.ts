import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { confidentialityLevels } from '../../core/policy/roles.ts';
import * as s from './api-schemas.ts';
import { personRoleKinds } from './schema.ts';
import {
  addContact,
  archivePerson,
  assignPersonRole,
  contactKinds,
  createPerson,
  endPersonRole,
  getPerson,
  listPeople,
  removeContact,
  updatePerson,
} from './service.ts';
import { personInput, personUpdateInput } from './service-input.ts';

const tags = ['directory'];
const P = '/api/v1/directory';

export const peopleQuery = z
  .object({
    q: z.string().max(200).optional(),
    organisationId: z.uuid().optional(),
    role: z.enum(personRoleKinds).optional(),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

// Bodies of nested routes: the person comes from the path.
const rolesBody = z
  .object({
    organisationId: z.uuid(),
    role: z.enum(personRoleKinds),
    since: z.iso.date().nullish(),
    until: z.iso.date().nullish(),
  })
  .strict();
const contactBody = z
  .object({
    kind: z.enum(contactKinds),
    value: z.string().min(1).max(500),
    confidentiality: z.enum(confidentialityLevels).optional(),
  })
  .strict();

/** The JSON API of people, their roles and contact details: `/api/v1/directory/people/...`. */
export async function directoryPeopleApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get(
    `${P}/people`,
    {
      schema: {
        tags,
        summary:
          'People with their roles (contact details only where allowed; reads of restricted ones are audited)',
        querystring: peopleQuery,
        response: { 200: s.page(s.person), ...readErrors },
      },
    },
    async (request) => listPeople(request.ctx(), request.query),
  );

  app.post(
    `${P}/people`,
    {
      schema: {
        tags,
        summary: 'Add a person, optionally with a role in an organisation',
        security,
        body: personInput,
        response: { 201: s.person, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createPerson(request.ctx(), request.body);
    },
  );

  app.get(
    `${P}/people/:id`,
    {
      schema: {
        tags,
        summary: 'A person with roles and the contact details the caller may see',
        params: idParams,
        response: { 200: s.person, ...readErrors },
      },
    },
    async (request) => getPerson(request.ctx(), { id: request.params.id }),
  );

  app.patch(
    `${P}/people/:id`,
    {
      schema: {
        tags,
        summary: 'Change a person (send the `updatedAt` you read)',
        security,
        params: idParams,
        body: personUpdateInput.omit({ id: true }),
        response: { 200: s.person, ...writeErrors },
      },
    },
    async (request) => updatePerson(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/people/:id/archive`,
    {
      schema: {
        tags,
        summary: 'Archive a person',
        security,
        params: idParams,
        response: { 200: s.person, ...writeErrors },
      },
    },
    async (request) => archivePerson(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/people/:id/roles`,
    {
      schema: {
        tags,
        summary: 'Give a person a role in an organisation',
        security,
        params: idParams,
        body: rolesBody,
        response: { 201: s.personRole, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return assignPersonRole(request.ctx(), { ...request.body, personId: request.params.id });
    },
  );

  app.post(
    `${P}/roles/:id/end`,
    {
      schema: {
        tags,
        summary: "End a person's role (today unless `until` is given)",
        security,
        params: idParams,
        body: s.endBody.optional(),
        response: { 200: s.personRole, ...writeErrors },
      },
    },
    async (request) => endPersonRole(request.ctx(), { id: request.params.id, until: request.body?.until }),
  );

  app.post(
    `${P}/people/:id/contacts`,
    {
      schema: {
        tags,
        summary: 'Add a contact detail to a person (restricted by default)',
        security,
        params: idParams,
        body: contactBody,
        response: { 201: s.contact, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addContact(request.ctx(), { ...request.body, personId: request.params.id });
    },
  );

  app.delete(
    `${P}/contacts/:id`,
    {
      schema: {
        tags,
        summary: 'Remove a contact detail',
        security,
        params: idParams,
        response: { 204: z.void().describe('Removed'), ...writeErrors },
      },
    },
    async (request, reply) => {
      await removeContact(request.ctx(), { id: request.params.id });
      return reply.code(204).send();
    },
  );
}
