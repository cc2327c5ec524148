import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';

export async function mapRoutes(_app: FastifyInstance, _services: AppServices): Promise<void> {}
