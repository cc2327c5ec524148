import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../core/module/use-case.ts';
import { invalidField, isoDate, uuid } from '../../core/validation/input.ts';
import { membershipStatuses } from './schema.ts';
import { checkRead, checkWrite, mayIncludeArchived, requireManageGroup, today } from './service-access.ts';
import { membershipInput, membershipUpdateInput } from './service-input.ts';
import { checkGroup, decodeCursor, encodeCursor, findOrganisation, isoTime } from './service-rows.ts';

export type Membership = {
  id: string;
  memberId: string;
  memberName: string;
  memberNames: Record<string, string>;
  memberCountry: string | null;
  groupId: string;
  groupName: string;
  groupNames: Record<string, string>;
  groupKind: string;
  status: (typeof membershipStatuses)[number];
  since: string | null;
  until: string | null;
  note: string | null;
  updatedAt: string;
};

const membershipColumns = sql`m.id, m.member_id AS "memberId", mo.name AS "memberName", mo.names AS "memberNames",
  mo.country AS "memberCountry", m.group_id AS "groupId", g.name AS "groupName", g.names AS "groupNames",
  g.kind AS "groupKind", m.status, m.since::text AS since, m.until::text AS until, m.note,
  ${isoTime(sql`m.updated_at`)} AS "updatedAt"`;
const membershipFrom = sql`memberships m JOIN organisations mo ON mo.id = m.member_id JOIN organisations g ON g.id = m.group_id`;

async function findMembership(db: DbOrTx, id: string, lock = false): Promise<Membership | null> {
  const r = await db.execute<Membership>(
    sql`SELECT ${membershipColumns} FROM ${membershipFrom} WHERE m.id = ${id} ${lock ? sql`FOR UPDATE OF m` : sql``}`,
  );
  return r.rows[0] ?? null;
}

/** The Sections and networks an organisation belongs to (every status, newest first). */
export async function membershipsOf(ctx: Ctx, db: DbOrTx, orgId: string): Promise<Membership[]> {
  const r = await db.execute<Membership>(sql`
    SELECT ${membershipColumns} FROM ${membershipFrom}
    WHERE m.member_id = ${orgId} ${mayIncludeArchived(ctx.actor) ? sql`` : sql`AND g.archived_at IS NULL`}
    ORDER BY (m.status = 'active') DESC, g.name`);
  return r.rows;
}

export const listMembershipsInput = z
  .object({
    groupId: uuid.optional(),
    memberId: uuid.optional(),
    status: z.enum(membershipStatuses, { message: 'invalid_status' }).optional(),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

/** Memberships of a Section (or of an organisation), by member name, keyset-paginated. */
export const listMemberships = defineUseCase({
  name: 'directory.listMemberships',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: listMembershipsInput,
  run: async ({ ctx, input: f }): Promise<{ items: Membership[]; nextCursor: string | null }> => {
    const where: SQL[] = [];
    if (!mayIncludeArchived(ctx.actor)) where.push(sql`mo.archived_at IS NULL AND g.archived_at IS NULL`);
    if (f.groupId) where.push(sql`m.group_id = ${f.groupId}`);
    if (f.memberId) where.push(sql`m.member_id = ${f.memberId}`);
    if (f.status) where.push(sql`m.status = ${f.status}`);
    if (f.cursor) {
      const [name, id] = decodeCursor(f.cursor, 2);
      if (!uuid.safeParse(id).success) throw invalidField('cursor', 'invalid', 'invalid cursor');
      where.push(sql`(mo.name, m.id) > (${String(name)}, ${String(id)}::uuid)`);
    }
    const r = await ctx.db.execute<Membership>(sql`
      SELECT ${membershipColumns} FROM ${membershipFrom}
      ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
      ORDER BY mo.name, m.id LIMIT ${f.limit + 1}`);
    const more = r.rows.length > f.limit;
    const items = more ? r.rows.slice(0, f.limit) : r.rows;
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor([last.memberName, last.id]) : null };
  },
});

export const addMembership = defineUseCase({
  name: 'directory.addMembership',
  kind: 'write',
  audit: 'directory_membership',
  allow: checkWrite,
  input: membershipInput,
  run: async (uc): Promise<Membership> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    requireManageGroup(ctx, v.groupId);
    await checkGroup(tx, v.groupId);
    const member = await findOrganisation(tx, v.memberId);
    if (!member || member.archivedAt)
      throw invalidField('memberId', 'unknown_organisation', 'unknown organisation');
    if (v.memberId === v.groupId) throw invalidField('groupId', 'cycle');
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO memberships (member_id, group_id, status, since, until, note, created_at, updated_at)
      VALUES (${v.memberId}, ${v.groupId}, ${v.status}, ${v.since ?? null}, ${v.until ?? null}, ${v.note ?? null},
        ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
      ON CONFLICT (member_id, group_id) DO NOTHING RETURNING id`);
    if (!r.rows[0]) throw new AppError('already_exists', { path: 'groupId' });
    const created = (await findMembership(tx, r.rows[0].id))!;
    await uc.audit({ action: 'create', entityId: created.id, after: created });
    return created;
  },
});

/** Change a membership: updating it and ending it are the same change. */
async function changeMembership(
  uc: UseCaseRun<unknown>,
  v: z.output<typeof membershipUpdateInput>,
): Promise<Membership> {
  const { ctx } = uc;
  const tx = ctx.db;
  const before = await findMembership(tx, v.id, true);
  if (!before) throw notFound('membership');
  requireManageGroup(ctx, before.groupId);
  const since = v.since === undefined ? before.since : v.since;
  const until = v.until === undefined ? before.until : v.until;
  if (since && until && since > until) throw invalidField('until', 'date_order', 'date order');
  await tx.execute(sql`UPDATE memberships SET status = ${v.status ?? before.status}, since = ${since},
    until = ${until}, note = ${v.note === undefined ? before.note : v.note}, updated_at = ${ctx.now.toISOString()}
    WHERE id = ${v.id}`);
  const after = (await findMembership(tx, v.id))!;
  await uc.audit({ action: 'update', entityId: v.id, before, after });
  return after;
}

export const updateMembership = defineUseCase({
  name: 'directory.updateMembership',
  kind: 'write',
  audit: 'directory_membership',
  allow: checkWrite,
  input: membershipUpdateInput,
  run: (uc) => changeMembership(uc, uc.input),
});

/** End a membership: status `ended`, until the given day (today by default). Kept for the record. */
export const endMembership = defineUseCase({
  name: 'directory.endMembership',
  kind: 'write',
  audit: 'directory_membership',
  allow: checkWrite,
  input: z.object({ id: uuid, until: isoDate.nullish() }).strict(),
  run: (uc) =>
    changeMembership(uc, { id: uc.input.id, status: 'ended', until: uc.input.until || today(uc.ctx) }),
});
