import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { aidApi } from './api.ts';
import { aidLogisticsApi } from './api-logistics.ts';
import { aidExportRoutes } from './export-routes.ts';
import { aidPages } from './pages.tsx';
import { aidLogisticsPages } from './pages-logistics.tsx';

/** The aid centre: needs, offers, matching, shipments, corridors, reception capacity. */
export async function aidRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await aidApi(app, services);
  await aidLogisticsApi(app, services);
  await aidPages(app, services);
  await aidLogisticsPages(app, services);
  await aidExportRoutes(app, services);
}
