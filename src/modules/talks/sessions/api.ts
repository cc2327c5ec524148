import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicUrl } from '../../../core/auth/onboarding.ts';
import { cachedJson } from '../../../core/cache/cached.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { participantRoles, sessionFormats, sessionStatuses } from '../schema.ts';
import * as s from './api-schemas.ts';
import {
  addAgendaItem,
  addContribution,
  addParticipant,
  cancelRegistration,
  changeSessionStatus,
  checkInRegistration,
  copySession,
  createSeries,
  createSession,
  getSeries,
  getSession,
  listContributions,
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

const tags = ['talks'];
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
const P = '/api/v1/talks';

// Bodies as the OpenAPI document shows them; the use cases check the values fully (calendar
// dates, time zones, references) and answer `validation_failed` with field errors.
const i18n = z.record(z.string(), z.string());
const when = z.string().max(64).describe('ISO 8601 with an offset, e.g. 2022-04-01T14:00:00+02:00');

const seriesBody = z
  .object({
    slug: z.string().max(200),
    title: i18n,
    subtitle: i18n.nullish(),
    description: i18n.nullish(),
    organiserId: z.string().nullish(),
  })
  .strict();

const sessionFields = {
  title: i18n,
  subtitle: i18n.nullish(),
  summary: i18n.nullish().describe('Opening paragraphs of the public summary; `**…**` marks a key message'),
  startsAt: when,
  endsAt: when.nullish(),
  timezone: z.string().max(64).optional().describe('IANA time zone, e.g. Europe/Amsterdam (default UTC)'),
  format: z.enum(sessionFormats),
  venue: z.string().max(1000).nullish(),
  venueOrgId: z.string().nullish().describe('The city (organisation) it is held in'),
  onlineUrl: z.string().max(1000).nullish(),
  languages: z.array(z.string().max(10)).max(50).optional(),
  capacity: z.number().int().nullish().describe('Seats for physical and hybrid sessions; null = unlimited'),
  registrationOpen: z.boolean().optional(),
};
const sessionBody = z.object({ seriesId: z.string().max(64), ...sessionFields }).strict();
const sessionPatch = z
  .object({
    version: z.number().int(),
    ...sessionFields,
    title: i18n.optional(),
    startsAt: when.optional(),
    format: z.enum(sessionFormats).optional(),
  })
  .strict();

const listQuery = z
  .object({
    seriesId: z.uuid().optional(),
    when: z.enum(['upcoming', 'past', 'all']).optional(),
    status: z.enum(sessionStatuses).optional(),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();

const participantBody = z
  .object({
    organisationId: z.string().nullish(),
    personId: z.string().nullish(),
    role: z.enum(participantRoles),
    position: z.number().int().optional(),
  })
  .strict();

const registrationBody = z
  .object({
    organisationId: z.string().nullish(),
    accessibilityNeeds: z.string().max(5000).nullish().describe('Restricted: staff and you only'),
  })
  .strict();

const agendaBody = z
  .object({
    parentId: z.string().nullish(),
    title: i18n,
    description: i18n.nullish(),
    position: z.number().int().optional(),
    startsAt: when.nullish(),
    durationMinutes: z.number().int().nullish(),
  })
  .strict();

const contributionBody = z
  .object({
    organisationId: z.string().nullish(),
    personId: z.string().nullish(),
    speakerLabel: i18n.nullish(),
    agendaItemId: z.string().nullish(),
    body: i18n.describe('What was said; `**…**` marks a key message'),
    position: z.number().int().optional(),
  })
  .strict();

/** The sessions' JSON API: `/api/v1/talks/series…` and `/api/v1/talks/sessions…`. */
export async function sessionsApi(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const deps = { mailer: services.mailer, baseUrl: publicUrl(services.config) };

  // ---- Series ----

  app.get(
    `${P}/series`,
    {
      schema: {
        tags,
        summary: 'Series of sessions, with the number of sessions the caller may see',
        response: { 200: z.array(s.series.extend({ sessionCount: z.number().int() })), ...s.errors },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => listSeries(request.ctx())),
  );

  app.post(
    `${P}/series`,
    {
      schema: {
        tags,
        summary: 'Create a series (staff)',
        security,
        body: seriesBody,
        response: { 201: s.series, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createSeries(request.ctx(), request.body);
    },
  );

  app.get(
    `${P}/series/:id`,
    { schema: { tags, summary: 'A series', params: s.idParams, response: { 200: s.series, ...s.errors } } },
    async (request) => getSeries(request.ctx(), request.params),
  );

  app.patch(
    `${P}/series/:id`,
    {
      schema: {
        tags,
        summary: 'Change a series (staff)',
        security,
        params: s.idParams,
        body: seriesBody.partial(),
        response: { 200: s.series, ...s.writeErrors },
      },
    },
    async (request) => updateSeries(request.ctx(), { ...request.body, id: request.params.id }),
  );

  // ---- Sessions ----

  app.get(
    `${P}/sessions`,
    {
      schema: {
        tags,
        summary: 'Sessions the caller may see: upcoming (soonest first), past (latest first) or all',
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(s.sessionListItem), nextCursor: z.string().nullable() }),
          ...s.errors,
        },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => listSessions(request.ctx(), request.query)),
  );

  app.post(
    `${P}/sessions`,
    {
      schema: {
        tags,
        summary: 'Create a session in a series, as a draft (staff)',
        security,
        body: sessionBody,
        response: { 201: s.session, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createSession(request.ctx(), request.body as never);
    },
  );

  app.get(
    `${P}/sessions/:id`,
    {
      schema: {
        tags,
        summary:
          'A session with participants, agenda, contributions (when the caller may read them), registration counts and permissions',
        params: s.idParams,
        response: { 200: s.sessionDetail, ...s.errors },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => getSession(request.ctx(), request.params)),
  );

  app.patch(
    `${P}/sessions/:id`,
    {
      schema: {
        tags,
        summary:
          'Change a session (staff); send the `version` you read. A larger capacity moves the waitlist up.',
        security,
        params: s.idParams,
        body: sessionPatch,
        response: { 200: s.session, ...s.writeErrors },
      },
    },
    async (request) =>
      updateSession(request.ctx(), { ...request.body, id: request.params.id } as never, deps),
  );

  app.post(
    `${P}/sessions/:id/status`,
    {
      schema: {
        tags,
        summary:
          'Move a session along draft → scheduled → held → published (back: scheduled → draft, held → scheduled, published → held); others give invalid_transition',
        security,
        params: s.idParams,
        body: z.object({ status: z.enum(sessionStatuses), version: z.number().int().optional() }).strict(),
        response: { 200: s.session, ...s.writeErrors },
      },
    },
    async (request) => changeSessionStatus(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/sessions/:id/copy`,
    {
      schema: {
        tags,
        summary:
          'Start the next session from this one on a new date: title, subtitle, format, venue, hosts, languages, capacity and agenda are copied, contributions are not (staff)',
        security,
        params: s.idParams,
        body: z.object({ startsAt: when, endsAt: when.nullish(), title: i18n.nullish() }).strict(),
        response: { 201: s.session, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return copySession(request.ctx(), { ...request.body, id: request.params.id });
    },
  );

  // ---- Participants ----

  app.post(
    `${P}/sessions/:id/participants`,
    {
      schema: {
        tags,
        summary:
          'Add an organisation or person with a role: host, partner, speaker, member, observer (staff)',
        security,
        params: s.idParams,
        body: participantBody,
        response: { 201: s.participant, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addParticipant(request.ctx(), { ...request.body, sessionId: request.params.id } as never);
    },
  );

  app.delete(
    `${P}/sessions/:id/participants/:participantId`,
    {
      schema: {
        tags,
        summary: 'Remove a participant (staff)',
        security,
        params: s.subParams('participantId'),
        response: { 204: z.null(), ...s.writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params as { id: string; participantId: string };
      await removeParticipant(request.ctx(), { sessionId: p.id, participantId: p.participantId });
      return reply.code(204).send(null);
    },
  );

  // ---- Registrations ----

  app.get(
    `${P}/sessions/:id/registrations`,
    {
      schema: {
        tags,
        summary: 'Every registration with accessibility needs (staff; the read is audited)',
        security,
        params: s.idParams,
        querystring: z.object({ includeCancelled: z.enum(['true', 'false']).optional() }).strict(),
        response: { 200: z.array(s.registration), ...s.errors },
      },
    },
    async (request) =>
      listRegistrations(request.ctx(), {
        sessionId: request.params.id,
        includeCancelled: request.query.includeCancelled === 'true',
      }),
  );

  app.post(
    `${P}/sessions/:id/registrations`,
    {
      schema: {
        tags,
        summary: 'Register yourself: a seat while the capacity lasts, else the waitlist',
        security,
        params: s.idParams,
        body: registrationBody,
        response: { 201: s.registration, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return registerForSession(request.ctx(), { ...request.body, sessionId: request.params.id });
    },
  );

  app.post(
    `${P}/sessions/:id/registrations/:registrationId/cancel`,
    {
      schema: {
        tags,
        summary:
          'Cancel a registration (yours, or any for staff); the waitlist moves up in the same transaction',
        security,
        params: s.subParams('registrationId'),
        response: { 200: s.registration.extend({ promoted: z.array(z.uuid()) }), ...s.writeErrors },
      },
    },
    async (request) => {
      const p = request.params as { id: string; registrationId: string };
      return cancelRegistration(request.ctx(), { sessionId: p.id, registrationId: p.registrationId }, deps);
    },
  );

  app.post(
    `${P}/sessions/:id/registrations/:registrationId/check-in`,
    {
      schema: {
        tags,
        summary: 'Record attendance of a registered person (staff); `undo: true` clears it',
        security,
        params: s.subParams('registrationId'),
        body: z.object({ undo: z.boolean().optional() }).strict().optional(),
        response: { 200: s.registration, ...s.writeErrors },
      },
    },
    async (request) => {
      const p = request.params as { id: string; registrationId: string };
      return checkInRegistration(request.ctx(), {
        sessionId: p.id,
        registrationId: p.registrationId,
        undo: (request.body as { undo?: boolean } | undefined)?.undo,
      });
    },
  );

  // ---- Agenda ----

  app.post(
    `${P}/sessions/:id/agenda`,
    {
      schema: {
        tags,
        summary: 'Add an agenda item, under `parentId` to nest it (staff)',
        security,
        params: s.idParams,
        body: agendaBody,
        response: { 201: z.object({ id: z.uuid() }), ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addAgendaItem(request.ctx(), { ...request.body, sessionId: request.params.id } as never);
    },
  );

  app.patch(
    `${P}/sessions/:id/agenda/:itemId`,
    {
      schema: {
        tags,
        summary: 'Change an agenda item (staff)',
        security,
        params: s.subParams('itemId'),
        body: agendaBody.omit({ parentId: true }).partial(),
        response: { 204: z.null(), ...s.writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params as { id: string; itemId: string };
      await updateAgendaItem(request.ctx(), { ...request.body, sessionId: p.id, id: p.itemId } as never);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${P}/sessions/:id/agenda/:itemId`,
    {
      schema: {
        tags,
        summary: 'Remove an agenda item and the items under it (staff)',
        security,
        params: s.subParams('itemId'),
        response: { 204: z.null(), ...s.writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params as { id: string; itemId: string };
      await removeAgendaItem(request.ctx(), { sessionId: p.id, id: p.itemId });
      return reply.code(204).send(null);
    },
  );

  // ---- Contributions ----

  app.get(
    `${P}/sessions/:id/contributions`,
    {
      schema: {
        tags,
        summary: 'Contributions of a session (public once published; before, staff and those taking part)',
        params: s.idParams,
        response: { 200: z.array(s.contribution), ...s.errors },
      },
    },
    async (request, reply) =>
      cachedJson(request, reply, () => listContributions(request.ctx(), { sessionId: request.params.id })),
  );

  app.post(
    `${P}/sessions/:id/contributions`,
    {
      schema: {
        tags,
        summary:
          'Add a contribution: staff for anyone; partners and speakers for their own organisation until the session is published. `**…**` marks a key message',
        security,
        params: s.idParams,
        body: contributionBody,
        response: { 201: s.contribution, ...s.writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addContribution(request.ctx(), { ...request.body, sessionId: request.params.id } as never);
    },
  );

  app.patch(
    `${P}/sessions/:id/contributions/:contributionId`,
    {
      schema: {
        tags,
        summary: 'Change a contribution; send the `version` you read',
        security,
        params: s.subParams('contributionId'),
        body: z
          .object({
            version: z.number().int(),
            body: i18n.optional(),
            speakerLabel: i18n.nullish(),
            agendaItemId: z.string().nullish(),
            position: z.number().int().optional(),
          })
          .strict(),
        response: { 200: s.contribution, ...s.writeErrors },
      },
    },
    async (request) => {
      const p = request.params as { id: string; contributionId: string };
      return updateContribution(request.ctx(), {
        ...request.body,
        sessionId: p.id,
        id: p.contributionId,
      } as never);
    },
  );

  app.delete(
    `${P}/sessions/:id/contributions/:contributionId`,
    {
      schema: {
        tags,
        summary: 'Remove a contribution',
        security,
        params: s.subParams('contributionId'),
        response: { 204: z.null(), ...s.writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params as { id: string; contributionId: string };
      await removeContribution(request.ctx(), { sessionId: p.id, id: p.contributionId });
      return reply.code(204).send(null);
    },
  );
}
