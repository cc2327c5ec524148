import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../../core/audit/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { type DbOrTx, inTransaction } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { invalid, isoDate, parseInput, uuid } from '../../core/validation/input.ts';
import { personRoleKinds } from './schema.ts';
import {
  canManageOrganisation,
  canManagePerson,
  checkRead,
  checkWrite,
  contactVisibleSql,
  mayIncludeArchived,
  requireManageOrganisation,
  requireManagePerson,
  sqlUuids,
  today,
} from './service-access.ts';
import { contactInput, personInput, personRoleInput, personUpdateInput } from './service-input.ts';
import { findOrganisation } from './service-organisations.ts';
import { decodeCursor, encodeCursor, isoTime, jsonb } from './service-rows.ts';

export type Contact = {
  id: string;
  personId: string;
  kind: string;
  value: string;
  confidentiality: 'public' | 'network' | 'restricted';
};

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

export type Person = {
  id: string;
  name: string;
  names: Record<string, string> | null;
  title: string | null;
  archivedAt: string | null;
  updatedAt: string;
  roles: PersonRole[];
  /** Only the contacts the reader may see; an empty list says nothing about whether others exist. */
  contacts: Contact[];
};

/** A person as listed on an organisation's page: their roles there. */
export type OrganisationPerson = Person;

const personColumns = sql`p.id, p.name, p.names, p.title, ${isoTime(sql`p.archived_at`)} AS "archivedAt",
  ${isoTime(sql`p.updated_at`)} AS "updatedAt"`;

/**
 * Contact details of these people that the reader may see. The visibility rule is in the SQL;
 * every person whose restricted details were returned gets a `read_restricted` audit event.
 */
export async function visibleContacts(
  ctx: Ctx,
  db: DbOrTx,
  personIds: string[],
): Promise<Map<string, Contact[]>> {
  const out = new Map<string, Contact[]>();
  if (personIds.length === 0) return out;
  const r = await db.execute<Contact>(sql`
    SELECT c.id, c.person_id AS "personId", c.kind, c.value, c.confidentiality
    FROM person_contacts c
    WHERE c.person_id = ANY(${sqlUuids(personIds)}) AND ${contactVisibleSql(ctx)}
    ORDER BY c.person_id, c.kind, c.created_at, c.id`);
  const restrictedRead = new Set<string>();
  for (const c of r.rows) {
    const list = out.get(c.personId) ?? [];
    list.push(c);
    out.set(c.personId, list);
    if (c.confidentiality === 'restricted') restrictedRead.add(c.personId);
  }
  if (restrictedRead.size > 0) {
    await inTransaction(db, async (tx) => {
      for (const personId of restrictedRead) {
        await audit(tx, ctx, {
          action: 'read_restricted',
          entity: 'person_contacts',
          entityId: personId,
          after: {
            contacts: out
              .get(personId)!
              .filter((c) => c.confidentiality === 'restricted')
              .map((c) => c.id),
          },
        });
      }
    });
  }
  return out;
}

async function rolesOf(ctx: Ctx, db: DbOrTx, where: SQL): Promise<PersonRole[]> {
  const r = await db.execute<PersonRole>(sql`
    SELECT r.id, r.person_id AS "personId", r.organisation_id AS "organisationId", o.name AS "organisationName",
      o.names AS "organisationNames", r.role, r.since::text AS since, r.until::text AS until,
      ((r.since IS NULL OR r.since <= ${today(ctx)}::date) AND (r.until IS NULL OR r.until >= ${today(ctx)}::date)) AS current
    FROM person_roles r JOIN organisations o ON o.id = r.organisation_id
    WHERE ${where}
    ORDER BY current DESC, o.name, r.role, r.since NULLS FIRST, r.id`);
  return r.rows;
}

async function assemble(
  ctx: Ctx,
  db: DbOrTx,
  rows: Omit<Person, 'roles' | 'contacts'>[],
  orgId?: string,
): Promise<Person[]> {
  const ids = rows.map((p) => p.id);
  if (ids.length === 0) return [];
  const roles = await rolesOf(
    ctx,
    db,
    orgId
      ? sql`r.person_id = ANY(${sqlUuids(ids)}) AND r.organisation_id = ${orgId}`
      : sql`r.person_id = ANY(${sqlUuids(ids)})`,
  );
  const contacts = await visibleContacts(ctx, db, ids);
  return rows.map((p) => ({
    ...p,
    roles: roles.filter((r) => r.personId === p.id),
    contacts: contacts.get(p.id) ?? [],
  }));
}

