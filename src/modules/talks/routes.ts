import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import type { AppServices } from '../../core/http/types.ts';
import { actionsRoutes } from './actions/index.ts';
import { seedFoundingActions } from './actions/seed.ts';
import { talksOutputsRoutes } from './outputs/index.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { type FoundingSession, seedFoundingSession } from './sessions/seed.ts';

/**
 * The Talks: series and sessions (sessions/), recommendations and actions (actions/), summaries,
 * minutes, calendars, reminders and search (outputs/). Each part adds its routes here.
 */
export async function talksRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await sessionRoutes(app, services);
  await actionsRoutes(app, services);
  await talksOutputsRoutes(app, services);
}

/**
 * First-run demo data of the Talks (the manifest's demo seed step, after the directory's demo
 * network): the Municipal Peace Talks series with the founding session of 1 April 2022 and an
 * upcoming session. Parts that add to the founding session (recommendations, actions for LRGs) take the
 * ids it returns: add a line below, e.g. `await seedFoundingActions(ctx, founding);`.
 */
export async function seedTalksDemo(ctx: Ctx): Promise<FoundingSession> {
  const founding = await seedFoundingSession(ctx);
  await seedFoundingActions(ctx, founding);
  return founding;
}
