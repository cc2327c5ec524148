import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { publicUrl } from '../../../core/auth/onboarding.ts';
import { cachedJson } from '../../../core/cache/cached.ts';
import { idParams, readErrors, security, typed, writeErrors } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { sessionFormats, sessionStatuses } from '../schema.ts';
import { sessionPartsApi } from './api-parts.ts';
import * as s from './api-schemas.ts';
import {
  changeSessionStatus,
  copySession,
  createSeries,
  createSession,
  getSeries,
  getSession,
  listSeries,
  listSessions,
  updateSeries,
  updateSession,
} from './service.ts';

const tags = ['talks'];
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

export async function sessionsApi(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = typed(fastify);
  const mail = { mailer: services.mailer, baseUrl: publicUrl(services.config) };

  // ---- Series ----

  app.get(
    `${P}/series`,
    {
      schema: {
        tags,
        summary: 'Series of sessions, with the number of sessions the caller may see',
        response: { 200: z.array(s.series.extend({ sessionCount: z.number().int() })), ...readErrors },
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
        response: { 201: s.series, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createSeries(request.ctx(), request.body);
    },
  );

  app.get(
    `${P}/series/:id`,
    { schema: { tags, summary: 'A series', params: idParams, response: { 200: s.series, ...readErrors } } },
    async (request) => getSeries(request.ctx(), request.params),
  );

  app.patch(
    `${P}/series/:id`,
    {
      schema: {
        tags,
        summary: 'Change a series (staff)',
        security,
        params: idParams,
        body: seriesBody.partial(),
        response: { 200: s.series, ...writeErrors },
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
          ...readErrors,
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
        response: { 201: s.session, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createSession(request.ctx(), request.body);
    },
  );

  app.get(
    `${P}/sessions/:id`,
    {
      schema: {
        tags,
        summary:
          'A session with participants, agenda, contributions (when the caller may read them), registration counts and permissions',
        params: idParams,
        response: { 200: s.sessionDetail, ...readErrors },
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
        params: idParams,
        body: sessionPatch,
        response: { 200: s.session, ...writeErrors },
      },
    },
    async (request) => updateSession(request.ctx(), { ...request.body, id: request.params.id, mail }),
  );

  app.post(
    `${P}/sessions/:id/status`,
    {
      schema: {
        tags,
        summary:
          'Move a session along draft → scheduled → held → published (back: scheduled → draft, held → scheduled, published → held); others give invalid_transition',
        security,
        params: idParams,
        body: z.object({ status: z.enum(sessionStatuses), version: z.number().int().optional() }).strict(),
        response: { 200: s.session, ...writeErrors },
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
        params: idParams,
        body: z.object({ startsAt: when, endsAt: when.nullish(), title: i18n.nullish() }).strict(),
        response: { 201: s.session, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return copySession(request.ctx(), { ...request.body, id: request.params.id });
    },
  );

  await sessionPartsApi(app, mail);
}
