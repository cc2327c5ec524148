import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { uuid } from '../../../core/validation/input.ts';
import { personExists } from '../../directory/index.ts';
import { checkRead, checkWrite, requireContributor } from './access.ts';
import { contributionInput, contributionUpdateInput, unknownReference } from './input.ts';
import { type Contribution, contributionColumns, contributionJoins, jsonb } from './rows.ts';
import { checkOrganisation } from './service-series.ts';
import { loadVisibleSession, lockSession } from './service-sessions.ts';
import { contentVisibleSql } from './visibility.ts';

/**
 * Contributions: who said what in a session. `**…**` in a body marks a key message. Staff write
 * any; partners and speakers write their own organisation's while the session is unpublished.
 */

async function findContribution(db: DbOrTx, sessionId: string, id: string): Promise<Contribution | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Contribution>(sql`
    SELECT ${contributionColumns} FROM talks_contributions c ${contributionJoins}
    WHERE c.id = ${id} AND c.session_id = ${sessionId}`);
  return r.rows[0] ?? null;
}

/** The contributions of a session the actor may read (none before publication for outsiders). */
export async function contributionsOf(
  ctx: Pick<Ctx, 'actor' | 'db'>,
  sessionId: string,
): Promise<Contribution[]> {
  const r = await ctx.db.execute<Contribution>(sql`
    SELECT ${contributionColumns} FROM talks_contributions c ${contributionJoins}
    JOIN talks_sessions s ON s.id = c.session_id
    WHERE c.session_id = ${sessionId} AND ${contentVisibleSql(ctx.actor)}
    ORDER BY c.position, c.created_at, c.id`);
  return r.rows;
}

export const listContributions = defineUseCase({
  name: 'talks.listContributions',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ sessionId: z.string() }),
  run: async ({ ctx, input }): Promise<Contribution[]> => {
    const session = await loadVisibleSession(ctx, ctx.db, input.sessionId);
    return contributionsOf(ctx, session.id);
  },
});

async function checkAgendaItem(db: DbOrTx, sessionId: string, id: string | null | undefined) {
  if (!id) return;
  const r = await db.execute(
    sql`SELECT 1 FROM talks_agenda_items WHERE id = ${id} AND session_id = ${sessionId}`,
  );
  if (r.rows.length === 0) throw unknownReference('agendaItemId', 'agenda_item');
}

/** Staff for anyone; partners and speakers for their own organisation (checked per session). */
export const addContribution = defineUseCase({
  name: 'talks.addContribution',
  kind: 'write',
  audit: 'talks_contribution',
  allow: checkWrite,
  input: contributionInput,
  run: async (uc): Promise<Contribution> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    await checkOrganisation(tx, v.organisationId, 'organisationId');
    const actor = await requireContributor(tx, ctx, session, v.organisationId);
    if (v.personId && !(await personExists(tx, v.personId))) throw unknownReference('personId', 'person');
    await checkAgendaItem(tx, session.id, v.agendaItemId);
    const position =
      v.position ??
      (
        await tx.execute<{ n: number }>(
          sql`SELECT coalesce(max(position) + 1, 0)::int AS n FROM talks_contributions WHERE session_id = ${session.id}`,
        )
      ).rows[0].n;
    const now = ctx.now.toISOString();
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_contributions (session_id, agenda_item_id, organisation_id, person_id, speaker_label, body,
        position, created_by, created_at, updated_at)
      VALUES (${session.id}, ${v.agendaItemId ?? null}, ${v.organisationId ?? null}, ${v.personId ?? null},
        ${jsonb(v.speakerLabel)}, ${jsonb(v.body)}, ${position}, ${actor.userId}, ${now}, ${now})
      RETURNING id`);
    const created = (await findContribution(tx, session.id, r.rows[0].id))!;
    await uc.audit({ action: 'create', entityId: created.id, after: created });
    return created;
  },
});

/** Change a contribution (its author organisation's users or staff); `version` guards concurrent edits. */
export const updateContribution = defineUseCase({
  name: 'talks.updateContribution',
  kind: 'write',
  audit: 'talks_contribution',
  allow: checkWrite,
  input: contributionUpdateInput,
  run: async (uc): Promise<Contribution> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    const before = await findContribution(tx, session.id, v.id);
    if (!before) throw notFound('contribution');
    await requireContributor(tx, ctx, session, before.organisationId);
    if (before.version !== v.version) throw new AppError('conflict', { version: before.version });
    await checkAgendaItem(tx, session.id, v.agendaItemId);
    const sets = [sql`updated_at = ${ctx.now.toISOString()}`, sql`version = version + 1`];
    if (v.body !== undefined) sets.push(sql`body = ${jsonb(v.body)}`);
    if (v.speakerLabel !== undefined) sets.push(sql`speaker_label = ${jsonb(v.speakerLabel)}`);
    if (v.agendaItemId !== undefined) sets.push(sql`agenda_item_id = ${v.agendaItemId}`);
    if (v.position !== undefined) sets.push(sql`position = ${v.position}`);
    await tx.execute(sql`UPDATE talks_contributions SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    const after = (await findContribution(tx, session.id, v.id))!;
    await uc.audit({ action: 'update', entityId: v.id, before, after });
    return after;
  },
});

export const removeContribution = defineUseCase({
  name: 'talks.removeContribution',
  kind: 'write',
  audit: 'talks_contribution',
  allow: checkWrite,
  input: z.object({ sessionId: z.string(), id: z.string() }),
  run: async (uc): Promise<void> => {
    const { ctx, input } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, input.sessionId);
    const before = await findContribution(tx, session.id, input.id);
    if (!before) throw notFound('contribution');
    await requireContributor(tx, ctx, session, before.organisationId);
    await tx.execute(sql`DELETE FROM talks_contributions WHERE id = ${before.id}`);
    await uc.audit({ action: 'remove', entityId: before.id, before });
  },
});

/** One contribution, if the actor may read the session's content. */
export const getContribution = defineUseCase({
  name: 'talks.getContribution',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ sessionId: z.string(), id: z.string() }),
  run: async ({ ctx, input }): Promise<Contribution> => {
    const session = await loadVisibleSession(ctx, ctx.db, input.sessionId);
    const found = (await contributionsOf(ctx, session.id)).find((c) => c.id === input.id);
    if (!found) throw notFound('contribution');
    return found;
  },
});