/** People with a role (current or past) in an organisation, with their roles there. */
export async function peopleOfOrganisation(
  ctx: Ctx,
  db: DbOrTx,
  orgId: string,
): Promise<OrganisationPerson[]> {
  const r = await db.execute<Omit<Person, 'roles' | 'contacts'>>(sql`
    SELECT ${personColumns} FROM people p
    WHERE EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.organisation_id = ${orgId})
      ${mayIncludeArchived(ctx.actor) ? sql`` : sql`AND p.archived_at IS NULL`}
    ORDER BY p.name, p.id LIMIT 500`);
  return assemble(ctx, db, r.rows, orgId);
}

async function findPerson(
  db: DbOrTx,
  id: string,
  lock = false,
): Promise<Omit<Person, 'roles' | 'contacts'> | null> {
  const r = await db.execute<Omit<Person, 'roles' | 'contacts'>>(
    sql`SELECT ${personColumns} FROM people p WHERE p.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

export async function getPerson(
  ctx: Ctx,
  input: { id: string },
): Promise<Person & { permissions: { edit: boolean; archive: boolean } }> {
  checkRead(ctx);
  const id = parseInput(uuid, input.id);
  return inTransaction(ctx.db, async (tx) => {
    const p = await findPerson(tx, id);
    if (!p || (p.archivedAt && !mayIncludeArchived(ctx.actor))) throw notFound('person');
    const [person] = await assemble(ctx, tx, [p]);
    const edit = await canManagePerson(tx, ctx, id);
    return { ...person, permissions: { edit, archive: edit } };
  });
}

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
export async function listPeople(
  ctx: Ctx,
  input: z.input<typeof listPeopleInput> = {},
): Promise<{ items: Person[]; nextCursor: string | null }> {
  checkRead(ctx);
  const f = parseInput(listPeopleInput, input);
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
    if (!uuid.safeParse(id).success)
      throw invalid([{ path: 'cursor', code: 'invalid', message: 'invalid cursor' }]);
    where.push(sql`(p.name, p.id) > (${String(name)}, ${String(id)}::uuid)`);
  }
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<Omit<Person, 'roles' | 'contacts'>>(sql`
      SELECT ${personColumns} FROM people p
      ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
      ORDER BY p.name, p.id LIMIT ${f.limit + 1}`);
    const more = r.rows.length > f.limit;
    const rows = more ? r.rows.slice(0, f.limit) : r.rows;
    const last = rows.at(-1);
    return {
      items: await assemble(ctx, tx, rows),
      nextCursor: more && last ? encodeCursor([last.name, last.id]) : null,
    };
  });
}

export async function createPerson(ctx: Ctx, input: z.input<typeof personInput>): Promise<Person> {
  const actor = checkWrite(ctx);
  const v = parseInput(personInput, input);
  return inTransaction(ctx.db, async (tx) => {
    // Staff add anyone; others add people to an organisation they manage.
    if (v.organisationId) await requireManageOrganisation(tx, ctx, v.organisationId);
    else if (!isStaff(actor)) throw new AppError('forbidden');
    if (v.organisationId && !(await findOrganisation(tx, v.organisationId)))
      throw invalid([
        { path: 'organisationId', code: 'unknown_organisation', message: 'unknown organisation' },
      ]);
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO people (name, names, title, created_at, updated_at)
      VALUES (${v.name}, ${jsonb(v.names)}, ${v.title ?? null}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
      RETURNING id`);
    const id = r.rows[0].id;
    const created = (await findPerson(tx, id))!;
    await audit(tx, ctx, { action: 'create', entity: 'person', entityId: id, after: created });
    if (v.organisationId && v.role) {
      await insertRole(tx, ctx, {
        personId: id,
        organisationId: v.organisationId,
        role: v.role,
        since: v.since ?? null,
        until: null,
      });
    }
    return (await assemble(ctx, tx, [created]))[0];
  });
}

export async function updatePerson(ctx: Ctx, input: z.input<typeof personUpdateInput>): Promise<Person> {
  checkWrite(ctx);
  const v = parseInput(personUpdateInput, input);
  return inTransaction(ctx.db, async (tx) => {
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
    await audit(tx, ctx, { action: 'update', entity: 'person', entityId: v.id, before, after });
    return (await assemble(ctx, tx, [after]))[0];
  });
}

export async function archivePerson(ctx: Ctx, input: { id: string }): Promise<Person> {
  checkWrite(ctx);
  const id = parseInput(uuid, input.id);
  return inTransaction(ctx.db, async (tx) => {
    await requireManagePerson(tx, ctx, id);
    const before = await findPerson(tx, id, true);
    if (!before) throw notFound('person');
    await tx.execute(sql`UPDATE people SET archived_at = ${ctx.now.toISOString()},
      updated_at = greatest(${ctx.now.toISOString()}::timestamptz, updated_at + interval '1 millisecond') WHERE id = ${id}`);
    const after = (await findPerson(tx, id))!;
    await audit(tx, ctx, { action: 'archive', entity: 'person', entityId: id, before, after });
    return (await assemble(ctx, tx, [after]))[0];
  });
}

