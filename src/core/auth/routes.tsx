import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../http/types.ts';
import { accountPages } from './account-pages.tsx';
import { authApi } from './api.ts';
import { registerMfaGuard } from './guard.ts';
import { authPages } from './pages.tsx';

export async function authRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  registerMfaGuard(app, services);
  await authPages(app, services);
  await accountPages(app, services);
  await authApi(app, services);
}
