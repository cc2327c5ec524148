import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleEnum, roleGrantSchema } from '../auth/api.ts';
import { grantRole, inviteUser, revokeRole } from '../auth/service.ts';
import type { AppServices } from '../http/types.ts';
import { locales } from '../i18n/i18n.ts';

import { listAuditEvents, listOutbox, listUsers } from './service.ts';

const tags = ['admin'];

const userSchema = () =>
  z.object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    status: z.string(),
    totpEnabled: z.boolean(),
    createdAt: z.string(),
    roles: z.array(roleGrantSchema()),
  });

const grantBody = () =>
  z.object({
    role: roleEnum(),
    scopeOrgId: z
      .string()
      .uuid()
      .nullable()
      .optional()
      .describe('limit the role to this organisation or Section'),
  });

/** Administration over JSON: users, invitations, roles, the audit log and the outbox. */
export async function adminApi(root: FastifyInstance, services: AppServices): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags,
        summary: 'Users by email, filtered by text and role (keyset pagination with `after`)',
        querystring: z.object({
          q: z.string().max(200).optional(),
          role: roleEnum().optional(),
          after: z.string().max(254).optional().describe('the `next` value of the previous page'),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(userSchema()), next: z.string().nullable() }) },
      },
    },
    async (request) => listUsers(request.ctx(), request.query),
  );

  app.post(
    '/api/v1/admin/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone: creates the account (status invited) and mails a link to set a password',
        body: z.object({
          email: z.string().max(254),
          name: z.string().min(1).max(200),
          roles: z.array(grantBody()).min(1).max(20),
          locale: z.enum(locales).optional(),
        }),
        response: { 201: z.object({ userId: z.string().uuid() }) },
      },
    },
    async (request, reply) => {
      const r = await inviteUser(request.ctx(), request.body, services);
      return reply.code(201).send(r);
    },
  );

  app.post(
    '/api/v1/admin/users/:id/roles',
    {
      schema: {
        tags,
        summary: 'Give a user a role, network-wide or for one organisation',
        params: z.object({ id: z.string().uuid() }),
        body: grantBody(),
        response: { 201: z.object({ id: z.string().uuid() }) },
      },
    },
    async (request, reply) => {
      const r = await grantRole(request.ctx(), { userId: request.params.id, ...request.body });
      return reply.code(201).send(r);
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/roles/:roleId',
    {
      schema: {
        tags,
        summary: 'Take a role back (the last administrator cannot be removed)',
        params: z.object({ id: z.string().uuid(), roleId: z.string().uuid() }),
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      await revokeRole(request.ctx(), { userId: request.params.id, roleId: request.params.roleId });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/admin/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first; keyset pagination with `before` (an event id)',
        querystring: z.object({
          entity: z.string().max(100).optional(),
          entityId: z.string().max(200).optional(),
          actor: z.string().max(254).optional().describe('a user id, or part of an email'),
          action: z.string().max(100).optional(),
          from: z.string().max(40).optional().describe('date (YYYY-MM-DD) or instant, inclusive'),
          to: z.string().max(40).optional().describe('date (YYYY-MM-DD) or instant, inclusive'),
          before: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number().int(),
                at: z.string(),
                actorId: z.string().nullable(),
                actorLabel: z.string().nullable(),
                action: z.string(),
                entity: z.string(),
                entityId: z.string().nullable(),
                before: z.unknown(),
                after: z.unknown(),
                requestId: z.string().nullable(),
              }),
            ),
            nextBefore: z.number().int().nullable(),
          }),
        },
      },
    },
    async (request) => listAuditEvents(request.ctx(), request.query),
  );

  app.get(
    '/api/v1/admin/outbox',
    {
      schema: {
        tags,
        summary: 'The mail outbox, newest first',
        querystring: z.object({
          page: z.coerce.number().int().min(1).max(100000).optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string().uuid(),
                to: z.string(),
                subject: z.string(),
                text: z.string(),
                status: z.string(),
                error: z.string().nullable(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
              }),
            ),
            page: z.number().int(),
            hasMore: z.boolean(),
            total: z.number().int(),
          }),
        },
      },
    },
    async (request) => listOutbox(request.ctx(), request.query),
  );
}
