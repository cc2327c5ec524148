import { sql } from 'drizzle-orm';
import type { Actor, Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError } from '../../../core/errors.ts';
import { isStaff, requireActor, requireScope, scopedOrgIds } from '../../../core/policy/policy.ts';
import { existingOrganisationIds, personExists } from '../../directory/index.ts';

/**
 * Who may do what with recommendations and actions. Staff (admin, secretariat) create and edit
 * them; members of an action's responsible organisation (any role scoped to it) report its
 * progress; reading follows the session's content visibility (sessions/visibility.ts), applied
 * in the SQL of every read.
 */

/** Staff with a write-capable token or session, else `forbidden`/`unauthenticated`. */
export function requireEditor(ctx: Ctx): Actor {
  const actor = requireActor(ctx);
  if (!isStaff(actor)) throw new AppError('forbidden', { needed: ['admin', 'secretariat'] });
  requireScope(ctx, 'write');
  return actor;
}

/** The actor reports progress for this responsible organisation (or is staff). */
export function canReport(actor: Actor | null, responsibleOrgId: string | null): boolean {
  if (!actor) return false;
  if (isStaff(actor)) return true;
  return !!responsibleOrgId && scopedOrgIds(actor).includes(responsibleOrgId);
}

/** Every one of `ids` names an organisation of the directory that is not archived, else `unknown_reference`. */
export async function assertOrganisations(db: DbOrTx, ids: string[], field: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await existingOrganisationIds(db, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) throw new AppError('unknown_reference', { field, ids: missing });
}

export async function assertPerson(db: DbOrTx, id: string | null | undefined, field: string): Promise<void> {
  if (!id) return;
  if (!(await personExists(db, id))) throw new AppError('unknown_reference', { field, ids: [id] });
}

export async function assertSession(db: DbOrTx, id: string | null | undefined, field: string): Promise<void> {
  if (!id) return;
  const r = await db.execute(sql`SELECT 1 FROM talks_sessions WHERE id = ${id}`);
  if (r.rows.length === 0) throw new AppError('unknown_reference', { field, ids: [id] });
}

/** A uuid[] parameter. */
export const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
/** A text[] parameter (values are our own enums or checked strings). */
export const textArray = (values: string[]) =>
  sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::text[]`;
export const jsonb = (value: unknown) =>
  value === null || value === undefined ? sql`NULL` : sql`${JSON.stringify(value)}::jsonb`;
