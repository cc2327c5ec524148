import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { invalidField, uuid } from '../../../core/validation/input.ts';
import { requireStaff } from './access.ts';
import { agendaInput, agendaUpdateInput, unknownReference } from './input.ts';
import { type AgendaItem, isoTime, jsonb } from './rows.ts';
import { lockSession } from './service-sessions.ts';

/** Agenda items nest (a panel and its speakers); deeper than this is a sign of a mistake. */
export const MAX_AGENDA_DEPTH = 3;

/** The agenda of a session in reading order: each item followed by its children, with its depth. */
export async function agendaOf(db: DbOrTx, sessionId: string): Promise<AgendaItem[]> {
  const r = await db.execute<AgendaItem>(sql`
    WITH RECURSIVE tree AS (
      SELECT a.*, 0 AS depth, ARRAY[a.position::bigint, 0]::bigint[] AS path_pos, ARRAY[a.id] AS path_ids
      FROM talks_agenda_items a WHERE a.session_id = ${sessionId} AND a.parent_id IS NULL
      UNION ALL
      SELECT c.*, t.depth + 1, t.path_pos || ARRAY[c.position::bigint, t.depth + 1], t.path_ids || c.id
      FROM talks_agenda_items c JOIN tree t ON c.parent_id = t.id
      WHERE t.depth < ${MAX_AGENDA_DEPTH} AND NOT c.id = ANY(t.path_ids))
    SELECT id, session_id AS "sessionId", parent_id AS "parentId", position, title, description,
      ${isoTime(sql`starts_at`)} AS "startsAt", duration_minutes AS "durationMinutes", depth
    FROM tree ORDER BY path_pos, path_ids::text[]`);
  return r.rows;
}

async function findItem(db: DbOrTx, sessionId: string, id: string) {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<{ id: string; parentId: string | null; title: Record<string, string> }>(sql`
    SELECT id, parent_id AS "parentId", title, description, position FROM talks_agenda_items
    WHERE id = ${id} AND session_id = ${sessionId}`);
  return r.rows[0] ?? null;
}

async function depthOf(db: DbOrTx, id: string): Promise<number> {
  const r = await db.execute<{ d: number }>(sql`
    WITH RECURSIVE up AS (SELECT id, parent_id, 0 AS d FROM talks_agenda_items WHERE id = ${id}
      UNION ALL SELECT a.id, a.parent_id, up.d + 1 FROM talks_agenda_items a JOIN up ON a.id = up.parent_id
      WHERE up.d < 20)
    SELECT max(d)::int AS d FROM up`);
  return r.rows[0]?.d ?? 0;
}

export const addAgendaItem = defineUseCase({
  name: 'talks.addAgendaItem',
  kind: 'write',
  audit: 'talks_agenda_item',
  allow: requireStaff,
  input: agendaInput,
  run: async (uc): Promise<{ id: string }> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    if (v.parentId) {
      const parent = await findItem(tx, session.id, v.parentId);
      if (!parent) throw unknownReference('parentId', 'agenda_item');
      if ((await depthOf(tx, parent.id)) + 1 >= MAX_AGENDA_DEPTH)
        throw invalidField('parentId', 'too_deep', 'too deep');
    }
    const position =
      v.position ??
      (
        await tx.execute<{
          n: number;
        }>(sql`SELECT coalesce(max(position) + 1, 0)::int AS n FROM talks_agenda_items
          WHERE session_id = ${session.id} AND parent_id IS NOT DISTINCT FROM ${v.parentId ?? null}::uuid`)
      ).rows[0].n;
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_agenda_items (session_id, parent_id, position, title, description, starts_at, duration_minutes)
      VALUES (${session.id}, ${v.parentId ?? null}, ${position}, ${jsonb(v.title)}, ${jsonb(v.description)},
        ${v.startsAt ?? null}, ${v.durationMinutes ?? null}) RETURNING id`);
    const id = r.rows[0].id;
    await uc.audit({ action: 'create', entityId: id, after: { ...v, sessionId: session.id, position } });
    return { id };
  },
});

export const updateAgendaItem = defineUseCase({
  name: 'talks.updateAgendaItem',
  kind: 'write',
  audit: 'talks_agenda_item',
  allow: requireStaff,
  input: agendaUpdateInput,
  run: async (uc): Promise<void> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    const before = await findItem(tx, session.id, v.id);
    if (!before) throw notFound('agenda_item');
    const sets = [];
    if (v.title !== undefined) sets.push(sql`title = ${jsonb(v.title)}`);
    if (v.description !== undefined) sets.push(sql`description = ${jsonb(v.description)}`);
    if (v.position !== undefined) sets.push(sql`position = ${v.position}`);
    if (v.startsAt !== undefined) sets.push(sql`starts_at = ${v.startsAt}`);
    if (v.durationMinutes !== undefined) sets.push(sql`duration_minutes = ${v.durationMinutes}`);
    if (sets.length === 0) return uc.unchanged();
    await tx.execute(sql`UPDATE talks_agenda_items SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    await uc.audit({ action: 'update', entityId: v.id, before, after: v });
  },
});

/** Remove an item with the items under it; contributions made under them stay, unattached. */
export const removeAgendaItem = defineUseCase({
  name: 'talks.removeAgendaItem',
  kind: 'write',
  audit: 'talks_agenda_item',
  allow: requireStaff,
  input: z.object({ sessionId: z.string(), id: z.string() }),
  run: async (uc): Promise<void> => {
    const { ctx, input } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, input.sessionId);
    const before = await findItem(tx, session.id, input.id);
    if (!before) throw notFound('agenda_item');
    const gone = await tx.execute<{ id: string }>(sql`
      WITH RECURSIVE sub AS (SELECT id FROM talks_agenda_items WHERE id = ${before.id}
        UNION SELECT a.id FROM talks_agenda_items a JOIN sub ON a.parent_id = sub.id)
      SELECT id FROM sub`);
    const ids = `{${gone.rows.map((x) => x.id).join(',')}}`;
    await tx.execute(
      sql`UPDATE talks_contributions SET agenda_item_id = NULL WHERE agenda_item_id = ANY(${ids}::uuid[])`,
    );
    await tx.execute(sql`DELETE FROM talks_agenda_items WHERE id = ANY(${ids}::uuid[])`);
    await uc.audit({
      action: 'remove',
      entityId: before.id,
      before: { ...before, removedIds: gone.rows.map((x) => x.id) },
    });
  },
});

/** One agenda item, for its edit form (staff). */
export const getAgendaItem = defineUseCase({
  name: 'talks.getAgendaItem',
  kind: 'read',
  allow: requireStaff,
  input: z.object({ sessionId: z.string(), id: z.string() }),
  run: async ({ ctx, input }): Promise<AgendaItem> => {
    const item = (await agendaOf(ctx.db, input.sessionId)).find((a) => a.id === input.id);
    if (!item) throw new AppError('not_found');
    return item;
  },
});
