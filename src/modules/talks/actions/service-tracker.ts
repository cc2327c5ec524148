import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { requireScope } from '../../../core/policy/policy.ts';
import { invalidField, isoDate, uuid } from '../../../core/validation/input.ts';
import { activeMemberIds } from '../../directory/index.ts';
import { actionStatuses, addressees, themes } from '../schema.ts';
import { uuidArray } from './access.ts';
import { type Action, actionColumns, actionJoins, decodeCursor, encodeCursor, today } from './rows.ts';
import { actionVisibleSql } from './service-actions.ts';

/**
 * The tracker: every action across sessions the reader may see, filtered, sorted and read one
 * keyset page at a time (stable while others write, and as fast on the last page as on the
 * first). Each sort order walks an index of `talks_actions` (see the schema) and the filters are
 * conditions the planner can check along it.
 */

export const trackerSorts = ['due', 'status', 'progress', 'updated'] as const;
export type TrackerSort = (typeof trackerSorts)[number];

export const trackerFilters = z
  .object({
    responsibleOrgId: uuid.optional(),
    responsibleGroup: z.enum(addressees, { message: 'invalid_addressee' }).optional(),
    section: uuid.optional(),
    theme: z.enum(themes, { message: 'invalid_theme' }).optional(),
    status: z.enum(actionStatuses, { message: 'invalid_status' }).optional(),
    sessionId: uuid.optional(),
    recommendationId: uuid.optional(),
    dueBefore: isoDate.optional(),
    dueAfter: isoDate.optional(),
    overdue: z.boolean().optional(),
    sort: z.enum(trackerSorts).default('due'),
    dir: z.enum(['asc', 'desc']).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type TrackerFilters = z.input<typeof trackerFilters>;

export interface TrackerPage {
  items: Action[];
  nextCursor: string | null;
}

const OPEN = sql.raw(`('proposed', 'accepted', 'in_progress', 'deferred')`);

const sortKey: Record<TrackerSort, { expr: SQL; select: SQL; cast: string; nullable: boolean }> = {
  due: { expr: sql`a.due_on`, select: sql`a.due_on::text`, cast: 'date', nullable: true },
  status: { expr: sql`a.status`, select: sql`a.status`, cast: 'text', nullable: false },
  progress: { expr: sql`a.progress`, select: sql`a.progress`, cast: 'int', nullable: false },
  updated: {
    expr: sql`a.updated_at`,
    // Microseconds: the cursor must hold the exact value for the next page to start right after it.
    select: sql`to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: 'timestamptz',
    nullable: false,
  },
};

/** Most recently updated first and most advanced first read best; dates and statuses ascending. */
const defaultDir: Record<TrackerSort, 'asc' | 'desc'> = {
  due: 'asc',
  status: 'asc',
  progress: 'desc',
  updated: 'desc',
};

function conditions(ctx: Ctx, f: z.output<typeof trackerFilters>, sectionOrgs: string[] | null): SQL[] {
  const where: SQL[] = [actionVisibleSql(ctx.actor)];
  if (f.responsibleOrgId) where.push(sql`a.responsible_org_id = ${f.responsibleOrgId}`);
  if (f.responsibleGroup) where.push(sql`a.responsible_group = ${f.responsibleGroup}`);
  if (sectionOrgs) where.push(sql`a.responsible_org_id = ANY(${uuidArray(sectionOrgs)})`);
  if (f.theme) where.push(sql`a.themes @> ARRAY[${f.theme}]::text[]`);
  if (f.status) where.push(sql`a.status = ${f.status}`);
  if (f.sessionId) where.push(sql`a.session_id = ${f.sessionId}`);
  if (f.recommendationId) where.push(sql`a.recommendation_id = ${f.recommendationId}`);
  if (f.dueBefore) where.push(sql`a.due_on < ${f.dueBefore}::date`);
  if (f.dueAfter) where.push(sql`a.due_on > ${f.dueAfter}::date`);
  if (f.overdue === true) where.push(sql`a.due_on < ${today(ctx.now)}::date AND a.status IN ${OPEN}`);
  if (f.overdue === false)
    where.push(
      sql`NOT (a.due_on IS NOT NULL AND a.due_on < ${today(ctx.now)}::date AND a.status IN ${OPEN})`,
    );
  return where;
}

/**
 * A Section's organisations: itself and its active members (as the directory defines them). Read first and sent as a literal
 * array, so that the planner knows how many there are and picks the right index (with a subquery
 * it guesses a handful, and reads every action of the Section to sort them).
 */
async function sectionMembers(ctx: Ctx, section: string): Promise<string[]> {
  return [section, ...(await activeMemberIds(ctx.db, section))];
}

/** The keyset condition "after the cursor" for the sort key and direction (NULL due dates come last ascending, first descending, as PostgreSQL sorts them). */
function after(sort: TrackerSort, dir: 'asc' | 'desc', cursor: string): SQL {
  const [value, id] = decodeCursor(cursor, 2);
  if (!uuid.safeParse(id).success || (value === null && !sortKey[sort].nullable))
    throw invalidField('cursor', 'invalid', 'invalid cursor');
  const k = sortKey[sort];
  const cmp = sql.raw(dir === 'asc' ? '>' : '<');
  const v = sql`${value}::${sql.raw(k.cast)}`;
  const byId = sql`a.id ${cmp} ${String(id)}::uuid`;
  if (!k.nullable) return sql`(${k.expr}, a.id) ${cmp} (${v}, ${String(id)}::uuid)`;
  if (dir === 'asc') {
    return value === null
      ? sql`(${k.expr} IS NULL AND ${byId})`
      : sql`(${k.expr} > ${v} OR (${k.expr} = ${v} AND ${byId}) OR ${k.expr} IS NULL)`;
  }
  return value === null
    ? sql`((${k.expr} IS NULL AND ${byId}) OR ${k.expr} IS NOT NULL)`
    : sql`(${k.expr} < ${v} OR (${k.expr} = ${v} AND ${byId}))`;
}

/** One page of the tracker. */
export const listActions = defineUseCase({
  name: 'talks.listActions',
  kind: 'read',
  public: true,
  allow: (ctx) => requireScope(ctx, 'read'),
  input: trackerFilters,
  run: ({ ctx, input }) => trackerPage(ctx, input),
});

async function trackerPage(ctx: Ctx, f: z.output<typeof trackerFilters>): Promise<TrackerPage> {
  const dir = f.dir ?? defaultDir[f.sort];
  const where = conditions(ctx, f, f.section ? await sectionMembers(ctx, f.section) : null);
  if (f.cursor) where.push(after(f.sort, dir, f.cursor));
  const k = sortKey[f.sort];
  const d = sql.raw(dir === 'asc' ? 'ASC' : 'DESC');
  // The page's ids first, sorted on narrow rows; the columns shown are joined for those rows only.
  const r = await ctx.db.execute<Action & { sortValue: string | number | null }>(sql`
    SELECT ${actionColumns(ctx.now)}, ${k.select} AS "sortValue"
    FROM (SELECT a.id FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
          WHERE ${sql.join(where, sql` AND `)}
          ORDER BY ${k.expr} ${d}, a.id ${d}
          LIMIT ${f.limit + 1}) page
    JOIN talks_actions a ON a.id = page.id ${actionJoins}
    ORDER BY ${k.expr} ${d}, a.id ${d}`);
  const rows = r.rows;
  const more = rows.length > f.limit;
  const items = (more ? rows.slice(0, f.limit) : rows).map(({ sortValue: _, ...a }) => a as Action);
  const last = more ? rows[f.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor([last.sortValue, last.id]) : null };
}

/** Every action matching the filters, a page at a time, for exports. */
export async function* allActions(ctx: Ctx, input: TrackerFilters): AsyncGenerator<Action> {
  let cursor: string | undefined;
  do {
    const page = await listActions(ctx, { ...input, cursor, limit: 200 });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
