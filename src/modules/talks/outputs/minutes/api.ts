import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readErrors, security, typed, writeErrors } from '../../../../core/http/api-kit.ts';
import { locales } from '../../../../core/i18n/i18n.ts';
import { minutesStatuses } from '../../schema.ts';
import { sessionParams, tags } from '../schemas.ts';
import { wordDiff } from './diff.ts';
import {
  addMinutesComment,
  getMinutes,
  listMinutesComments,
  listMinutesVersions,
  minutesVersionPair,
  resolveMinutesComment,
  saveMinutes,
  setMinutesStatus,
} from './service.ts';

const i18n = z.record(z.string(), z.string());
const version = z.object({
  version: z.number().int(),
  body: i18n,
  note: z.string().nullable(),
  createdAt: z.string(),
  authorName: z.string().nullable(),
});
const state = z.object({
  sessionId: z.uuid(),
  sessionStatus: z.string(),
  status: z.enum(minutesStatuses),
  currentVersion: z.number().int(),
  publishedVersion: z.number().int().nullable(),
  shown: version.nullable(),
  readableUpTo: z.number().int(),
  canEdit: z.boolean(),
  canComment: z.boolean(),
});
const comment = z.object({
  id: z.uuid(),
  version: z.number().int(),
  authorId: z.uuid(),
  authorName: z.string().nullable(),
  body: z.string(),
  proposedText: z.string().nullable(),
  locale: z.string(),
  status: z.enum(['open', 'accepted', 'declined']),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
const versionNumber = z.coerce.number().int().min(1).max(1_000_000);
const P = '/api/v1/talks/sessions/:id/minutes';

/** The minutes' JSON API. */
export async function minutesApi(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify);

  app.get(
    P,
    {
      schema: {
        tags,
        summary: 'The minutes of a session: state and the newest version the reader may read',
        params: sessionParams,
        response: { 200: state, ...readErrors },
      },
    },
    async (request) => getMinutes(request.ctx(), { sessionId: request.params.id }),
  );

  app.post(
    `${P}/versions`,
    {
      schema: {
        tags,
        summary: 'Save a new version of the minutes (secretariat); `baseVersion` is the version edited',
        security,
        params: sessionParams,
        body: z
          .object({
            body: z.partialRecord(z.enum(locales), z.string().max(200_000)),
            note: z.string().max(500).nullish(),
            baseVersion: z.number().int().min(0),
          })
          .strict(),
        response: { 201: state, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return saveMinutes(request.ctx(), { sessionId: request.params.id, ...request.body });
    },
  );

  app.get(
    `${P}/versions`,
    {
      schema: {
        tags,
        summary: 'The versions of the minutes the reader may read, newest first',
        params: sessionParams,
        response: { 200: z.array(version.omit({ body: true })), ...readErrors },
      },
    },
    async (request) => listMinutesVersions(request.ctx(), { sessionId: request.params.id }),
  );

  app.get(
    `${P}/versions/:version`,
    {
      schema: {
        tags,
        summary: 'One version of the minutes',
        params: z.object({ id: z.uuid(), version: versionNumber }).strict(),
        response: { 200: state, ...readErrors },
      },
    },
    async (request) =>
      getMinutes(request.ctx(), { sessionId: request.params.id, version: request.params.version }),
  );

  app.get(
    `${P}/diff`,
    {
      schema: {
        tags,
        summary: 'Word-level differences between two versions, in one language',
        params: sessionParams,
        querystring: z
          .object({ from: versionNumber, to: versionNumber, lang: z.enum(locales).optional() })
          .strict(),
        response: {
          200: z.object({
            from: z.number().int(),
            to: z.number().int(),
            lang: z.string(),
            parts: z.array(z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() })),
          }),
          ...readErrors,
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const lang = request.query.lang ?? request.locale;
      const [a, b] = await minutesVersionPair(request.ctx(), { sessionId: request.params.id, from, to });
      return { from, to, lang, parts: wordDiff(a.body[lang] ?? '', b.body[lang] ?? '') };
    },
  );

  app.post(
    `${P}/status`,
    {
      schema: {
        tags,
        summary: 'Move the minutes: draft → review → published, or review → draft (secretariat)',
        security,
        params: sessionParams,
        body: z.object({ status: z.enum(minutesStatuses) }).strict(),
        response: { 200: state, ...writeErrors },
      },
    },
    async (request) =>
      setMinutesStatus(request.ctx(), { sessionId: request.params.id, status: request.body.status }),
  );

  app.get(
    `${P}/comments`,
    {
      schema: {
        tags,
        summary: 'Comments and proposed changes on the minutes (participants and staff)',
        security,
        params: sessionParams,
        response: { 200: z.array(comment), ...readErrors },
      },
    },
    async (request) => listMinutesComments(request.ctx(), { sessionId: request.params.id }),
  );

  app.post(
    `${P}/comments`,
    {
      schema: {
        tags,
        summary: 'Comment on the minutes under review, optionally proposing a new text for one language',
        security,
        params: sessionParams,
        body: z
          .object({
            body: z.string().min(1).max(5000),
            proposedText: z.string().max(200_000).nullish(),
            locale: z.enum(locales).optional(),
          })
          .strict(),
        response: { 201: comment, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addMinutesComment(request.ctx(), { sessionId: request.params.id, ...request.body });
    },
  );

  app.post(
    `${P}/comments/:commentId/resolve`,
    {
      schema: {
        tags,
        summary: 'Accept (applying any proposed text as a new version) or decline a comment (secretariat)',
        security,
        params: z.object({ id: z.uuid(), commentId: z.uuid() }).strict(),
        body: z.object({ decision: z.enum(['accept', 'decline']) }).strict(),
        response: { 200: z.object({ comment, version: z.number().int().nullable() }), ...writeErrors },
      },
    },
    async (request) =>
      resolveMinutesComment(request.ctx(), {
        sessionId: request.params.id,
        commentId: request.params.commentId,
        decision: request.body.decision,
      }),
  );
}
