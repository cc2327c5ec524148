import { z } from 'zod';
import { cachedJson } from '../../../core/cache/cached.ts';
import { idParams, readErrors, security, type typed, writeErrors } from '../../../core/http/api-kit.ts';
import { participantRoles } from '../schema.ts';
import * as s from './api-schemas.ts';
import {
  addAgendaItem,
  addContribution,
  addParticipant,
  cancelRegistration,
  checkInRegistration,
  listContributions,
  listRegistrations,
  registerForSession,
  removeAgendaItem,
  removeContribution,
  removeParticipant,
  updateAgendaItem,
  updateContribution,
} from './service.ts';
import type { MailDeps } from './waitlist.ts';

const tags = ['talks'];
const P = '/api/v1/talks';
const i18n = z.record(z.string(), z.string());
const when = z.string().max(64).describe('ISO 8601 with an offset, e.g. 2022-04-01T14:00:00+02:00');

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
/** What a session holds: participants, registrations, agenda items and contributions. */
export async function sessionPartsApi(app: ReturnType<typeof typed>, mail: MailDeps): Promise<void> {
  // ---- Participants ----

  app.post(
    `${P}/sessions/:id/participants`,
    {
      schema: {
        tags,
        summary:
          'Add an organisation or person with a role: host, partner, speaker, member, observer (staff)',
        security,
        params: idParams,
        body: participantBody,
        response: { 201: s.participant, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addParticipant(request.ctx(), { ...request.body, sessionId: request.params.id });
    },
  );

  app.delete(
    `${P}/sessions/:id/participants/:participantId`,
    {
      schema: {
        tags,
        summary: 'Remove a participant (staff)',
        security,
        params: s.participantParams,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
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
        params: idParams,
        querystring: z.object({ includeCancelled: z.enum(['true', 'false']).optional() }).strict(),
        response: { 200: z.array(s.registration), ...readErrors },
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
        params: idParams,
        body: registrationBody,
        response: { 201: s.registration, ...writeErrors },
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
        params: s.registrationParams,
        response: { 200: s.registration.extend({ promoted: z.array(z.uuid()) }), ...writeErrors },
      },
    },
    async (request) => {
      const p = request.params;
      return cancelRegistration(request.ctx(), { sessionId: p.id, registrationId: p.registrationId, mail });
    },
  );

  app.post(
    `${P}/sessions/:id/registrations/:registrationId/check-in`,
    {
      schema: {
        tags,
        summary: 'Record attendance of a registered person (staff); `undo: true` clears it',
        security,
        params: s.registrationParams,
        body: z.object({ undo: z.boolean().optional() }).strict().optional(),
        response: { 200: s.registration, ...writeErrors },
      },
    },
    async (request) => {
      const p = request.params;
      return checkInRegistration(request.ctx(), {
        sessionId: p.id,
        registrationId: p.registrationId,
        undo: request.body?.undo,
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
        params: idParams,
        body: agendaBody,
        response: { 201: z.object({ id: z.uuid() }), ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addAgendaItem(request.ctx(), { ...request.body, sessionId: request.params.id });
    },
  );

  app.patch(
    `${P}/sessions/:id/agenda/:itemId`,
    {
      schema: {
        tags,
        summary: 'Change an agenda item (staff)',
        security,
        params: s.itemParams,
        body: agendaBody.omit({ parentId: true }).partial(),
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
      await updateAgendaItem(request.ctx(), { ...request.body, sessionId: p.id, id: p.itemId });
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
        params: s.itemParams,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
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
        params: idParams,
        response: { 200: z.array(s.contribution), ...readErrors },
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
        params: idParams,
        body: contributionBody,
        response: { 201: s.contribution, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addContribution(request.ctx(), { ...request.body, sessionId: request.params.id });
    },
  );

  app.patch(
    `${P}/sessions/:id/contributions/:contributionId`,
    {
      schema: {
        tags,
        summary: 'Change a contribution; send the `version` you read',
        security,
        params: s.contributionParams,
        body: z
          .object({
            version: z.number().int(),
            body: i18n.optional(),
            speakerLabel: i18n.nullish(),
            agendaItemId: z.string().nullish(),
            position: z.number().int().optional(),
          })
          .strict(),
        response: { 200: s.contribution, ...writeErrors },
      },
    },
    async (request) => {
      const p = request.params;
      return updateContribution(request.ctx(), { ...request.body, sessionId: p.id, id: p.contributionId });
    },
  );

  app.delete(
    `${P}/sessions/:id/contributions/:contributionId`,
    {
      schema: {
        tags,
        summary: 'Remove a contribution',
        security,
        params: s.contributionParams,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      const p = request.params;
      await removeContribution(request.ctx(), { sessionId: p.id, id: p.contributionId });
      return reply.code(204).send(null);
    },
  );
}
