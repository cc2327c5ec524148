import { sql } from 'drizzle-orm';
import type { Actor, Ctx } from '../../../core/context.ts';
import { sqlTexts } from '../../../core/db/sql-arrays.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError } from '../../../core/errors.ts';
import { isStaff, requireActor, requireScope, scopedOrgIds } from '../../../core/policy/policy.ts';

/**
 * Who may do what with sessions. Staff (admin, secretariat) run sessions: everything. Partners
 * and speakers write their own contributions: a user holding a role scoped to organisation X
 * adds and edits contributions for X when X takes part as host, partner or speaker, until the
 * session is published. Any signed-in user registers for a session whose registration is open.
 */

/** Reads: open to everyone; API tokens need the `read` scope. */
export function checkRead(ctx: Ctx): void {
  requireScope(ctx, 'read');
}

/** Every change needs a signed-in actor and, for API tokens, the `write` scope. */
export function checkWrite(ctx: Ctx): Actor {
  const actor = requireActor(ctx);
  requireScope(ctx, 'write');
  return actor;
}

/** Running sessions (create, edit, status, participants, agenda, check-in) is staff work. */
export function requireStaff(ctx: Ctx): Actor {
  const actor = checkWrite(ctx);
  if (!isStaff(actor)) throw new AppError('forbidden', { needed: ['secretariat', 'admin'] });
  return actor;
}

/** The participant roles whose organisation writes its own contributions. */
const CONTRIBUTING_ROLES = ['host', 'partner', 'speaker'] as const;

/** The organisations for which the actor may write contributions in a session (staff: any, so []). */
export async function contributingOrgs(
  db: DbOrTx,
  actor: Actor | null,
  sessionId: string,
): Promise<string[]> {
  const mine = [...new Set(scopedOrgIds(actor))];
  if (mine.length === 0) return [];
  const r = await db.execute<{ organisation_id: string }>(sql`
    SELECT DISTINCT organisation_id FROM talks_participants
    WHERE session_id = ${sessionId} AND role = ANY(${sqlTexts(CONTRIBUTING_ROLES)})
      AND organisation_id = ANY(${`{${mine.join(',')}}`}::uuid[])`);
  return r.rows.map((x) => x.organisation_id);
}

/**
 * Throw `forbidden` unless the actor may write a contribution for `organisationId` in a session
 * of `status`. Staff may always; others only for their own taking-part organisation, and not
 * once the session is published (the public record is then fixed; staff unpublish to change it).
 */
export async function requireContributor(
  db: DbOrTx,
  ctx: Ctx,
  session: { id: string; status: string },
  organisationId: string | null | undefined,
): Promise<Actor> {
  const actor = checkWrite(ctx);
  if (isStaff(actor)) return actor;
  if (!organisationId) throw new AppError('forbidden', { reason: 'organisation_required' });
  const orgs = await contributingOrgs(db, actor, session.id);
  if (!orgs.includes(organisationId)) throw new AppError('forbidden', { reason: 'not_a_contributor' });
  if (session.status === 'published') throw new AppError('forbidden', { reason: 'published' });
  return actor;
}
