import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { anyone, defineUseCase } from '../../../core/module/use-case.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { type I18nText, uuid } from '../../../core/validation/input.ts';
import { contentVisibleSql, sessionVisibility } from '../sessions/visibility.ts';
import { assertOrganisations, jsonb, requireEditor, textArray } from './access.ts';
import { createRecommendationInput, updateRecommendationInput } from './input.ts';
import {
  type Action,
  actionColumns,
  actionJoins,
  type Recommendation,
  recommendationColumns,
} from './rows.ts';
import { actionVisibleSql } from './service-actions.ts';

export async function findRecommendation(
  db: DbOrTx,
  ctx: Pick<Ctx, 'actor'>,
  id: string,
): Promise<Recommendation | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Recommendation>(sql`
    SELECT ${recommendationColumns} FROM talks_recommendations r JOIN talks_sessions s ON s.id = r.session_id
    WHERE r.id = ${id} AND ${contentVisibleSql(ctx.actor)}`);
  return r.rows[0] ?? null;
}

async function writeSources(tx: DbOrTx, id: string, orgIds: string[]): Promise<void> {
  await tx.execute(sql`DELETE FROM talks_recommendation_sources WHERE recommendation_id = ${id}`);
  if (orgIds.length === 0) return;
  await tx.execute(sql`INSERT INTO talks_recommendation_sources (recommendation_id, organisation_id)
    SELECT ${id}, unnest(${`{${[...new Set(orgIds)].join(',')}}`}::uuid[]) ON CONFLICT DO NOTHING`);
}

/** A recommendation as the reader may see it (its session's content is visible to them). */
export const getRecommendation = defineUseCase({
  name: 'talks.getRecommendation',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ id: uuid }).strict(),
  async run({ ctx, input }): Promise<Recommendation> {
    const r = await findRecommendation(ctx.db, ctx, input.id);
    if (!r) throw notFound('recommendation');
    return r;
  },
});

