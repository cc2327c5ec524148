import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor, Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { anyone, defineUseCase } from '../../../core/module/use-case.ts';
import { isStaff, scopedOrgIds } from '../../../core/policy/policy.ts';
import { type I18nText, invalidField, uuid } from '../../../core/validation/input.ts';
import { contentVisibleSql, visibleSessionSql } from '../sessions/visibility.ts';
import {
  assertOrganisations,
  assertPerson,
  assertSession,
  canReport,
  jsonb,
  requireEditor,
  textArray,
  uuidArray,
} from './access.ts';
import { actionInput, updateActionInput } from './input.ts';
import { lockWithAncestors, rollUp } from './rollup.ts';
import { type Action, type ActionUpdate, actionColumns, actionJoins, updateColumns } from './rows.ts';

/**
 * The actions may be read by the actor: the session's content is visible to them, or they act
 * for the responsible organisation (they must see what they are asked to report on).
 */
export function actionVisibleSql(actor: Actor | null, actionAlias = 'a', sessionAlias = 's'): SQL {
  if (isStaff(actor)) return sql`TRUE`;
  const orgs = [...new Set(scopedOrgIds(actor))];
  const content = contentVisibleSql(actor, sessionAlias);
  if (orgs.length === 0) return content;
  return sql`(${content} OR ${sql.raw(actionAlias)}.responsible_org_id = ANY(${uuidArray(orgs)}))`;
}

/** One action as the actor may see it, or null. */
export async function findAction(
  db: DbOrTx,
  ctx: Pick<Ctx, 'actor' | 'now'>,
  id: string,
): Promise<Action | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Action>(sql`
    SELECT ${actionColumns(ctx.now)} FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id ${actionJoins}
    WHERE a.id = ${id} AND ${actionVisibleSql(ctx.actor)}`);
  return r.rows[0] ?? null;
}

export interface SessionRef {
  id: string;
  title: I18nText;
  startsAt: string;
  status: string;
}

export interface ActionDetail {
  action: Action;
  session: SessionRef;
  recommendation: { id: string; text: I18nText } | null;
  parent: { id: string; text: I18nText } | null;
  children: Action[];
  updates: ActionUpdate[];
  followUpSession: SessionRef | null;
  permissions: { edit: boolean; report: boolean };
}

const sessionRef = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'title', ${alias}.title, 'status', ${alias}.status,
    'startsAt', to_char(${alias}.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`);

/** An action with where it comes from, its sub-actions and its updates, newest first. */
export const getAction = defineUseCase({
  name: 'talks.getAction',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ id: uuid }).strict(),
  run: ({ ctx, input }) => actionDetail(ctx, input.id),
});

async function actionDetail(ctx: Ctx, id: string): Promise<ActionDetail> {
  const action = await findAction(ctx.db, ctx, id);
  if (!action) throw notFound('action');
  const [context, children, updates] = await Promise.all([
    ctx.db.execute<{
      session: SessionRef;
      recommendation: ActionDetail['recommendation'];
      parent: ActionDetail['parent'];
      follow: SessionRef | null;
    }>(sql`
      SELECT ${sessionRef('s')} AS session,
        (SELECT json_build_object('id', r.id, 'text', r.text) FROM talks_recommendations r
          WHERE r.id = ${action.recommendationId}) AS recommendation,
        (SELECT json_build_object('id', p.id, 'text', p.text) FROM talks_actions p
          WHERE p.id = ${action.parentId}) AS parent,
        (SELECT ${sessionRef('f')} FROM talks_sessions f WHERE f.id = ${action.followUpSessionId}
          AND ${visibleSessionSql(ctx.actor, 'f')}) AS follow
      FROM talks_sessions s WHERE s.id = ${action.sessionId}`),
    ctx.db.execute<Action>(sql`
      SELECT ${actionColumns(ctx.now)} FROM talks_actions a ${actionJoins}
      WHERE a.parent_id = ${action.id} ORDER BY a.position, a.created_at, a.id`),
    ctx.db.execute<ActionUpdate>(sql`
      SELECT ${updateColumns} FROM talks_action_updates u WHERE u.action_id = ${action.id}
      ORDER BY u.happened_on DESC, u.created_at DESC`),
  ]);
  const c = context.rows[0];
  return {
    action,
    session: c.session,
    recommendation: c.recommendation,
    parent: c.parent,
    children: children.rows,
    updates: updates.rows,
    followUpSession: c.follow,
    permissions: {
      edit: isStaff(ctx.actor),
      report: canReport(ctx.actor, action.responsibleOrgId),
    },
  };
}

async function checkReferences(
  tx: DbOrTx,
  v: {
    responsibleOrgId?: string | null;
    ownerPersonId?: string | null;
    followUpSessionId?: string | null;
  },
): Promise<void> {
  if (v.responsibleOrgId) await assertOrganisations(tx, [v.responsibleOrgId], 'responsibleOrgId');
  await assertPerson(tx, v.ownerPersonId, 'ownerPersonId');
  await assertSession(tx, v.followUpSessionId, 'followUpSessionId');
}

/** A recommendation of `sessionId`, or `unknown_reference`; its themes. */
async function recommendationOf(tx: DbOrTx, id: string, sessionId: string): Promise<{ themes: string[] }> {
  const r = await tx.execute<{ session_id: string; themes: string[] }>(
    sql`SELECT session_id, themes FROM talks_recommendations WHERE id = ${id}`,
  );
  const rec = r.rows[0];
  if (!rec) throw new AppError('unknown_reference', { field: 'recommendationId', ids: [id] });
  if (rec.session_id !== sessionId) throw invalidField('recommendationId', 'other_session', 'other session');
  return rec;
}

/** Create an action (staff), under a parent up to depth 2; the parent's progress is recomputed at once. */
export const createAction = defineUseCase({
  name: 'talks.createAction',
  kind: 'write',
  audit: 'talks_action',
  allow: requireEditor,
  input: actionInput,
  async run({ ctx, input: v, audit }): Promise<Action> {
    const tx = ctx.db;
    const s = await tx.execute(sql`SELECT 1 FROM talks_sessions WHERE id = ${v.sessionId}`);
    if (s.rows.length === 0)
      throw new AppError('unknown_reference', { field: 'sessionId', ids: [v.sessionId] });
    let depth = 0;
    let themes = v.themes;
    if (v.parentId) {
      await lockWithAncestors(tx, [v.parentId]);
      const p = await tx.execute<{ depth: number; session_id: string }>(
        sql`SELECT depth, session_id FROM talks_actions WHERE id = ${v.parentId}`,
      );
      const parent = p.rows[0];
      if (!parent) throw new AppError('unknown_reference', { field: 'parentId', ids: [v.parentId] });
      if (parent.session_id !== v.sessionId) throw invalidField('parentId', 'other_session', 'other session');
      if (parent.depth >= 2) throw invalidField('parentId', 'too_deep', 'too deep');
      depth = parent.depth + 1;
    }
    if (v.recommendationId) {
      const rec = await recommendationOf(tx, v.recommendationId, v.sessionId);
      themes ??= rec.themes as NonNullable<typeof v.themes>;
    }
    await checkReferences(tx, v);
    const now = ctx.now.toISOString();
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_actions (session_id, recommendation_id, parent_id, depth, position, text, responsible_org_id,
        responsible_group, owner_person_id, due_on, weight, rollup, themes, follow_up_session_id, created_by,
        created_at, updated_at)
      VALUES (${v.sessionId}, ${v.recommendationId ?? null}, ${v.parentId ?? null}, ${depth},
        ${v.position ?? sql`(SELECT coalesce(max(position) + 1, 0) FROM talks_actions WHERE session_id = ${v.sessionId})`},
        ${jsonb(v.text)}, ${v.responsibleOrgId ?? null}, ${v.responsibleGroup ?? null}, ${v.ownerPersonId ?? null},
        ${v.dueOn ?? null}, ${v.weight ?? 1}, ${v.rollup ?? 'weighted'}, ${textArray(themes ?? [])},
        ${v.followUpSessionId ?? null}, ${ctx.actor!.userId}, ${now}, ${now})
      RETURNING id`);
    const id = r.rows[0].id;
    const rolledUp = await rollUp(tx, [id], ctx.now);
    const created = (await findAction(tx, ctx, id))!;
    await audit({ action: 'create', entityId: id, after: { ...created, rolledUp } });
    return created;
  },
});

