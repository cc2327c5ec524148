import { sql } from 'drizzle-orm';
import type { Actor, RoleGrant } from '../context.ts';
import type { DbOrTx } from '../db/tx.ts';
import type { Role } from '../policy/roles.ts';
import { API_TOKEN_PREFIX, sha256 } from './tokens.ts';

export interface ResolvedSession {
  actor: Actor;
  sessionId: string;
  locale: string | null;
  mfaPending: boolean;
}

async function rolesOf(db: DbOrTx, userId: string): Promise<RoleGrant[]> {
  const r = await db.execute<{ role: Role; scope_org_id: string | null }>(
    sql`SELECT role, scope_org_id FROM user_roles WHERE user_id = ${userId} ORDER BY role`,
  );
  return r.rows.map((x) => ({ role: x.role, scopeOrgId: x.scope_org_id }));
}

/** The signed-in user of a session cookie, or null when the cookie is unknown or expired. */
export async function resolveSession(
  db: DbOrTx,
  cookieValue: string,
  now: Date,
): Promise<ResolvedSession | null> {
  const id = sha256(cookieValue);
  const r = await db.execute<{
    user_id: string;
    email: string;
    name: string;
    locale: string | null;
    mfa_passed: boolean;
    totp_enabled: boolean;
  }>(sql`
    SELECT s.user_id, u.email, u.name, u.locale, s.mfa_passed, u.totp_enabled
    FROM auth_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ${id} AND s.expires_at > ${now.toISOString()} AND u.status = 'active'`);
  const row = r.rows[0];
  if (!row) return null;
  // A session whose second factor is still to be entered acts as nobody.
  const mfaPending = row.totp_enabled && !row.mfa_passed;
  return {
    sessionId: id,
    locale: row.locale,
    mfaPending,
    actor: {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      roles: await rolesOf(db, row.user_id),
      mfa: row.mfa_passed,
    },
  };
}

/** The user behind an `Authorization: Bearer pt_…` token, limited to the token's scopes. */
export async function resolveApiToken(db: DbOrTx, token: string, now: Date): Promise<Actor | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const r = await db.execute<{
    id: string;
    user_id: string;
    email: string;
    name: string;
    scopes: string[];
  }>(sql`
    SELECT t.id, t.user_id, u.email, u.name, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${sha256(token)} AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now.toISOString()})
      AND u.status = 'active'`);
  const row = r.rows[0];
  if (!row) return null;
  await db.execute(
    sql`UPDATE api_tokens SET last_used_at = ${now.toISOString()} WHERE id = ${row.id} AND (last_used_at IS NULL OR last_used_at < ${now.toISOString()}::timestamptz - interval '1 minute')`,
  );
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    roles: await rolesOf(db, row.user_id),
    mfa: false,
    tokenScopes: row.scopes,
  };
}

/** The actor of a user id, for work done later on their behalf (jobs). Null when the user is gone or disabled. */
export async function loadActor(db: DbOrTx, userId: string): Promise<Actor | null> {
  const r = await db.execute<{ email: string; name: string }>(
    sql`SELECT email, name FROM users WHERE id = ${userId} AND status = 'active'`,
  );
  const row = r.rows[0];
  if (!row) return null;
  return { userId, email: row.email, name: row.name, roles: await rolesOf(db, userId), mfa: false };
}
