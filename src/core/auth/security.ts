import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import { inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { hasRole, requireActor } from '../policy/policy.ts';
import { checkTotpCode, rolesRequiringMfa } from './mfa.ts';
import { loginLimits } from './rate-limit.ts';
import { API_TOKEN_PREFIX, newSecret, sha256 } from './tokens.ts';
import { newTotpSecret, totpUri } from './totp.ts';
import { findUserById } from './users.ts';

type Deps = {
  config: Pick<Config, 'LOGIN_MAX_ATTEMPTS' | 'LOGIN_WINDOW_MINUTES' | 'LOGIN_ADDRESS_MAX_ATTEMPTS'>;
};
const limits = (d: Deps) => loginLimits(d.config);

/** Security settings are changed in a browser session, never with an API token. */
function requireSessionActor(ctx: Ctx) {
  const actor = requireActor(ctx);
  if (actor.tokenScopes) throw new AppError('forbidden', { reason: 'session_required' });
  return actor;
}

/**
 * Start (or restart) TOTP enrolment: a new secret is stored but not yet in force until a code
 * from the app confirms it. The audit event records that enrolment began, never the secret.
 */
export async function enrolTotp(ctx: Ctx): Promise<{ secret: string; uri: string }> {
  const actor = requireSessionActor(ctx);
  const secret = newTotpSecret();
  await inTransaction(ctx.db, async (tx) => {
    const u = await findUserById(tx, actor.userId, true);
    if (!u) throw new AppError('unauthenticated');
    if (u.totpEnabled) throw new AppError('conflict', { reason: 'totp_already_enabled' });
    await tx.execute(
      sql`UPDATE users SET totp_secret = ${secret}, updated_at = ${ctx.now.toISOString()} WHERE id = ${u.id}`,
    );
    await audit(tx, ctx, {
      action: 'totp_enrol',
      entity: 'user',
      entityId: u.id,
      after: { totpSecret: '[redacted]', totpEnabled: false },
    });
  });
  return { secret, uri: totpUri(secret, actor.email) };
}

/** The enrolment waiting for confirmation, to show again (for example after a reload). */
export async function totpEnrolment(
  ctx: Ctx,
): Promise<{ enabled: boolean; secret: string | null; uri: string | null }> {
  const actor = requireSessionActor(ctx);
  const u = await findUserById(ctx.db, actor.userId);
  if (!u) throw new AppError('unauthenticated');
  if (u.totpEnabled || !u.totpSecret) return { enabled: u.totpEnabled, secret: null, uri: null };
  return { enabled: false, secret: u.totpSecret, uri: totpUri(u.totpSecret, u.email) };
}

/** Turn TOTP on with a first code from the app; the current session counts as having passed it. */
export async function confirmTotp(
  ctx: Ctx,
  input: { code: string; sessionId: string | null },
  deps: Deps,
): Promise<void> {
  const actor = requireSessionActor(ctx);
  const ok = await inTransaction(ctx.db, async (tx) => {
    const u = await findUserById(tx, actor.userId, true);
    if (!u) throw new AppError('unauthenticated');
    if (u.totpEnabled) throw new AppError('conflict', { reason: 'totp_already_enabled' });
    if (!u.totpSecret) throw new AppError('conflict', { reason: 'totp_not_enrolled' });
    if (!(await checkTotpCode(tx, u.id, u.totpSecret, input.code, ctx.now, limits(deps)))) return false;
    await tx.execute(
      sql`UPDATE users SET totp_enabled = true, updated_at = ${ctx.now.toISOString()} WHERE id = ${u.id}`,
    );
    // Other sessions of this user now wait for a code; this one has just shown it.
    if (input.sessionId) {
      await tx.execute(
        sql`UPDATE auth_sessions SET mfa_passed = true WHERE id = ${input.sessionId} AND user_id = ${u.id}`,
      );
    }
    await audit(tx, ctx, {
      action: 'totp_enable',
      entity: 'user',
      entityId: u.id,
      before: { totpEnabled: false },
      after: { totpEnabled: true },
    });
    return true;
  });
  if (!ok) throw new AppError('invalid_mfa_code');
}

/** Turn TOTP off with a current code; refused while one of the user's roles requires it. */
export async function disableTotp(ctx: Ctx, input: { code: string }, deps: Deps): Promise<void> {
  const actor = requireSessionActor(ctx);
  const required = await rolesRequiringMfa(ctx.db);
  if (actor.roles.some((g) => required.includes(g.role))) {
    throw new AppError('forbidden', { reason: 'mfa_required_for_role' });
  }
  const ok = await inTransaction(ctx.db, async (tx) => {
    const u = await findUserById(tx, actor.userId, true);
    if (!u) throw new AppError('unauthenticated');
    if (!u.totpEnabled || !u.totpSecret) {
      // An unconfirmed enrolment is simply dropped.
      await tx.execute(sql`UPDATE users SET totp_secret = NULL WHERE id = ${u.id}`);
      return true;
    }
    if (!(await checkTotpCode(tx, u.id, u.totpSecret, input.code, ctx.now, limits(deps)))) return false;
    await tx.execute(
      sql`UPDATE users SET totp_enabled = false, totp_secret = NULL, updated_at = ${ctx.now.toISOString()} WHERE id = ${u.id}`,
    );
    await audit(tx, ctx, {
      action: 'totp_disable',
      entity: 'user',
      entityId: u.id,
      before: { totpEnabled: true, totpSecret: '[redacted]' },
      after: { totpEnabled: false },
    });
    return true;
  });
  if (!ok) throw new AppError('invalid_mfa_code');
}

export const tokenScopes = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export interface ApiTokenInfo {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** A new API token. The secret is returned this once; only its sha256 is stored. */
export async function createApiToken(
  ctx: Ctx,
  input: { name: string; scopes: string[]; expiresAt?: Date | null },
): Promise<ApiTokenInfo & { token: string }> {
  const actor = requireSessionActor(ctx);
  const name = input.name.trim();
  if (!name || name.length > 100) {
    throw new AppError('validation_failed', [
      { path: 'name', code: 'required', message: 'required, at most 100 characters' },
    ]);
  }
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || !scopes.every((s) => (tokenScopes as readonly string[]).includes(s))) {
    throw new AppError('validation_failed', [
      { path: 'scopes', code: 'invalid_scopes', message: 'read, write or admin' },
    ]);
  }
  // A token can do no more than its owner: the admin scope is for network staff only.
  if (scopes.includes('admin') && !hasRole(actor, 'admin') && !hasRole(actor, 'secretariat')) {
    throw new AppError('forbidden', { reason: 'admin_scope_needs_admin' });
  }
  if (input.expiresAt && input.expiresAt <= ctx.now) {
    throw new AppError('validation_failed', [
      { path: 'expiresAt', code: 'in_the_past', message: 'must be in the future' },
    ]);
  }
  const token = `${API_TOKEN_PREFIX}${newSecret(32)}`;
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<{ id: string; created_at: Date }>(sql`
      INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at)
      VALUES (${actor.userId}, ${name}, ${sha256(token)}, ${`{${scopes.join(',')}}`}::text[], ${ctx.now.toISOString()},
        ${input.expiresAt?.toISOString() ?? null})
      RETURNING id, created_at`);
    const id = r.rows[0].id;
    await audit(tx, ctx, {
      action: 'create',
      entity: 'api_token',
      entityId: id,
      after: { userId: actor.userId, name, scopes },
    });
    return {
      id,
      name,
      scopes: scopes as TokenScope[],
      token,
      createdAt: new Date(r.rows[0].created_at).toISOString(),
      expiresAt: input.expiresAt?.toISOString() ?? null,
      lastUsedAt: null,
    };
  });
}