const patchColumns: Record<string, string> = {
  text: 'text',
  responsibleOrgId: 'responsible_org_id',
  responsibleGroup: 'responsible_group',
  ownerPersonId: 'owner_person_id',
  dueOn: 'due_on',
  weight: 'weight',
  rollup: 'rollup',
  themes: 'themes',
  position: 'position',
  followUpSessionId: 'follow_up_session_id',
  recommendationId: 'recommendation_id',
};

/**
 * Edit an action (staff) with the version last read: a newer version gives `conflict`. Status and
 * progress change through updates (`addActionUpdate`), which keep their history.
 */
export const updateAction = defineUseCase({
  name: 'talks.updateAction',
  kind: 'write',
  audit: 'talks_action',
  allow: requireEditor,
  input: updateActionInput,
  async run({ ctx, input, audit }): Promise<Action> {
    const { id, ...v } = input;
    const tx = ctx.db;
    await lockWithAncestors(tx, [id]);
    const before = await findAction(tx, ctx, id);
    if (!before) throw notFound('action');
    if (before.version !== v.version)
      throw new AppError('conflict', { reason: 'version', current: before.version });
    if (v.responsibleOrgId && v.responsibleGroup)
      throw invalidField('responsibleGroup', 'one_responsible', 'one responsible');
    const next = { ...before, ...v };
    // Setting one responsible clears the other.
    if (v.responsibleOrgId) next.responsibleGroup = null;
    if (v.responsibleGroup) next.responsibleOrgId = null;
    if (v.recommendationId) await recommendationOf(tx, v.recommendationId, before.sessionId);
    await checkReferences(tx, {
      responsibleOrgId: v.responsibleOrgId,
      ownerPersonId: v.ownerPersonId,
      followUpSessionId: v.followUpSessionId,
    });
    const sets: SQL[] = [];
    for (const [key, column] of Object.entries(patchColumns)) {
      if (!(key in v) && !(key === 'responsibleGroup' || key === 'responsibleOrgId')) continue;
      const value = next[key as keyof typeof next];
      const col = sql.raw(column);
      if (key === 'text') sets.push(sql`${col} = ${jsonb(value)}`);
      else if (key === 'themes') sets.push(sql`${col} = ${textArray((value as string[]) ?? [])}`);
      else sets.push(sql`${col} = ${value ?? null}`);
    }
    await tx.execute(sql`UPDATE talks_actions SET ${sql.join(sets, sql`, `)},
      version = version + 1, updated_at = ${ctx.now.toISOString()} WHERE id = ${id}`);
    const rolledUp = v.weight !== undefined ? await rollUp(tx, [id], ctx.now) : [];
    const after = (await findAction(tx, ctx, id))!;
    await audit({ action: 'update', entityId: id, before, after: { ...after, rolledUp } });
    return after;
  },
});
