import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../http/types.ts';
import { adminApi } from './api.ts';
import { adminPages } from './pages.tsx';

export async function adminRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await adminPages(app, services);
  await adminApi(app, services);
}
