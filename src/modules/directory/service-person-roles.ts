import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { notFound } from '../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../core/module/use-case.ts';
import { invalidField, isoDate, uuid } from '../../core/validation/input.ts';
import type { personRoleKinds } from './schema.ts';
import { checkWrite, requireManageOrganisation, today } from './service-access.ts';
import { personRoleInput } from './service-input.ts';
import { findOrganisation, findPerson } from './service-rows.ts';

export type PersonRole = {
  id: string;
  personId: string;
  organisationId: string;
  organisationName: string;
  organisationNames: Record<string, string>;
  role: (typeof personRoleKinds)[number];
  since: string | null;
  until: string | null;
  current: boolean;
};

/** Roles matching `where` (on `person_roles r`), current ones first. */
export async function rolesOf(ctx: Ctx, db: DbOrTx, where: SQL): Promise<PersonRole[]> {
  const r = await db.execute<PersonRole>(sql`
    SELECT r.id, r.person_id AS "personId", r.organisation_id AS "organisationId", o.name AS "organisationName",
      o.names AS "organisationNames", r.role, r.since::text AS since, r.until::text AS until,
      ((r.since IS NULL OR r.since <= ${today(ctx)}::date) AND (r.until IS NULL OR r.until >= ${today(ctx)}::date)) AS current
    FROM person_roles r JOIN organisations o ON o.id = r.organisation_id
    WHERE ${where}
    ORDER BY current DESC, o.name, r.role, r.since NULLS FIRST, r.id`);
  return r.rows;
}

/** Record a role, in the transaction of the use case that gives it (assigning it, or creating the person). */
export async function insertRole(
  uc: UseCaseRun<unknown>,
  v: { personId: string; organisationId: string; role: string; since: string | null; until: string | null },
): Promise<PersonRole> {
  const { ctx } = uc;
  const r = await ctx.db.execute<{ id: string }>(sql`
    INSERT INTO person_roles (person_id, organisation_id, role, since, until, created_at)
    VALUES (${v.personId}, ${v.organisationId}, ${v.role}, ${v.since}, ${v.until}, ${ctx.now.toISOString()}) RETURNING id`);
  const [role] = await rolesOf(ctx, ctx.db, sql`r.id = ${r.rows[0].id}`);
  await uc.audit({ action: 'create', entity: 'directory_person_role', entityId: role.id, after: role });
  return role;
}

/** Give a person a role in an organisation (both must exist; the actor must manage the organisation). */
export const assignPersonRole = defineUseCase({
  name: 'directory.assignPersonRole',
  kind: 'write',
  audit: 'directory_person_role',
  allow: checkWrite,
  input: personRoleInput,
  run: async (uc): Promise<PersonRole> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    await requireManageOrganisation(tx, ctx, v.organisationId);
    const org = await findOrganisation(tx, v.organisationId);
    if (!org || org.archivedAt)
      throw invalidField('organisationId', 'unknown_organisation', 'unknown organisation');
    const person = await findPerson(tx, v.personId);
    if (!person || person.archivedAt) throw invalidField('personId', 'unknown_person', 'unknown person');
    return insertRole(uc, { ...v, since: v.since ?? null, until: v.until ?? null });
  },
});

/** End a role on a day (today by default); the history stays. */
export const endPersonRole = defineUseCase({
  name: 'directory.endPersonRole',
  kind: 'write',
  audit: 'directory_person_role',
  allow: checkWrite,
  input: z.object({ id: uuid, until: isoDate.nullish() }).strict(),
  run: async (uc): Promise<PersonRole> => {
    const { ctx } = uc;
    const { id } = uc.input;
    const until = uc.input.until || today(ctx);
    const tx = ctx.db;
    const [before] = await rolesOf(ctx, tx, sql`r.id = ${id}`);
    if (!before) throw notFound('person_role');
    await requireManageOrganisation(tx, ctx, before.organisationId);
    if (before.since && before.since > until) throw invalidField('until', 'date_order', 'date order');
    await tx.execute(sql`UPDATE person_roles SET until = ${until} WHERE id = ${id}`);
    const [after] = await rolesOf(ctx, tx, sql`r.id = ${id}`);
    await uc.audit({ action: 'update', entityId: id, before, after });
    return after;
  },
});
