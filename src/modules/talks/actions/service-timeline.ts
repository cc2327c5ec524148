import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import { notFound } from '../../../core/errors.ts';
import { anyone, defineUseCase } from '../../../core/module/use-case.ts';
import { type I18nText, uuid } from '../../../core/validation/input.ts';
import type { ActionStatus } from '../schema.ts';
import { visibleSessionSql } from '../sessions/visibility.ts';
import { uuidArray } from './access.ts';
import { type Action, actionColumns, actionJoins, type Recommendation } from './rows.ts';
import { findRecommendation, treeOrder } from './service-recommendations.ts';

export interface TimelineSession {
  id: string;
  title: I18nText;
  startsAt: string;
  status: string;
}

export type TimelineEvent =
  | { kind: 'made'; date: string; session: TimelineSession }
  | { kind: 'follow_up'; date: string; session: TimelineSession; actionIds: string[] }
  | {
      kind: 'update';
      date: string;
      actionId: string;
      actionText: I18nText;
      statusFrom: ActionStatus | null;
      statusTo: ActionStatus | null;
      progressFrom: number | null;
      progressTo: number | null;
      note: I18nText | null;
      evidenceUrl: string | null;
      session: TimelineSession | null;
    };

export interface RecommendationTimeline {
  recommendation: Recommendation;
  session: TimelineSession;
  events: TimelineEvent[];
  actions: Action[];
  result: {
    /** Average progress of the top-level actions still pursued (weighted), 0–100; null without any. */
    progress: number | null;
    byStatus: Partial<Record<ActionStatus, number>>;
    /** Every top-level action is done or dropped, and at least one is done. */
    completed: boolean;
  };
}

const sessionJson = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'title', ${alias}.title, 'status', ${alias}.status,
    'startsAt', to_char(${alias}.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`);

const order: Record<TimelineEvent['kind'], number> = { made: 0, follow_up: 1, update: 2 };

/**
 * A recommendation's path from the session that made it, through every update of its actions
 * and the sessions that followed them up, to where it stands now.
 */
export const recommendationTimeline = defineUseCase({
  name: 'talks.getRecommendationTimeline',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ id: uuid }).strict(),
  run: ({ ctx, input }) => timelineOf(ctx, input.id),
});

async function timelineOf(ctx: Ctx, id: string): Promise<RecommendationTimeline> {
  const recommendation = await findRecommendation(ctx.db, ctx, id);
  if (!recommendation) throw notFound('recommendation');
  const s = await ctx.db.execute<{ session: TimelineSession }>(
    sql`SELECT ${sessionJson('s')} AS session FROM talks_sessions s WHERE s.id = ${recommendation.sessionId}`,
  );
  const session = s.rows[0].session;
  // Sub-actions belong to the recommendation of their root action.
  const actions = await ctx.db.execute<Action>(sql`
    WITH RECURSIVE tree(id) AS (
      SELECT id FROM talks_actions WHERE recommendation_id = ${id}
      UNION SELECT c.id FROM talks_actions c JOIN tree ON c.parent_id = tree.id)
    SELECT ${actionColumns(ctx.now)} FROM talks_actions a ${actionJoins}
    WHERE a.id IN (SELECT id FROM tree)
    ORDER BY a.depth, a.position, a.created_at, a.id`);
  const ids = actions.rows.map((a) => a.id);
  const textOf = new Map(actions.rows.map((a) => [a.id, a.text]));
  const [updates, follow] = await Promise.all([
    ctx.db.execute<{
      actionId: string;
      happenedOn: string;
      statusFrom: ActionStatus | null;
      statusTo: ActionStatus | null;
      progressFrom: number | null;
      progressTo: number | null;
      note: I18nText | null;
      evidenceUrl: string | null;
      session: TimelineSession | null;
    }>(sql`
      SELECT u.action_id AS "actionId", u.happened_on::text AS "happenedOn", u.status_from AS "statusFrom",
        u.status_to AS "statusTo", u.progress_from AS "progressFrom", u.progress_to AS "progressTo", u.note,
        u.evidence_url AS "evidenceUrl",
        (SELECT ${sessionJson('f')} FROM talks_sessions f WHERE f.id = u.session_id AND ${visibleSessionSql(ctx.actor, 'f')}) AS session
      FROM talks_action_updates u WHERE u.action_id = ANY(${uuidArray(ids)})
      ORDER BY u.happened_on, u.created_at`),
    ctx.db.execute<{ session: TimelineSession; actionIds: string[] }>(sql`
      WITH refs AS (
        SELECT follow_up_session_id AS session_id, id AS action_id FROM talks_actions
        WHERE id = ANY(${uuidArray(ids)}) AND follow_up_session_id IS NOT NULL
        UNION SELECT session_id, action_id FROM talks_action_updates
        WHERE action_id = ANY(${uuidArray(ids)}) AND session_id IS NOT NULL)
      SELECT ${sessionJson('f')} AS session, array_agg(DISTINCT refs.action_id) AS "actionIds"
      FROM refs JOIN talks_sessions f ON f.id = refs.session_id
      WHERE f.id <> ${recommendation.sessionId} AND ${visibleSessionSql(ctx.actor, 'f')}
      GROUP BY f.id`),
  ]);
  const events: TimelineEvent[] = [
    { kind: 'made', date: session.startsAt.slice(0, 10), session },
    ...follow.rows.map((f) => ({
      kind: 'follow_up' as const,
      date: f.session.startsAt.slice(0, 10),
      session: f.session,
      actionIds: f.actionIds,
    })),
    ...updates.rows.map((u) => ({
      kind: 'update' as const,
      date: u.happenedOn,
      actionId: u.actionId,
      actionText: textOf.get(u.actionId)!,
      statusFrom: u.statusFrom,
      statusTo: u.statusTo,
      progressFrom: u.progressFrom,
      progressTo: u.progressTo,
      note: u.note,
      evidenceUrl: u.evidenceUrl,
      session: u.session,
    })),
  ];
  // A stable sort keeps updates of the same day in the order they were recorded.
  events.sort((a, b) => a.date.localeCompare(b.date) || order[a.kind] - order[b.kind]);
  return {
    recommendation,
    session,
    events,
    actions: treeOrder(actions.rows),
    result: resultOf(actions.rows),
  };
}

function resultOf(actions: Action[]): RecommendationTimeline['result'] {
  const roots = actions.filter((a) => a.depth === 0 || !actions.some((p) => p.id === a.parentId));
  const byStatus: Partial<Record<ActionStatus, number>> = {};
  for (const a of roots) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  const pursued = roots.filter((a) => a.status !== 'dropped');
  const weight = pursued.reduce((n, a) => n + a.weight, 0);
  return {
    progress: weight > 0 ? Math.round(pursued.reduce((n, a) => n + a.progress * a.weight, 0) / weight) : null,
    byStatus,
    completed: roots.length > 0 && pursued.length > 0 && pursued.every((a) => a.status === 'done'),
  };
}
