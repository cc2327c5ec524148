import { sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { type DbOrTx, inTransaction } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { parseInput, uuid } from '../../../core/validation/input.ts';
import { checkRead, requireStaff } from './access.ts';
import { type SeriesInput, seriesInput, seriesUpdateInput, unknownReference } from './input.ts';
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
  const r = await db.execute(sql`SELECT 1 FROM organisations WHERE id = ${id} AND archived_at IS NULL`);
  if (r.rows.length === 0) throw unknownReference(field, 'organisation');
}

export async function createSeries(ctx: Ctx, input: SeriesInput): Promise<Series> {
  requireStaff(ctx);
  const v = parseInput(seriesInput, input);
  return inTransaction(ctx.db, async (tx) => {
    await checkOrganisation(tx, v.organiserId, 'organiserId');
    const now = ctx.now.toISOString();
    let id: string;
    try {
      const r = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_series (slug, title, subtitle, description, organiser_id, created_at, updated_at)
        VALUES (${v.slug}, ${jsonb(v.title)}, ${jsonb(v.subtitle)}, ${jsonb(v.description)}, ${v.organiserId ?? null},
          ${now}, ${now}) RETURNING id`);
      id = r.rows[0].id;
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { field: 'slug' });
      throw e;
    }
    const created = (await findSeries(tx, id))!;
    await audit(tx, ctx, { action: 'create', entity: 'talks_series', entityId: id, after: created });
    return created;
  });
}

export async function updateSeries(ctx: Ctx, input: Partial<SeriesInput> & { id: string }): Promise<Series> {
  requireStaff(ctx);
  const v = parseInput(seriesUpdateInput, input);
  return inTransaction(ctx.db, async (tx) => {
    const before = await findSeries(tx, v.id, true);
    if (!before) throw notFound('series');
    await checkOrganisation(tx, v.organiserId, 'organiserId');
    const sets = [sql`updated_at = ${ctx.now.toISOString()}`];
    if (v.slug !== undefined) sets.push(sql`slug = ${v.slug}`);
    if (v.title !== undefined) sets.push(sql`title = ${jsonb(v.title)}`);
    if (v.subtitle !== undefined) sets.push(sql`subtitle = ${jsonb(v.subtitle)}`);
    if (v.description !== undefined) sets.push(sql`description = ${jsonb(v.description)}`);
    if (v.organiserId !== undefined) sets.push(sql`organiser_id = ${v.organiserId}`);
    try {
      await tx.execute(sql`UPDATE talks_series SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { field: 'slug' });
      throw e;
    }
    const after = (await findSeries(tx, v.id))!;
    await audit(tx, ctx, { action: 'update', entity: 'talks_series', entityId: v.id, before, after });
    return after;
  });
}

export async function listSeries(ctx: Ctx): Promise<(Series & { sessionCount: number })[]> {
  checkRead(ctx);
  const r = await ctx.db.execute<Series & { sessionCount: number }>(sql`
    SELECT ${seriesColumns},
      (SELECT count(*)::int FROM talks_sessions s WHERE s.series_id = r.id AND ${visibleSessionSql(ctx.actor)}) AS "sessionCount"
    FROM talks_series r ORDER BY r.created_at, r.id`);
  return r.rows;
}

export async function getSeries(ctx: Ctx, input: { id: string }): Promise<Series> {
  checkRead(ctx);
  const s = await findSeries(ctx.db, input.id);
  if (!s) throw notFound('series');
  return s;
}
