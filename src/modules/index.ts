import type { RouteModule } from '../core/http/app.ts';
import type { AppServices } from '../core/http/types.ts';
import type { Jobs } from '../core/jobs/jobs.ts';
import { kernelRoutes } from '../core/routes.ts';
import { aidRoutes } from './aid/index.ts';
import { directoryRoutes, IMPORT_QUEUE, runImport } from './directory/index.ts';
import { fundRoutes } from './fund/index.ts';
import { registerTalksJobs, talksRoutes } from './talks/index.ts';

/** Every part of the product that serves routes, in registration order. */
export const routeModules: RouteModule[] = [
  kernelRoutes,
  directoryRoutes,
  talksRoutes,
  fundRoutes,
  aidRoutes,
];

/** Background job handlers of every part. */
export function registerJobs(jobs: Jobs, services: Omit<AppServices, 'jobs'>): void {
  jobs.handle('mail.deliver', async (data) => {
    await services.mailer.deliver(services.database.db, String(data.id));
  });
  jobs.handle(IMPORT_QUEUE, async (data) => {
    await runImport(services.database, String(data.id));
  });
  registerTalksJobs(jobs, services);
}