export async function listApiTokens(ctx: Ctx): Promise<ApiTokenInfo[]> {
  const actor = requireActor(ctx);
  const r = await ctx.db.execute<{
    id: string;
    name: string;
    scopes: TokenScope[];
    created_at: Date;
    expires_at: Date | null;
    last_used_at: Date | null;
  }>(sql`
    SELECT id, name, scopes, created_at, expires_at, last_used_at FROM api_tokens
    WHERE user_id = ${actor.userId} AND revoked_at IS NULL ORDER BY created_at DESC, id`);
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return r.rows.map((x) => ({
    id: x.id,
    name: x.name,
    scopes: x.scopes,
    createdAt: new Date(x.created_at).toISOString(),
    expiresAt: iso(x.expires_at),
    lastUsedAt: iso(x.last_used_at),
  }));
}

/** Revoke one of the user's own tokens (a token may revoke itself, e.g. when leaked). */
export async function revokeApiToken(ctx: Ctx, input: { id: string }): Promise<void> {
  const actor = requireActor(ctx);
  await inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<{ id: string; name: string }>(sql`
      UPDATE api_tokens SET revoked_at = ${ctx.now.toISOString()}
      WHERE id::text = ${input.id} AND user_id = ${actor.userId} AND revoked_at IS NULL RETURNING id, name`);
    if (!r.rows[0]) throw new AppError('not_found', { resource: 'api_token' });
    await audit(tx, ctx, {
      action: 'revoke',
      entity: 'api_token',
      entityId: r.rows[0].id,
      after: { revoked: true },
    });
  });
}
