import type { RouteModule } from './http/app.ts';
import type { AppServices } from './http/types.ts';
import type { Jobs } from './jobs/jobs.ts';
import { moduleRoutes, registerModuleJobs } from './module/install.ts';
import { kernelRoutes } from './routes.ts';

/** The kernel's routes, then every installed part's, in the order `modules/index.ts` lists them. */
export function platformRoutes(): RouteModule[] {
  return [kernelRoutes, ...moduleRoutes()];
}

/** Background job handlers: the kernel's mail delivery, then every part's jobs and schedules. */
export function registerJobs(jobs: Jobs, services: Omit<AppServices, 'jobs'>): void {
  jobs.handle('mail.deliver', async (data) => {
    await services.mailer.deliver(services.database.db, String(data.id));
  });
  registerModuleJobs(jobs, services);
}
