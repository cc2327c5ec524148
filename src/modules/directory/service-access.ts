import { type SQL, sql } from 'drizzle-orm';
import type { Actor, Ctx } from '../../core/context.ts';
import { sqlTexts, sqlUuids } from '../../core/db/sql-arrays.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import {
  isStaff,
  readableLevels,
  requireActor,
  requireScope,
  scopedOrgIds,
} from '../../core/policy/policy.ts';
import { activeMembershipRow } from './read-api.ts';

/**
 * Who may do what in the directory. Every use case calls one of these before it reads or
 * writes; the contact-visibility condition is put into the SQL of every query that returns
 * contact details, so nothing depends on a template remembering to hide them.
 */

/** Reads are open to everyone (public directory data); API tokens need the `read` scope. */
export function checkRead(ctx: Ctx): void {
  requireScope(ctx, 'read');
}

/** Every change needs a signed-in actor and, for API tokens, the `write` scope. */
export function checkWrite(ctx: Ctx): Actor {
  const actor = requireActor(ctx);
  requireScope(ctx, 'write');
  return actor;
}

/** Sections (or networks) the actor coordinates. */
export const coordinatedSections = (actor: Actor | null) => scopedOrgIds(actor, ['section_coordinator']);
/** Organisations the actor acts for as a member. */
export const memberOrgs = (actor: Actor | null) => scopedOrgIds(actor, ['member']);

export const today = (ctx: Ctx) => ctx.now.toISOString().slice(0, 10);

/**
 * May the actor manage (edit, add people to) this organisation? Staff: any. A member: only the
 * organisation of their role. A Section coordinator: the Section itself and its active members.
 */
export async function canManageOrganisation(
  db: DbOrTx,
  actor: Actor | null,
  orgId: string,
): Promise<boolean> {
  if (!actor) return false;
  if (isStaff(actor)) return true;
  if (memberOrgs(actor).includes(orgId)) return true;
  const sections = coordinatedSections(actor);
  if (sections.length === 0) return false;
  if (sections.includes(orgId)) return true;
  const r = await db.execute(sql`
    SELECT 1 FROM memberships m WHERE m.member_id = ${orgId} AND ${activeMembershipRow('m')}
      AND m.group_id = ANY(${sqlUuids(sections)}) LIMIT 1`);
  return r.rows.length > 0;
}

export async function requireManageOrganisation(db: DbOrTx, ctx: Ctx, orgId: string): Promise<Actor> {
  const actor = checkWrite(ctx);
  if (!(await canManageOrganisation(db, actor, orgId))) throw new AppError('forbidden');
  return actor;
}

/** Memberships of a Section are managed by staff and by that Section's coordinators. */
export function requireManageGroup(ctx: Ctx, groupId: string): Actor {
  const actor = checkWrite(ctx);
  if (isStaff(actor) || coordinatedSections(actor).includes(groupId)) return actor;
  throw new AppError('forbidden');
}

/** A person is managed through the organisations where they hold a current role. */
export async function canManagePerson(db: DbOrTx, ctx: Ctx, personId: string): Promise<boolean> {
  const actor = ctx.actor;
  if (!actor) return false;
  if (isStaff(actor)) return true;
  const r = await db.execute<{ organisation_id: string }>(sql`
    SELECT DISTINCT organisation_id FROM person_roles
    WHERE person_id = ${personId} AND (until IS NULL OR until >= ${today(ctx)}::date)`);
  for (const row of r.rows) if (await canManageOrganisation(db, actor, row.organisation_id)) return true;
  return false;
}

export async function requireManagePerson(db: DbOrTx, ctx: Ctx, personId: string): Promise<Actor> {
  const actor = checkWrite(ctx);
  if (!(await canManagePerson(db, ctx, personId))) throw new AppError('forbidden');
  return actor;
}

/** Archived records are shown to network staff only. */
export const mayIncludeArchived = (actor: Actor | null) => isStaff(actor);

/** A uuid[] parameter (drizzle would expand a JS array into a row). */
export { sqlUuids };

/**
 * The SQL condition under which the actor may see a contact row `c` (of `person_contacts`):
 * its level is readable by the actor (staff read everything), or it is restricted and the actor
 * is a member scoped to an organisation where the person currently holds a role.
 */
export function contactVisibleSql(ctx: Ctx, c = sql.raw('c')): SQL {
  const levels = readableLevels(ctx.actor);
  const orgs = memberOrgs(ctx.actor);
  const byLevel = sql`${c}.confidentiality = ANY(${sqlTexts(levels)})`;
  if (orgs.length === 0 || levels.includes('restricted')) return byLevel;
  return sql`(${byLevel} OR (${c}.confidentiality = 'restricted' AND EXISTS (
    SELECT 1 FROM person_roles vr WHERE vr.person_id = ${c}.person_id
      AND vr.organisation_id = ANY(${sqlUuids(orgs)})
      AND (vr.since IS NULL OR vr.since <= ${today(ctx)}::date)
      AND (vr.until IS NULL OR vr.until >= ${today(ctx)}::date))))`;
}
