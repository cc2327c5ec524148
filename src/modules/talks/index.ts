import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import type { Jobs } from '../../core/jobs/jobs.ts';
import { actionsRoutes } from './actions/index.ts';
import { registerTalksOutputsJobs, talksOutputsRoutes } from './outputs/index.ts';
import { sessionRoutes } from './sessions/routes.ts';

export { keyMessages, splitKeyMessages } from './sessions/key-messages.ts';
export { contentVisibleSql, sessionVisibility, visibleSessionSql } from './sessions/visibility.ts';

/**
 * The Talks: series and sessions (sessions/), recommendations and actions (actions/), summaries,
 * minutes, calendars, reminders and search (outputs/). Each part adds its routes here.
 */
export async function talksRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await sessionRoutes(app, services);
  await actionsRoutes(app, services);
  await talksOutputsRoutes(app, services);
}

/** Background jobs of the Talks (reminders, digests). */
export function registerTalksJobs(jobs: Jobs, services: Omit<AppServices, 'jobs'>): void {
  registerTalksOutputsJobs(jobs, services);
}
