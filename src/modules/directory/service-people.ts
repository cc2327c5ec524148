import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, inTransaction } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../core/module/use-case.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { personRoleKinds } from './schema.ts';
import {
  canManagePerson,
  checkRead,
  checkWrite,
  mayIncludeArchived,
  requireManageOrganisation,
  requireManagePerson,
  sqlUuids,
} from './service-access.ts';
import { type Contact, visibleContacts } from './service-contacts.ts';
import { personInput, personUpdateInput } from './service-input.ts';
import { insertRole, type PersonRole, rolesOf } from './service-person-roles.ts';
import {
  decodeCursor,
  encodeCursor,
  findOrganisation,
  findPerson,
  jsonb,
  type PersonRow,
  personColumns,
} from './service-rows.ts';

export type Person = PersonRow & {
  roles: PersonRole[];
  /** Only the contacts the reader may see; an empty list says nothing about whether others exist. */
  contacts: Contact[];
};

/** A person as listed on an organisation's page: their roles there. */
export type OrganisationPerson = Person;

type Reader = Pick<UseCaseRun<unknown>, 'ctx' | 'restrictedRead'>;

/** People with their roles (in `orgId` only, if given) and the contacts the reader may see. */
async function assemble(uc: Reader, db: DbOrTx, rows: PersonRow[], orgId?: string): Promise<Person[]> {
  const ids = rows.map((p) => p.id);
  if (ids.length === 0) return [];
  const roles = await rolesOf(
    uc.ctx,
    db,
    orgId
      ? sql`r.person_id = ANY(${sqlUuids(ids)}) AND r.organisation_id = ${orgId}`
      : sql`r.person_id = ANY(${sqlUuids(ids)})`,
  );
  const contacts = await visibleContacts(uc, db, ids);
  return rows.map((p) => ({
    ...p,
    roles: roles.filter((r) => r.personId === p.id),
    contacts: contacts.get(p.id) ?? [],
  }));
}

/** People with a role (current or past) in an organisation, with their roles there. */
export async function peopleOfOrganisation(
  uc: Reader,
  db: DbOrTx,
  orgId: string,
): Promise<OrganisationPerson[]> {
  const r = await db.execute<PersonRow>(sql`
    SELECT ${personColumns} FROM people p
    WHERE EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.organisation_id = ${orgId})
      ${mayIncludeArchived(uc.ctx.actor) ? sql`` : sql`AND p.archived_at IS NULL`}
    ORDER BY p.name, p.id LIMIT 500`);
  return assemble(uc, db, r.rows, orgId);
}

export const getPerson = defineUseCase({
  name: 'directory.getPerson',
  kind: 'read',
  public: true,
  restricted: 'directory_person_contacts',
  allow: checkRead,
  input: z.object({ id: uuid }).strict(),
  run: async (uc): Promise<Person & { permissions: { edit: boolean; archive: boolean } }> => {
    const { ctx } = uc;
    const { id } = uc.input;
    return inTransaction(ctx.db, async (tx) => {
      const p = await findPerson(tx, id);
      if (!p || (p.archivedAt && !mayIncludeArchived(ctx.actor))) throw notFound('person');
      const [person] = await assemble(uc, tx, [p]);
      const edit = await canManagePerson(tx, ctx, id);
      return { ...person, permissions: { edit, archive: edit } };
    });
  },
});

