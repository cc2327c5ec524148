import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import type { AppServices } from '../../core/http/types.ts';

export async function directoryRoutes(_app: FastifyInstance, _services: AppServices): Promise<void> {}
export async function seedUclgNetwork(_ctx: Ctx): Promise<void> {}
export async function seedDemoNetwork(_ctx: Ctx): Promise<void> {}
