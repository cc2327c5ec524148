import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { fundApi } from './api.ts';
import { fundPages } from './pages.tsx';
import { fundExportRoutes } from './routes-exports.ts';

/** The Solidarity Fund: ledger, public accounts, treasurer pages, exports. */
export async function fundRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await fundApi(app, services);
  await fundPages(app, services);
  await fundExportRoutes(app, services);
}