export const listPeopleInput = z
  .object({
    q: z.string().trim().max(200, { message: 'too_long' }).optional(),
    organisationId: uuid.optional(),
    role: z.enum(personRoleKinds, { message: 'invalid_role' }).optional(),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

/** People by name, keyset-paginated, with their roles and the contacts the reader may see. */
export const listPeople = defineUseCase({
  name: 'directory.listPeople',
  kind: 'read',
  public: true,
  restricted: 'directory_person_contacts',
  allow: checkRead,
  input: listPeopleInput,
  run: async (uc): Promise<{ items: Person[]; nextCursor: string | null }> => {
    const { ctx, input: f } = uc;
    const where: SQL[] = [];
    if (!mayIncludeArchived(ctx.actor)) where.push(sql`p.archived_at IS NULL`);
    if (f.q)
      where.push(sql`p.search_text LIKE '%' || lower(f_unaccent(${f.q.replace(/[%_\\]/g, '\\$&')})) || '%'`);
    if (f.organisationId || f.role) {
      where.push(sql`EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id
        ${f.organisationId ? sql`AND r.organisation_id = ${f.organisationId}` : sql``}
        ${f.role ? sql`AND r.role = ${f.role}` : sql``})`);
    }
    if (f.cursor) {
      const [name, id] = decodeCursor(f.cursor, 2);
      if (!uuid.safeParse(id).success) throw invalidField('cursor', 'invalid', 'invalid cursor');
      where.push(sql`(p.name, p.id) > (${String(name)}, ${String(id)}::uuid)`);
    }
    return inTransaction(ctx.db, async (tx) => {
      const r = await tx.execute<PersonRow>(sql`
        SELECT ${personColumns} FROM people p
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY p.name, p.id LIMIT ${f.limit + 1}`);
      const more = r.rows.length > f.limit;
      const rows = more ? r.rows.slice(0, f.limit) : r.rows;
      const last = rows.at(-1);
      return {
        items: await assemble(uc, tx, rows),
        nextCursor: more && last ? encodeCursor([last.name, last.id]) : null,
      };
    });
  },
});

export const createPerson = defineUseCase({
  name: 'directory.createPerson',
  kind: 'write',
  audit: 'directory_person',
  allow: checkWrite,
  input: personInput,
  run: async (uc): Promise<Person> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    // Staff add anyone; others add people to an organisation they manage.
    if (v.organisationId) await requireManageOrganisation(tx, ctx, v.organisationId);
    else if (!isStaff(ctx.actor)) throw new AppError('forbidden');
    if (v.organisationId && !(await findOrganisation(tx, v.organisationId)))
      throw invalidField('organisationId', 'unknown_organisation', 'unknown organisation');
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO people (name, names, title, created_at, updated_at)
      VALUES (${v.name}, ${jsonb(v.names)}, ${v.title ?? null}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
      RETURNING id`);
    const id = r.rows[0].id;
    const created = (await findPerson(tx, id))!;
    await uc.audit({ action: 'create', entityId: id, after: created });
    if (v.organisationId && v.role) {
      await insertRole(uc, {
        personId: id,
        organisationId: v.organisationId,
        role: v.role,
        since: v.since ?? null,
        until: null,
      });
    }
    return (await assemble(uc, tx, [created]))[0];
  },
});

export const updatePerson = defineUseCase({
  name: 'directory.updatePerson',
  kind: 'write',
  audit: 'directory_person',
  allow: checkWrite,
  input: personUpdateInput,
  run: async (uc): Promise<Person> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    await requireManagePerson(tx, ctx, v.id);
    const before = await findPerson(tx, v.id, true);
    if (!before || (before.archivedAt && !isStaff(ctx.actor))) throw notFound('person');
    if (new Date(v.updatedAt).toISOString() !== before.updatedAt)
      throw new AppError('conflict', { updatedAt: before.updatedAt });
    await tx.execute(sql`UPDATE people SET name = ${v.name ?? before.name},
      names = ${v.names === undefined ? jsonb(before.names) : jsonb(v.names)},
      title = ${v.title === undefined ? before.title : v.title},
      updated_at = greatest(${ctx.now.toISOString()}::timestamptz, updated_at + interval '1 millisecond')
      WHERE id = ${v.id}`);
    const after = (await findPerson(tx, v.id))!;
    await uc.audit({ action: 'update', entityId: v.id, before, after });
    return (await assemble(uc, tx, [after]))[0];
  },
});

export const archivePerson = defineUseCase({
  name: 'directory.archivePerson',
  kind: 'write',
  audit: 'directory_person',
  allow: checkWrite,
  input: z.object({ id: uuid }).strict(),
  run: async (uc): Promise<Person> => {
    const { ctx } = uc;
    const { id } = uc.input;
    const tx = ctx.db;
    await requireManagePerson(tx, ctx, id);
    const before = await findPerson(tx, id, true);
    if (!before) throw notFound('person');
    await tx.execute(sql`UPDATE people SET archived_at = ${ctx.now.toISOString()},
      updated_at = greatest(${ctx.now.toISOString()}::timestamptz, updated_at + interval '1 millisecond') WHERE id = ${id}`);
    const after = (await findPerson(tx, id))!;
    await uc.audit({ action: 'archive', entityId: id, before, after });
    return (await assemble(uc, tx, [after]))[0];
  },
});
