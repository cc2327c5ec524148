import { sql } from 'drizzle-orm';
import type { Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { requireActor, requireScope } from '../../../core/policy/policy.ts';
import { type I18nText, invalidField } from '../../../core/validation/input.ts';
import type { ActionStatus } from '../schema.ts';
import { assertSession, canReport, jsonb } from './access.ts';
import { addActionUpdateInput } from './input.ts';
import { lockWithAncestors, type ProgressChange, rollUp } from './rollup.ts';
import type { Action, ActionUpdate } from './rows.ts';
import { findAction } from './service-actions.ts';
import { assertTransition } from './workflow.ts';

export interface CurrentState {
  status: ActionStatus;
  progress: number;
  /** A parent's progress is rolled up from its children and cannot be set. */
  hasChildren: boolean;
}

export interface PlannedChange {
  statusFrom: ActionStatus | null;
  statusTo: ActionStatus | null;
  progressFrom: number | null;
  progressTo: number | null;
}

/**
 * What an update changes: the status along the workflow (else `invalid_transition`) and the
 * progress of a leaf (a parent's is rolled up). Marking a leaf done without a progress completes
 * it. Null fields mean unchanged.
 */
export function planChange(
  current: CurrentState,
  req: { status?: ActionStatus; progress?: number },
): PlannedChange {
  const status = req.status && req.status !== current.status ? req.status : null;
  if (status) assertTransition(current.status, status);
  let progress = req.progress;
  if (progress !== undefined && current.hasChildren && progress !== current.progress) {
    throw invalidField('progress', 'rolled_up', 'rolled up from sub-actions');
  }
  if (progress === undefined && status === 'done' && !current.hasChildren) progress = 100;
  const changedProgress = progress !== undefined && progress !== current.progress && !current.hasChildren;
  return {
    statusFrom: status ? current.status : null,
    statusTo: status,
    progressFrom: changedProgress ? current.progress : null,
    progressTo: changedProgress ? progress! : null,
  };
}

export const changesSomething = (c: PlannedChange) => c.statusTo !== null || c.progressTo !== null;

/**
 * Report progress on an action: staff, or a member of the responsible organisation (checked
 * against the action, once it is read). The update is kept as written (never edited); the
 * action's status and progress follow it, and its parents' progress is recomputed in the same
 * transaction.
 */
export const addActionUpdate = defineUseCase({
  name: 'talks.addActionUpdate',
  kind: 'write',
  audit: 'talks_action_update',
  allow: (ctx) => {
    requireActor(ctx);
    requireScope(ctx, 'write');
  },
  input: addActionUpdateInput,
  async run({
    ctx,
    input: v,
    audit,
  }): Promise<{ update: ActionUpdate; action: Action; rolledUp: ProgressChange[] }> {
    const tx = ctx.db;
    await lockWithAncestors(tx, [v.actionId]);
    const action = await findAction(tx, ctx, v.actionId);
    if (!action) throw notFound('action');
    if (!canReport(ctx.actor, action.responsibleOrgId))
      throw new AppError('forbidden', { reason: 'not_responsible' });
    const plan = planChange(
      { status: action.status, progress: action.progress, hasChildren: action.childCount > 0 },
      { status: v.status, progress: v.progress },
    );
    const note: I18nText | null =
      typeof v.note === 'string' ? (v.note ? { [ctx.locale]: v.note } : null) : (v.note ?? null);
    if (!changesSomething(plan) && !note && !v.evidenceUrl) {
      throw invalidField('status', 'empty_update', 'nothing to record');
    }
    await assertSession(tx, v.sessionId, 'sessionId');
    const update = await recordUpdate(tx, ctx, action.id, plan, {
      happenedOn: v.happenedOn,
      note,
      evidenceUrl: v.evidenceUrl ?? null,
      sessionId: v.sessionId ?? null,
      source: ctx.actor?.tokenScopes ? 'api' : 'form',
    });
    const rolledUp = changesSomething(plan) ? await rollUp(tx, [action.id], ctx.now) : [];
    const after = (await findAction(tx, ctx, action.id))!;
    await audit({
      action: 'create',
      entityId: update.id,
      before: { status: action.status, progress: action.progress },
      after: { ...update, rolledUp },
    });
    return { update, action: after, rolledUp };
  },
});

/**
 * Write one update row and apply it to its action (locked by the caller). A follow-up session
 * named by the update becomes the action's follow-up session when it has none yet.
 */
export async function recordUpdate(
  tx: DbOrTx,
  ctx: Ctx,
  actionId: string,
  plan: PlannedChange,
  extra: {
    happenedOn: string;
    note: I18nText | null;
    evidenceUrl: string | null;
    sessionId: string | null;
    source: 'form' | 'api' | 'csv';
  },
): Promise<ActionUpdate> {
  const now = ctx.now.toISOString();
  const r = await tx.execute<ActionUpdate>(sql`
    INSERT INTO talks_action_updates (action_id, session_id, happened_on, status_from, status_to, progress_from,
      progress_to, note, evidence_url, source, created_by, created_at)
    VALUES (${actionId}, ${extra.sessionId}, ${extra.happenedOn}, ${plan.statusFrom}, ${plan.statusTo},
      ${plan.progressFrom}, ${plan.progressTo}, ${jsonb(extra.note)}, ${extra.evidenceUrl}, ${extra.source},
      ${ctx.actor?.userId ?? null}, ${now})
    RETURNING id, action_id AS "actionId", session_id AS "sessionId", happened_on::text AS "happenedOn",
      status_from AS "statusFrom", status_to AS "statusTo", progress_from AS "progressFrom",
      progress_to AS "progressTo", note, evidence_url AS "evidenceUrl", source, created_by AS "createdBy",
      NULL::text AS "createdByName", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`);
  await tx.execute(sql`
    UPDATE talks_actions SET
      status = coalesce(${plan.statusTo}, status),
      progress = coalesce(${plan.progressTo}::int, progress),
      follow_up_session_id = coalesce(follow_up_session_id, ${extra.sessionId}::uuid),
      updated_at = ${now}
    WHERE id = ${actionId}`);
  if (!r.rows[0]) throw new AppError('internal');
  return r.rows[0];
}
