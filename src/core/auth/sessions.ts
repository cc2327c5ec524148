import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { DbOrTx } from '../db/tx.ts';
import { newSecret, sha256 } from './tokens.ts';

export const DEFAULT_SESSION_TTL_HOURS = 24 * 14;

/**
 * Start a session for a user and return the cookie value. Only its sha256 is stored, so a copy
 * of the database does not hold usable sessions.
 */
export async function createSessionFor(
  db: DbOrTx,
  userId: string,
  opts: { mfaPassed?: boolean; ttlHours?: number; userAgent?: string | null; now?: Date } = {},
): Promise<string> {
  const value = newSecret(32);
  const now = opts.now ?? new Date();
  const expires = new Date(now.getTime() + (opts.ttlHours ?? DEFAULT_SESSION_TTL_HOURS) * 3600_000);
  await db.execute(sql`
    INSERT INTO auth_sessions (id, user_id, mfa_passed, created_at, expires_at, user_agent)
    VALUES (${sha256(value)}, ${userId}, ${opts.mfaPassed ?? false}, ${now.toISOString()}, ${expires.toISOString()},
      ${opts.userAgent?.slice(0, 300) ?? null})`);
  return value;
}

export async function deleteSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.execute(sql`DELETE FROM auth_sessions WHERE id = ${sessionId}`);
}

export function sessionCookieOptions(config: Pick<Config, 'COOKIE_SECURE' | 'SESSION_TTL_HOURS'>) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.COOKIE_SECURE,
    maxAge: config.SESSION_TTL_HOURS * 3600,
  };
}
