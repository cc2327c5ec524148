import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { uuid } from '../../../core/validation/input.ts';
import { existingOrganisationIds } from '../../directory/index.ts';
import { checkRead, requireStaff } from './access.ts';
import { seriesInput, seriesUpdateInput, unknownReference } from './input.ts';
import { jsonb, pgCode, type Series, seriesColumns } from './rows.ts';
import { visibleSessionSql } from './visibility.ts';

export async function findSeries(db: DbOrTx, id: string, lock = false): Promise<Series | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Series>(
    sql`SELECT ${seriesColumns} FROM talks_series r WHERE r.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

/** The organisation must exist and not be archived; else `unknown_reference` naming the field. */
export async function checkOrganisation(
  db: DbOrTx,
  id: string | null | undefined,
  field: string,
): Promise<void> {
  if (!id) return;
  if (!(await existingOrganisationIds(db, [id])).has(id)) throw unknownReference(field, 'organisation');
}

export const createSeries = defineUseCase({
  name: 'talks.createSeries',
  kind: 'write',
  audit: 'talks_series',
  allow: requireStaff,
  input: seriesInput,
  run: async (uc) => {
    const { ctx, input: v } = uc;
    await checkOrganisation(ctx.db, v.organiserId, 'organiserId');
    const now = ctx.now.toISOString();
    let id: string;
    try {
      const r = await ctx.db.execute<{ id: string }>(sql`
        INSERT INTO talks_series (slug, title, subtitle, description, organiser_id, created_at, updated_at)
        VALUES (${v.slug}, ${jsonb(v.title)}, ${jsonb(v.subtitle)}, ${jsonb(v.description)}, ${v.organiserId ?? null},
          ${now}, ${now}) RETURNING id`);
      id = r.rows[0].id;
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { field: 'slug' });
      throw e;
    }
    const created = (await findSeries(ctx.db, id))!;
    await uc.audit({ action: 'create', entityId: id, after: created });
    return created;
  },
});

export const updateSeries = defineUseCase({
  name: 'talks.updateSeries',
  kind: 'write',
  audit: 'talks_series',
  allow: requireStaff,
  input: seriesUpdateInput,
  run: async (uc) => {
    const { ctx, input: v } = uc;
    const before = await findSeries(ctx.db, v.id, true);
    if (!before) throw notFound('series');
    await checkOrganisation(ctx.db, v.organiserId, 'organiserId');
    const sets = [sql`updated_at = ${ctx.now.toISOString()}`];
    if (v.slug !== undefined) sets.push(sql`slug = ${v.slug}`);
    if (v.title !== undefined) sets.push(sql`title = ${jsonb(v.title)}`);
    if (v.subtitle !== undefined) sets.push(sql`subtitle = ${jsonb(v.subtitle)}`);
    if (v.description !== undefined) sets.push(sql`description = ${jsonb(v.description)}`);
    if (v.organiserId !== undefined) sets.push(sql`organiser_id = ${v.organiserId}`);
    try {
      await ctx.db.execute(sql`UPDATE talks_series SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { field: 'slug' });
      throw e;
    }
    const after = (await findSeries(ctx.db, v.id))!;
    await uc.audit({ action: 'update', entityId: v.id, before, after });
    return after;
  },
});

export const listSeries = defineUseCase({
  name: 'talks.listSeries',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({}).strict(),
  run: async ({ ctx }): Promise<(Series & { sessionCount: number })[]> => {
    const r = await ctx.db.execute<Series & { sessionCount: number }>(sql`
      SELECT ${seriesColumns},
        (SELECT count(*)::int FROM talks_sessions s WHERE s.series_id = r.id AND ${visibleSessionSql(ctx.actor)}) AS "sessionCount"
      FROM talks_series r ORDER BY r.created_at, r.id`);
    return r.rows;
  },
});

export const getSeries = defineUseCase({
  name: 'talks.getSeries',
  kind: 'read',
  public: true,
  allow: checkRead,
  // Any text: an id that is not one finds nothing (404), as an unknown one does.
  input: z.object({ id: z.string() }),
  run: async ({ ctx, input }): Promise<Series> => {
    const s = await findSeries(ctx.db, input.id);
    if (!s) throw notFound('series');
    return s;
  },
});
