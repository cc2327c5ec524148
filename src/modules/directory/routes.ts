import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { directoryApi } from './api.ts';
import { importRoutes } from './import/routes.tsx';
import { importRunRoutes } from './import/run-routes.tsx';
import { mapRoutes } from './map/routes.tsx';
import { directoryPages } from './pages.tsx';
import { directoryPeoplePages } from './pages-people.tsx';

/** The directory: organisations, Sections, memberships, people. */
export async function directoryRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await directoryApi(app, services);
  await directoryPages(app, services);
  await directoryPeoplePages(app, services);
  await mapRoutes(app, services);
  await importRoutes(app, services);
  await importRunRoutes(app, services);
}