async function insertRole(
  tx: DbOrTx,
  ctx: Ctx,
  v: { personId: string; organisationId: string; role: string; since: string | null; until: string | null },
): Promise<PersonRole> {
  const r = await tx.execute<{ id: string }>(sql`
    INSERT INTO person_roles (person_id, organisation_id, role, since, until, created_at)
    VALUES (${v.personId}, ${v.organisationId}, ${v.role}, ${v.since}, ${v.until}, ${ctx.now.toISOString()}) RETURNING id`);
  const [role] = await rolesOf(ctx, tx, sql`r.id = ${r.rows[0].id}`);
  await audit(tx, ctx, { action: 'create', entity: 'person_role', entityId: role.id, after: role });
  return role;
}

/** Give a person a role in an organisation (both must exist; the actor must manage the organisation). */
export async function assignPersonRole(
  ctx: Ctx,
  input: z.input<typeof personRoleInput>,
): Promise<PersonRole> {
  checkWrite(ctx);
  const v = parseInput(personRoleInput, input);
  return inTransaction(ctx.db, async (tx) => {
    await requireManageOrganisation(tx, ctx, v.organisationId);
    const org = await findOrganisation(tx, v.organisationId);
    if (!org || org.archivedAt)
      throw invalid([
        { path: 'organisationId', code: 'unknown_organisation', message: 'unknown organisation' },
      ]);
    const person = await findPerson(tx, v.personId);
    if (!person || person.archivedAt)
      throw invalid([{ path: 'personId', code: 'unknown_person', message: 'unknown person' }]);
    return insertRole(tx, ctx, { ...v, since: v.since ?? null, until: v.until ?? null });
  });
}

/** End a role on a day (today by default); the history stays. */
export async function endPersonRole(
  ctx: Ctx,
  input: { id: string; until?: string | null },
): Promise<PersonRole> {
  checkWrite(ctx);
  const id = parseInput(uuid, input.id);
  const until = input.until ? parseInput(isoDate, input.until) : today(ctx);
  return inTransaction(ctx.db, async (tx) => {
    const [before] = await rolesOf(ctx, tx, sql`r.id = ${id}`);
    if (!before) throw notFound('person_role');
    await requireManageOrganisation(tx, ctx, before.organisationId);
    if (before.since && before.since > until)
      throw invalid([{ path: 'until', code: 'date_order', message: 'date order' }]);
    await tx.execute(sql`UPDATE person_roles SET until = ${until} WHERE id = ${id}`);
    const [after] = await rolesOf(ctx, tx, sql`r.id = ${id}`);
    await audit(tx, ctx, { action: 'update', entity: 'person_role', entityId: id, before, after });
    return after;
  });
}

/** Add a contact detail (restricted unless said otherwise). The audit keeps no copy of the value. */
export async function addContact(ctx: Ctx, input: z.input<typeof contactInput>): Promise<Contact> {
  checkWrite(ctx);
  const v = parseInput(contactInput, input);
  return inTransaction(ctx.db, async (tx) => {
    await requireManagePerson(tx, ctx, v.personId);
    const person = await findPerson(tx, v.personId);
    if (!person) throw notFound('person');
    const r = await tx.execute<Contact>(sql`
      INSERT INTO person_contacts (person_id, kind, value, confidentiality, created_at)
      VALUES (${v.personId}, ${v.kind}, ${v.value}, ${v.confidentiality}, ${ctx.now.toISOString()})
      RETURNING id, person_id AS "personId", kind, value, confidentiality`);
    const c = r.rows[0];
    await audit(tx, ctx, {
      action: 'create',
      entity: 'person_contacts',
      entityId: v.personId,
      after: { id: c.id, kind: c.kind, confidentiality: c.confidentiality },
    });
    return c;
  });
}

export async function removeContact(ctx: Ctx, input: { id: string }): Promise<void> {
  checkWrite(ctx);
  const id = parseInput(uuid, input.id);
  await inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<{ person_id: string; kind: string; confidentiality: string }>(
      sql`SELECT person_id, kind, confidentiality FROM person_contacts WHERE id = ${id} FOR UPDATE`,
    );
    const row = r.rows[0];
    if (!row) throw notFound('contact');
    await requireManagePerson(tx, ctx, row.person_id);
    await tx.execute(sql`DELETE FROM person_contacts WHERE id = ${id}`);
    await audit(tx, ctx, {
      action: 'delete',
      entity: 'person_contacts',
      entityId: row.person_id,
      before: { id, kind: row.kind, confidentiality: row.confidentiality },
    });
  });
}

/** May the actor add people to this organisation? (For showing the form.) */
export const canAddPeople = (ctx: Ctx, orgId: string) => canManageOrganisation(ctx.db, ctx.actor, orgId);