/** A recommendation made in a session (staff): its text, from whom, to whom, on which themes. */
export const createRecommendation = defineUseCase({
  name: 'talks.createRecommendation',
  kind: 'write',
  audit: 'talks_recommendation',
  allow: requireEditor,
  input: createRecommendationInput,
  async run({ ctx, input: v, audit }): Promise<Recommendation> {
    const { sessionId } = v;
    const tx = ctx.db;
    const s = await tx.execute(sql`SELECT 1 FROM talks_sessions WHERE id = ${sessionId} FOR SHARE`);
    if (s.rows.length === 0) throw notFound('session');
    await assertOrganisations(tx, v.sourceOrgIds, 'sourceOrgIds');
    const now = ctx.now.toISOString();
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_recommendations (session_id, position, text, addressees, themes, created_by, created_at, updated_at)
      VALUES (${sessionId},
        ${v.position ?? sql`(SELECT coalesce(max(position) + 1, 0) FROM talks_recommendations WHERE session_id = ${sessionId})`},
        ${jsonb(v.text)}, ${textArray(v.addressees)}, ${textArray(v.themes)}, ${ctx.actor!.userId}, ${now}, ${now})
      RETURNING id`);
    const id = r.rows[0].id;
    await writeSources(tx, id, v.sourceOrgIds);
    const created = (await findRecommendation(tx, ctx, id))!;
    await audit({ action: 'create', entityId: id, after: created });
    return created;
  },
});

/** Edit a recommendation (staff) with the version last read; a newer version gives `conflict`. */
export const updateRecommendation = defineUseCase({
  name: 'talks.updateRecommendation',
  kind: 'write',
  audit: 'talks_recommendation',
  allow: requireEditor,
  input: updateRecommendationInput,
  async run({ ctx, input: v, audit }): Promise<Recommendation> {
    const { id } = v;
    const tx = ctx.db;
    const locked = await tx.execute<{ version: number }>(
      sql`SELECT version FROM talks_recommendations WHERE id = ${id} FOR UPDATE`,
    );
    if (!locked.rows[0]) throw notFound('recommendation');
    if (locked.rows[0].version !== v.version)
      throw new AppError('conflict', { reason: 'version', current: locked.rows[0].version });
    const before = (await findRecommendation(tx, ctx, id))!;
    const sets: SQL[] = [];
    if (v.text) sets.push(sql`text = ${jsonb(v.text)}`);
    if (v.addressees) sets.push(sql`addressees = ${textArray(v.addressees)}`);
    if (v.themes) sets.push(sql`themes = ${textArray(v.themes)}`);
    if (v.position !== undefined) sets.push(sql`position = ${v.position}`);
    if (v.sourceOrgIds) {
      await assertOrganisations(tx, v.sourceOrgIds, 'sourceOrgIds');
      await writeSources(tx, id, v.sourceOrgIds);
    }
    sets.push(sql`version = version + 1`, sql`updated_at = ${ctx.now.toISOString()}`);
    await tx.execute(sql`UPDATE talks_recommendations SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`);
    const after = (await findRecommendation(tx, ctx, id))!;
    await audit({ action: 'update', entityId: id, before, after });
    return after;
  },
});

export interface SessionOutcomes {
  session: { id: string; title: I18nText; startsAt: string; status: string };
  recommendations: (Recommendation & { actions: Action[] })[];
  /** Actions of the session not tied to a recommendation. */
  otherActions: Action[];
  /** False when only the session's announcement may be read (not yet published). */
  contentVisible: boolean;
  canEdit: boolean;
}

/**
 * The recommendations of a session, each with its actions in tree order (parents before their
 * children), as the actor may see them: 404 when the session is not visible, nothing but the
 * session when only its announcement is.
 */
export const listSessionOutcomes = defineUseCase({
  name: 'talks.listSessionOutcomes',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ sessionId: uuid }).strict(),
  run: ({ ctx, input }) => sessionOutcomes(ctx, input.sessionId),
});

async function sessionOutcomes(ctx: Ctx, sessionId: string): Promise<SessionOutcomes> {
  const vis = await sessionVisibility(ctx.db, ctx.actor, sessionId);
  if (!vis) throw notFound('session');
  const s = await ctx.db.execute<SessionOutcomes['session']>(sql`
    SELECT id, title, status, to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startsAt"
    FROM talks_sessions WHERE id = ${sessionId}`);
  const session = s.rows[0];
  if (!vis.content)
    return { session, recommendations: [], otherActions: [], contentVisible: false, canEdit: false };
  const [recs, actions] = await Promise.all([
    ctx.db.execute<Recommendation>(sql`
      SELECT ${recommendationColumns} FROM talks_recommendations r WHERE r.session_id = ${sessionId}
      ORDER BY r.position, r.created_at, r.id`),
    ctx.db.execute<Action>(sql`
      SELECT ${actionColumns(ctx.now)} FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id ${actionJoins}
      WHERE a.session_id = ${sessionId} AND ${actionVisibleSql(ctx.actor)}
      ORDER BY a.depth, a.position, a.created_at, a.id`),
  ]);
  const ordered = treeOrder(actions.rows);
  return {
    session,
    recommendations: recs.rows.map((r) => ({
      ...r,
      actions: ordered.filter((a) => rootRecommendation(a, actions.rows) === r.id),
    })),
    otherActions: ordered.filter((a) => rootRecommendation(a, actions.rows) === null),
    contentVisible: true,
    canEdit: isStaff(ctx.actor),
  };
}

/** Parents first, each followed by its children, keeping the order among siblings. */
export function treeOrder(actions: Action[]): Action[] {
  const byParent = new Map<string | null, Action[]>();
  for (const a of actions) byParent.set(a.parentId, [...(byParent.get(a.parentId) ?? []), a]);
  const ids = new Set(actions.map((a) => a.id));
  const out: Action[] = [];
  const visit = (a: Action) => {
    out.push(a);
    for (const c of byParent.get(a.id) ?? []) visit(c);
  };
  for (const a of actions) if (!a.parentId || !ids.has(a.parentId)) visit(a);
  return out;
}

/** Sub-actions belong where their root action belongs. */
function rootRecommendation(a: Action, all: Action[]): string | null {
  let cur: Action | undefined = a;
  for (let i = 0; i < 3 && cur?.parentId; i++) {
    const parent = all.find((x) => x.id === cur!.parentId);
    if (!parent) break;
    cur = parent;
  }
  return cur?.recommendationId ?? null;
}
