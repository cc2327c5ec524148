import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { minutesApi } from './minutes/api.ts';
import { minutesPages } from './minutes/pages.tsx';
import { digestRoutes } from './reminders/routes.tsx';
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
