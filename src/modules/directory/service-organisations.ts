import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { type DbOrTx, inTransaction } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { isStaff } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { activeMembershipRow, activeMembershipSql } from './read-api.ts';
import { organisationKinds } from './schema.ts';
import {
  canManageOrganisation,
  checkRead,
  checkWrite,
  coordinatedSections,
  mayIncludeArchived,
  requireManageOrganisation,
} from './service-access.ts';
import { countryCode, createOrganisationInput, updateOrganisationInput } from './service-input.ts';
import { type Membership, membershipsOf } from './service-memberships.ts';
import { type OrganisationPerson, peopleOfOrganisation } from './service-people.ts';
import {
  checkGroup,
  decodeCursor,
  encodeCursor,
  findOrganisation,
  jsonb,
  mapConstraintError,
  type Organisation,
  type OrganisationSummary,
  summaryColumns,
  textArray,
} from './service-rows.ts';
import { searchCondition, withSearchSettings } from './service-search.ts';

export const listOrganisationsInput = z
  .object({
    kind: z.enum(organisationKinds, { message: 'invalid_kind' }).optional(),
    country: countryCode.optional(),
    section: uuid.optional(),
    q: z.string().trim().max(200, { message: 'too_long' }).optional(),
    cursor: z.string().max(1000, { message: 'too_long' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    includeArchived: z.boolean().default(false),
  })
  .strict();
export type ListOrganisationsInput = z.input<typeof listOrganisationsInput>;

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Organisations by name, filtered, one keyset page at a time (stable under concurrent inserts). */
export const listOrganisations = defineUseCase({
  name: 'directory.listOrganisations',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: listOrganisationsInput,
  run: async ({ ctx, input: f }): Promise<Page<OrganisationSummary>> => {
    const where: SQL[] = [];
    if (!(f.includeArchived && mayIncludeArchived(ctx.actor))) where.push(sql`o.archived_at IS NULL`);
    if (f.kind) where.push(sql`o.kind = ${f.kind}`);
    if (f.country) where.push(sql`o.country = ${f.country}`);
    if (f.section) where.push(activeMembershipSql(sql`o.id`, sql`${f.section}::uuid`));
    if (f.q) {
      const cond = searchCondition(f.q);
      if (cond) where.push(cond);
    }
    if (f.cursor) {
      const [name, id] = decodeCursor(f.cursor, 2);
      if (!uuid.safeParse(id).success) throw invalidField('cursor', 'invalid', 'invalid cursor');
      where.push(sql`(o.name, o.id) > (${String(name)}, ${String(id)}::uuid)`);
    }
    const run = async (db: DbOrTx) =>
      db.execute<OrganisationSummary>(sql`
      SELECT ${summaryColumns} FROM organisations o
      ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
      ORDER BY o.name, o.id LIMIT ${f.limit + 1}`);
    // Trigram thresholds are per transaction so that they never leak into other requests.
    const r = f.q
      ? await inTransaction(ctx.db, async (tx) => {
          await withSearchSettings(tx);
          return run(tx);
        })
      : await run(ctx.db);
    const rows = r.rows;
    const more = rows.length > f.limit;
    const items = more ? rows.slice(0, f.limit) : rows;
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor([last.name, last.id]) : null };
  },
});

/** The organisation or `not_found`; archived ones only for staff. */
export async function loadOrganisation(
  ctx: Ctx,
  db: DbOrTx,
  id: string,
  lock = false,
): Promise<Organisation> {
  const o = await findOrganisation(db, id, lock);
  if (!o || (o.archivedAt && !mayIncludeArchived(ctx.actor))) throw notFound('organisation');
  return o;
}

function defaultName(names: Record<string, string>, name?: string | null): string {
  return name || names.en || names.fr || names.es || Object.values(names)[0] || '';
}

/** The parent must exist and must not be the organisation itself or one of its descendants. */
async function checkParent(db: DbOrTx, id: string | null, parentId: string): Promise<void> {
  if (id && parentId === id) throw invalidField('parentId', 'cycle');
  const parent = await findOrganisation(db, parentId);
  if (!parent) throw invalidField('parentId', 'unknown_parent', 'unknown parent');
  if (!id) return;
  const r = await db.execute(sql`
    WITH RECURSIVE up(id, depth) AS (
      SELECT parent_id, 1 FROM organisations WHERE id = ${parentId}
      UNION ALL SELECT o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id
      WHERE up.depth < 100)
    SELECT 1 FROM up WHERE id = ${id} LIMIT 1`);
  if (r.rows.length > 0) throw invalidField('parentId', 'cycle');
}

export const createOrganisation = defineUseCase({
  name: 'directory.createOrganisation',
  kind: 'write',
  audit: 'directory_organisation',
  allow: checkWrite,
  input: createOrganisationInput,
  run: async (uc): Promise<Organisation> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    // Staff create anything; a Section coordinator creates organisations into their own Section.
    if (!isStaff(ctx.actor) && !(v.sectionId && coordinatedSections(ctx.actor).includes(v.sectionId))) {
      throw new AppError('forbidden');
    }
    if (v.parentId) await checkParent(tx, null, v.parentId);
    if (v.sectionId) await checkGroup(tx, v.sectionId);
    const name = defaultName(v.names, v.name);
    let id: string;
    try {
      const r = await tx.execute<{ id: string }>(sql`
        INSERT INTO organisations (kind, names, name, acronym, alt_names, country, parent_id, population, lat, lon,
          geonames_id, wikidata_id, website, description, created_at, updated_at)
        VALUES (${v.kind}, ${jsonb(v.names)}, ${name}, ${v.acronym ?? null}, ${textArray(v.altNames ?? [])},
          ${v.country ?? null}, ${v.parentId ?? null}, ${v.population ?? null}, ${v.lat ?? null}, ${v.lon ?? null},
          ${v.geonamesId ?? null}, ${v.wikidataId ?? null}, ${v.website ?? null}, ${jsonb(v.description)},
          ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
        RETURNING id`);
      id = r.rows[0].id;
    } catch (err) {
      mapConstraintError(err);
    }
    const created = (await findOrganisation(tx, id))!;
    await uc.audit({ action: 'create', entityId: id, after: created });
    if (v.sectionId) {
      await tx.execute(sql`INSERT INTO memberships (member_id, group_id, status, since, created_at, updated_at)
        VALUES (${id}, ${v.sectionId}, 'active', ${ctx.now.toISOString().slice(0, 10)}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})`);
      await uc.audit({
        action: 'create',
        entity: 'directory_membership',
        entityId: id,
        after: { memberId: id, groupId: v.sectionId, status: 'active' },
      });
    }
    return created;
  },
});

