import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';
import { sessionsApi } from './api.ts';
import { sessionPages } from './pages.tsx';

/** Series, sessions, participants, registrations, agenda and contributions: API and pages. */
export async function sessionRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await sessionsApi(app, services);
  await sessionPages(app, services);
}
