import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Ctx } from '../context.ts';
import { inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { requireRole, requireScope } from '../policy/policy.ts';
import { allRoles, type Role } from '../policy/roles.ts';
import { checkRoleGrant, findUserById, insertRoles, isUuid } from './users.ts';

/** Give a user a role, network-wide or for one organisation. Admins only. */
export async function grantRole(
  ctx: Ctx,
  input: { userId: string; role: string; scopeOrgId?: string | null },
): Promise<{ id: string }> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  const grant = checkRoleGrant(input);
  return inTransaction(ctx.db, async (tx) => {
    if (!(await findUserById(tx, input.userId))) throw new AppError('not_found', { resource: 'user' });
    const existing = await tx.execute<{ id: string }>(sql`
      SELECT id FROM user_roles WHERE user_id = ${input.userId} AND role = ${grant.role}
        AND scope_org_id IS NOT DISTINCT FROM ${grant.scopeOrgId}::uuid`);
    if (existing.rows[0]) throw new AppError('already_exists', { resource: 'user_role' });
    await insertRoles(tx, ctx, input.userId, [grant]);
    const r = await tx.execute<{ id: string }>(sql`
      SELECT id FROM user_roles WHERE user_id = ${input.userId} AND role = ${grant.role}
        AND scope_org_id IS NOT DISTINCT FROM ${grant.scopeOrgId}::uuid`);
    return { id: r.rows[0].id };
  });
}

/** Take a role back. The last network-wide admin cannot be removed, or nobody could administer. */
export async function revokeRole(ctx: Ctx, input: { userId: string; roleId: string }): Promise<void> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  if (!isUuid(input.roleId) || !isUuid(input.userId))
    throw new AppError('not_found', { resource: 'user_role' });
  await inTransaction(ctx.db, async (tx) => {
    // Serialise revocations so that two admins removing each other cannot leave none.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7320051)`);
    const r = await tx.execute<{ id: string; role: Role; scope_org_id: string | null }>(sql`
      SELECT id, role, scope_org_id FROM user_roles WHERE id = ${input.roleId} AND user_id = ${input.userId}`);
    const row = r.rows[0];
    if (!row) throw new AppError('not_found', { resource: 'user_role' });
    if (row.role === 'admin' && row.scope_org_id === null) {
      const others = await tx.execute<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM user_roles ur JOIN users u ON u.id = ur.user_id
        WHERE ur.role = 'admin' AND ur.scope_org_id IS NULL AND u.status = 'active' AND ur.id <> ${row.id}`);
      if (others.rows[0].n === 0) throw new AppError('conflict', { reason: 'last_admin' });
    }
    await tx.execute(sql`DELETE FROM user_roles WHERE id = ${row.id}`);
    await audit(tx, ctx, {
      action: 'revoke',
      entity: 'user_role',
      entityId: row.id,
      before: { userId: input.userId, role: row.role, scopeOrgId: row.scope_org_id },
    });
  });
}

/** Require (or stop requiring) a second factor from everyone holding a role. Admins only. */
export async function setRoleMfaRequirement(
  ctx: Ctx,
  input: { role: string; required: boolean },
): Promise<void> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  if (!(allRoles() as readonly string[]).includes(input.role)) {
    throw new AppError('validation_failed', [
      { path: 'role', code: 'invalid_role', message: 'unknown role' },
    ]);
  }
  await inTransaction(ctx.db, async (tx) => {
    const before = await tx.execute<{ required: boolean }>(
      sql`SELECT required FROM role_mfa_policy WHERE role = ${input.role} FOR UPDATE`,
    );
    const was = before.rows[0]?.required ?? false;
    if (was === input.required) return;
    await tx.execute(sql`
      INSERT INTO role_mfa_policy (role, required) VALUES (${input.role}, ${input.required})
      ON CONFLICT (role) DO UPDATE SET required = excluded.required`);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'role_mfa_policy',
      entityId: input.role,
      before: { required: was },
      after: { required: input.required },
    });
  });
}
