import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';

/** Series, sessions, participants, registrations, agenda and contributions: API and pages. */
export async function sessionRoutes(_app: FastifyInstance, _services: AppServices): Promise<void> {}
