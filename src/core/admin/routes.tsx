import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../http/types.ts';

export async function adminRoutes(_app: FastifyInstance, _services: AppServices): Promise<void> {}
