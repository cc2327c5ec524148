import type { Actor, Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Confidentiality, Role } from './roles.ts';

/** Roles that act for the whole network whatever their scope. */
const NETWORK_STAFF: Role[] = ['admin', 'secretariat'];

export function hasRole(actor: Actor | null, role: Role, scopeOrgId?: string | null): boolean {
  if (!actor) return false;
  return actor.roles.some(
    (g) =>
      g.role === role && (g.scopeOrgId === null || scopeOrgId === undefined || g.scopeOrgId === scopeOrgId),
  );
}

export function hasAnyRole(actor: Actor | null, roles: Role[]): boolean {
  return !!actor && actor.roles.some((g) => roles.includes(g.role));
}

export const isStaff = (actor: Actor | null) => hasAnyRole(actor, NETWORK_STAFF);

/** Organisations the actor acts for through a scoped role. */
export function scopedOrgIds(actor: Actor | null, roles?: Role[]): string[] {
  if (!actor) return [];
  return actor.roles
    .filter((g) => g.scopeOrgId && (!roles || roles.includes(g.role)))
    .map((g) => g.scopeOrgId!);
}

export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw new AppError('unauthenticated');
  return ctx.actor;
}

/** An API token may only do what its scopes allow (`read`, `write`, `admin`). */
export function requireScope(ctx: Ctx, scope: 'read' | 'write' | 'admin'): void {
  const scopes = ctx.actor?.tokenScopes;
  if (scopes && !scopes.includes(scope) && !(scope === 'read' && scopes.includes('write'))) {
    throw new AppError('forbidden', { reason: 'token_scope', needed: scope });
  }
}

/** Throw `forbidden` (or `unauthenticated`) unless one of the roles is held (network-wide or for the scope). */
export function requireRole(ctx: Ctx, roles: Role[], scopeOrgId?: string | null): Actor {
  const actor = requireActor(ctx);
  if (!roles.some((r) => hasRole(actor, r, scopeOrgId))) throw new AppError('forbidden', { needed: roles });
  return actor;
}

/**
 * The confidentiality levels the actor may read: `public` for everyone, `network` for any
 * signed-in user, `restricted` for network staff (and, record by record, for the roles and
 * organisations each query names).
 */
export function readableLevels(actor: Actor | null): Confidentiality[] {
  if (!actor) return ['public'];
  if (isStaff(actor)) return ['public', 'network', 'restricted'];
  return ['public', 'network'];
}