const columnOf: Record<string, string> = {
  kind: 'kind',
  name: 'name',
  acronym: 'acronym',
  country: 'country',
  parentId: 'parent_id',
  population: 'population',
  lat: 'lat',
  lon: 'lon',
  geonamesId: 'geonames_id',
  wikidataId: 'wikidata_id',
  website: 'website',
};

/** Change an organisation. Fails with `conflict` when it changed since `updatedAt`. */
export const updateOrganisation = defineUseCase({
  name: 'directory.updateOrganisation',
  kind: 'write',
  audit: 'directory_organisation',
  allow: checkWrite,
  input: updateOrganisationInput,
  run: async (uc): Promise<Organisation> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    await requireManageOrganisation(tx, ctx, v.id);
    const before = await loadOrganisation(ctx, tx, v.id, true);
    const seen = new Date(v.updatedAt).toISOString();
    if (seen !== before.updatedAt) throw new AppError('conflict', { updatedAt: before.updatedAt });
    // Only staff change what an organisation is or where it sits in the tree.
    if (!isStaff(ctx.actor) && v.kind !== undefined && v.kind !== before.kind)
      throw new AppError('forbidden');
    if (v.parentId) await checkParent(tx, v.id, v.parentId);
    const sets: SQL[] = [];
    for (const [key, col] of Object.entries(columnOf)) {
      const val = (v as Record<string, unknown>)[key];
      if (val !== undefined) sets.push(sql`${sql.identifier(col)} = ${val ?? null}`);
    }
    if (v.names !== undefined) {
      if (Object.keys(v.names).length === 0) throw invalidField('names', 'required');
      sets.push(sql`names = ${jsonb(v.names)}`);
      if (v.name === undefined) sets.push(sql`name = ${defaultName(v.names, null)}`);
    }
    if (v.altNames !== undefined) sets.push(sql`alt_names = ${textArray(v.altNames ?? [])}`);
    if (v.description !== undefined) sets.push(sql`description = ${jsonb(v.description)}`);
    // Strictly later than before, so that two saves within one millisecond still differ.
    sets.push(
      sql`updated_at = greatest(${ctx.now.toISOString()}::timestamptz, updated_at + interval '1 millisecond')`,
    );
    try {
      await tx.execute(sql`UPDATE organisations SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    } catch (err) {
      mapConstraintError(err);
    }
    const after = (await findOrganisation(tx, v.id))!;
    await uc.audit({ action: 'update', entityId: v.id, before, after });
    return after;
  },
});

/** Archive (never delete: memberships, talks and the ledger keep pointing at it). */
export const archiveOrganisation = defineUseCase({
  name: 'directory.archiveOrganisation',
  kind: 'write',
  audit: 'directory_organisation',
  allow: checkWrite,
  input: z.object({ id: uuid, restore: z.boolean().optional() }).strict(),
  run: async (uc): Promise<Organisation> => {
    const { ctx, input } = uc;
    const { id } = input;
    const tx = ctx.db;
    const actor = checkWrite(ctx);
    const before = await findOrganisation(tx, id, true);
    if (!before) throw notFound('organisation');
    // Staff, or the coordinator of a Section it belongs to (a member may not archive itself).
    const coordinator =
      !isStaff(actor) &&
      coordinatedSections(actor).length > 0 &&
      !coordinatedSections(actor).includes(id) &&
      (await canManageOrganisation(tx, actor, id));
    if (!isStaff(actor) && !coordinator) throw new AppError('forbidden');
    if (!isStaff(actor) && before.archivedAt) throw notFound('organisation');
    await tx.execute(sql`UPDATE organisations SET archived_at = ${input.restore ? null : ctx.now.toISOString()},
      updated_at = greatest(${ctx.now.toISOString()}::timestamptz, updated_at + interval '1 millisecond') WHERE id = ${id}`);
    const after = (await findOrganisation(tx, id))!;
    await uc.audit({
      action: input.restore ? 'restore' : 'archive',
      entityId: id,
      before: { archivedAt: before.archivedAt },
      after: { archivedAt: after.archivedAt },
    });
    return after;
  },
});

export interface OrganisationDetail {
  organisation: Organisation;
  parent: OrganisationSummary | null;
  childrenCount: number;
  /** Sections and networks this organisation belongs to. */
  memberships: Membership[];
  /** For a Section or network: how many active members it has. */
  memberCount: number;
  people: OrganisationPerson[];
  permissions: {
    edit: boolean;
    archive: boolean;
    manageMemberships: string[] | 'all';
    managePeople: boolean;
  };
}

/** An organisation with its parent, memberships and people (contacts only where allowed; audited). */
export const getOrganisation = defineUseCase({
  name: 'directory.getOrganisation',
  kind: 'read',
  public: true,
  restricted: 'directory_person_contacts',
  allow: checkRead,
  input: z.object({ id: uuid }).strict(),
  run: async (uc): Promise<OrganisationDetail> => {
    const { ctx } = uc;
    const { id } = uc.input;
    return inTransaction(ctx.db, async (tx) => {
      const organisation = await loadOrganisation(ctx, tx, id);
      // One after the other: they share the transaction's connection.
      const parent = organisation.parentId
        ? await tx.execute<OrganisationSummary>(
            sql`SELECT ${summaryColumns} FROM organisations o WHERE o.id = ${organisation.parentId}`,
          )
        : { rows: [] as OrganisationSummary[] };
      const counts = await tx.execute<{ children: number; members: number }>(sql`SELECT
        (SELECT count(*)::int FROM organisations WHERE parent_id = ${id} AND archived_at IS NULL) AS children,
        (SELECT count(*)::int FROM memberships m WHERE m.group_id = ${id} AND ${activeMembershipRow('m')}) AS members`);
      const memberships = await membershipsOf(ctx, tx, id);
      const people = await peopleOfOrganisation(uc, tx, id);
      const manage = await canManageOrganisation(tx, ctx.actor, id);
      const staff = isStaff(ctx.actor);
      const coordinated = coordinatedSections(ctx.actor);
      return {
        organisation,
        parent: parent.rows[0] ?? null,
        childrenCount: counts.rows[0].children,
        memberCount: counts.rows[0].members,
        memberships,
        people,
        permissions: {
          edit: manage,
          archive: staff || (manage && coordinated.length > 0 && !coordinated.includes(id)),
          manageMemberships: staff ? 'all' : coordinated,
          managePeople: manage,
        },
      };
    });
  },
});

/** Sections (and networks) with their number of active members. */
export const listSections = defineUseCase({
  name: 'directory.listSections',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({}).strict(),
  run: async ({ ctx }): Promise<(OrganisationSummary & { memberCount: number })[]> => {
    const r = await ctx.db.execute<OrganisationSummary & { memberCount: number }>(sql`
    SELECT ${summaryColumns},
      (SELECT count(*)::int FROM memberships m WHERE m.group_id = o.id AND ${activeMembershipRow('m')}) AS "memberCount"
    FROM organisations o WHERE o.kind IN ('section', 'network') AND o.archived_at IS NULL
    ORDER BY o.kind DESC, o.name, o.id`);
    return r.rows;
  },
});

/** Sections and networks without their member counts: for filters and forms, where counting is wasted work. */
export const listGroups = defineUseCase({
  name: 'directory.listGroups',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({}).strict(),
  run: async ({ ctx }): Promise<OrganisationSummary[]> => {
    const r = await ctx.db.execute<OrganisationSummary>(sql`
    SELECT ${summaryColumns} FROM organisations o
    WHERE o.kind IN ('section', 'network') AND o.archived_at IS NULL
    ORDER BY o.kind DESC, o.name, o.id`);
    return r.rows;
  },
});
