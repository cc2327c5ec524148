import type { FastifyInstance } from 'fastify';
import { publicUrl } from '../../../core/auth/onboarding.ts';
import type { AppServices } from '../../../core/http/types.ts';
import type { Jobs } from '../../../core/jobs/jobs.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { minutesApi } from './minutes/api.ts';
import { minutesPages } from './minutes/pages.tsx';
import { digestRoutes } from './reminders/routes.tsx';
import { REMINDERS_CRON, REMINDERS_QUEUE, sweepReminders } from './reminders/sweep.ts';
import { searchRoutes } from './search/routes.tsx';
import { stylesRoute } from './styles.tsx';
import { summaryRoutes } from './summary/routes.tsx';

/** What the Talks publish: summaries, minutes, calendars, reminders and digests, search. */
export async function talksOutputsRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  stylesRoute(app);
  await summaryRoutes(app, services);
  await minutesApi(app);
  await minutesPages(app);
  await calendarRoutes(app, services);
  await digestRoutes(app, services);
  await searchRoutes(app, services);
}

/** The reminder and digest sweep, every quarter of an hour (`data.now` may set the time it acts at). */
export function registerTalksOutputsJobs(jobs: Jobs, services: Omit<AppServices, 'jobs'>): void {
  jobs.handle(REMINDERS_QUEUE, async (data) => {
    const now =
      typeof data.now === 'string' && !Number.isNaN(Date.parse(data.now)) ? new Date(data.now) : new Date();
    const deps = {
      db: services.database.db,
      mailer: services.mailer,
      jobs,
      baseUrl: publicUrl(services.config),
    };
    await sweepReminders(deps, now);
  });
  jobs.schedule?.(REMINDERS_QUEUE, REMINDERS_CRON);
}

export { registerTalksCommands } from './reminders/cli.ts';
