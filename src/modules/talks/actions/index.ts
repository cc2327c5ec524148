import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../../core/http/types.ts';
import { actionsApi } from './api.ts';
import { actionsPages } from './pages.tsx';
import { createAction, getAction, updateAction } from './service-actions.ts';
import { applyBulkUpdate, getBulkUpdate, previewBulkUpdate } from './service-bulk.ts';
import {
  createRecommendation,
  getRecommendation,
  listSessionOutcomes,
  updateRecommendation,
} from './service-recommendations.ts';
import { recommendationTimeline } from './service-timeline.ts';
import { listActions } from './service-tracker.ts';
import { addActionUpdate } from './service-updates.ts';

export { actionLinkKind, recommendationLinkKind } from './links.ts';
export {
  addActionUpdate,
  applyBulkUpdate,
  createAction,
  createRecommendation,
  getAction,
  listActions,
  listSessionOutcomes,
  previewBulkUpdate,
  recommendationTimeline,
  updateAction,
};

/** The use cases of recommendations and actions, for the Talks manifest (`useCases`). */
export const actionUseCases = [
  createRecommendation,
  updateRecommendation,
  getRecommendation,
  listSessionOutcomes,
  createAction,
  updateAction,
  getAction,
  addActionUpdate,
  listActions,
  recommendationTimeline,
  previewBulkUpdate,
  applyBulkUpdate,
  getBulkUpdate,
] as const;

/** Recommendations, actions and their updates, the tracker, timelines and the bulk CSV update. */
export async function actionsRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  await actionsApi(app, services);
  await actionsPages(app, services);
}
