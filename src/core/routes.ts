import type { FastifyInstance } from 'fastify';
import { adminRoutes } from './admin/routes.tsx';
import { authRoutes } from './auth/routes.tsx';
import type { AppServices } from './http/types.ts';
import { linkRoutes } from './links/routes.tsx';
import { openDataRoutes } from './site/open-data.ts';
import { siteRoutes } from './site/routes.tsx';

/** Routes of the kernel: accounts, administration, the home, about and API reference pages. */
export async function kernelRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await authRoutes(app, services);
  await adminRoutes(app, services);
  await siteRoutes(app, services);
  await linkRoutes(app, services);
  await openDataRoutes(app);
}
