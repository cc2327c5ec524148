import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';
import { actionsApi } from './api.ts';
import { actionsPages } from './pages.tsx';

export { actionLinkKind, recommendationLinkKind } from './links.ts';
export { createAction, getAction, updateAction } from './service-actions.ts';
export { applyBulkUpdate, previewBulkUpdate } from './service-bulk.ts';
export { createRecommendation, listSessionOutcomes } from './service-recommendations.ts';
export { recommendationTimeline } from './service-timeline.ts';
export { listActions } from './service-tracker.ts';
export { addActionUpdate } from './service-updates.ts';

/** Recommendations, actions and their updates, the tracker, timelines and the bulk CSV update. */
export async function actionsRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await actionsApi(app, services);
  await actionsPages(app, services);
}
