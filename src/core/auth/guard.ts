import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { wantsHtml } from '../http/negotiate.ts';
import type { AppServices } from '../http/types.ts';
import { mustEnrolMfa } from './mfa.ts';

/** What a user who must first set up a second factor may still reach. */
const ALLOWED = [
  /^\/account\/totp(\/|$|\?)/,
  /^\/logout(\?|$)/,
  /^\/login(\/|\?|$)/,
  /^\/static\//,
  /^\/healthz/,
  /^\/api\/v1\/auth\//,
];

/**
 * When admins require a second factor for a role, a holder of that role without one is sent to
 * set it up before anything else: pages redirect to the enrolment page, the API answers
 * `mfa_required`. Runs after the kernel's hook that resolved the actor.
 */
export function registerMfaGuard(app: FastifyInstance, services: AppServices): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.actor || request.actor.tokenScopes || request.actor.roles.length === 0) return;
    if (ALLOWED.some((re) => re.test(request.url))) return;
    if (!(await mustEnrolMfa(services.database.db, request.actor))) return;
    if (wantsHtml(request)) return reply.redirect('/account/totp', 303);
    throw new AppError('mfa_required', { reason: 'enrolment_required', enrol: '/account/totp' });
  });
}
