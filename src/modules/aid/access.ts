import type { Actor, Ctx } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { hasAnyRole, isStaff, requireActor, requireScope, scopedOrgIds } from '../../core/policy/policy.ts';
import { organisationRef } from '../directory/index.ts';

/**
 * Who may do what in the aid centre. The centre (aid coordinators and network staff) verifies,
 * allocates and ships; a community's members post its needs, offer goods and confirm what
 * arrived; treasurers offer the Solidarity Fund's money.
 */

export const isCentre = (actor: Actor | null) => isStaff(actor) || hasAnyRole(actor, ['aid_coordinator']);
/** Organisations the actor acts for as a member (or member-like scoped role). */
export const memberOrgs = (actor: Actor | null) => scopedOrgIds(actor, ['member', 'section_coordinator']);
export const actsFor = (actor: Actor | null, orgId: string) => memberOrgs(actor).includes(orgId);
export const today = (ctx: Pick<Ctx, 'now'>) => ctx.now.toISOString().slice(0, 10);

export function checkRead(ctx: Ctx): void {
  requireScope(ctx, 'read');
}

export function checkWrite(ctx: Ctx): Actor {
  const actor = requireActor(ctx);
  requireScope(ctx, 'write');
  return actor;
}

export function requireCentre(ctx: Ctx): Actor {
  const actor = checkWrite(ctx);
  if (!isCentre(actor)) throw new AppError('forbidden', { needed: ['aid_coordinator'] });
  return actor;
}

/** The centre, or someone acting for the organisation. */
export function requireCentreOrMember(ctx: Ctx, orgId: string): Actor {
  const actor = checkWrite(ctx);
  if (!isCentre(actor) && !actsFor(actor, orgId))
    throw new AppError('forbidden', { needed: ['aid_coordinator', 'member'] });
  return actor;
}

/** Shipments say what moves where and when: signed-in readers only. */
export function requireSignedIn(ctx: Ctx): Actor {
  const actor = requireActor(ctx);
  requireScope(ctx, 'read');
  return actor;
}

/** The organisation exists and is not archived; its public coordinates. */
export async function organisationPlace(
  db: DbOrTx,
  orgId: string,
  field: string,
): Promise<{ id: string; name: string; lat: number | null; lon: number | null; country: string | null }> {
  const org = await organisationRef(db, orgId);
  if (!org || org.archived) throw new AppError('unknown_reference', { field });
  return { id: org.id, name: org.name, lat: org.lat, lon: org.lon, country: org.country };
}
