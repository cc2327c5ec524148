import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { csrfToken } from '../http/csrf.ts';
import type { AppServices } from '../http/types.ts';
import { allRoles, type Role } from '../policy/roles.ts';
import { createApiToken, listApiTokens, revokeApiToken, tokenScopes } from './security.ts';
import { getMe, signIn, signOut, verifyMfa } from './service.ts';
import { sessionCookieOptions } from './sessions.ts';
import { SESSION_COOKIE } from './tokens.ts';

const tags = ['auth'];

/** Built when routes are registered: the parts' roles are known by then. */
export const roleEnum = () => z.enum(allRoles() as [Role, ...Role[]]);

export const roleGrantSchema = () =>
  z.object({
    id: z.string().uuid(),
    role: roleEnum(),
    scopeOrgId: z.string().uuid().nullable(),
  });

const meSchema = () =>
  z.object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    locale: z.string().nullable(),
    status: z.string(),
    totpEnabled: z.boolean(),
    roles: z.array(roleGrantSchema()),
  });

const tokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  scopes: z.array(z.enum(tokenScopes)),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

const loginResult = z.object({
  userId: z.string().uuid(),
  mfaPending: z.boolean().describe('true: send the TOTP code to /api/v1/auth/mfa before anything else'),
  csrfToken: z.string().describe('send as `x-csrf-token` with every unsafe request of this session'),
});

/** JSON sign-in for scripts and single-page clients, and the user's own API tokens. */
export async function authApi(root: FastifyInstance, services: AppServices): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.object({ email: z.string().max(254), password: z.string().max(1000) }),
        response: { 200: loginResult },
      },
    },
    async (request, reply) => {
      const r = await signIn(
        request.ctx(),
        {
          ...request.body,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          replaceSessionId: request.sessionId,
        },
        services,
      );
      reply.setCookie(SESSION_COOKIE, r.cookie, sessionCookieOptions(services.config));
      return { userId: r.userId, mfaPending: r.mfaPending, csrfToken: csrfToken(services.secret, r.cookie) };
    },
  );

  app.post(
    '/api/v1/auth/mfa',
    {
      schema: {
        tags,
        summary: 'Enter the TOTP code of a session waiting for its second factor',
        body: z.object({ code: z.string().max(20) }),
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      if (!request.sessionId || !request.mfaPending) throw new AppError('unauthenticated');
      await verifyMfa(
        request.ctx(),
        { sessionId: request.sessionId, code: request.body.code, ip: request.ip },
        services,
      );
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'End the current session', response: { 204: z.undefined() } } },
    async (request, reply) => {
      if (request.sessionId) await signOut(request.ctx(), { sessionId: request.sessionId });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags, summary: 'The signed-in user and their roles', response: { 200: meSchema() } } },
    async (request) => getMe(request.ctx()),
  );

  app.get(
    '/api/v1/me/tokens',
    {
      schema: {
        tags,
        summary: "The user's API tokens (never their secrets)",
        response: { 200: z.object({ items: z.array(tokenSchema) }) },
      },
    },
    async (request) => ({ items: await listApiTokens(request.ctx()) }),
  );

  app.post(
    '/api/v1/me/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token; its secret is in this answer only',
        body: z.object({
          name: z.string().min(1).max(100),
          scopes: z.array(z.enum(tokenScopes)).min(1).max(3),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 201: tokenSchema.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await createApiToken(request.ctx(), {
        name: b.name,
        scopes: b.scopes,
        expiresAt: b.expiresAt ? new Date(b.expiresAt) : null,
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/api/v1/me/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke one of your API tokens',
        params: z.object({ id: z.string().uuid() }),
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      await revokeApiToken(request.ctx(), { id: request.params.id });
      return reply.code(204).send();
    },
  );
}
