import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/tx.ts';
import { AppError } from '../errors.ts';

/**
 * Failed sign-ins are counted in PostgreSQL (`login_attempts`), so that every app instance sees
 * the same count. Keys: `email:<address>`, `ip:<address>`, `mfa:<user id>`.
 */
export interface Limits {
  max: number;
  windowMinutes: number;
}

export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const mfaKey = (userId: string) => `mfa:${userId}`;

// Serialises the attempts on one key across instances, so N parallel guesses cannot all pass the check.
const LOCK_NAMESPACE = 7_320_041;

export async function lockKey(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`);
}

/** Failures on a key within the window, since its last success (a success forgives earlier typos). */
async function failures(db: DbOrTx, key: string, now: Date, limits: Limits): Promise<number> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000).toISOString();
  const r = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM login_attempts
    WHERE key = ${key} AND success = false AND at > ${since}
      AND at > coalesce((SELECT max(at) FROM login_attempts WHERE key = ${key} AND success AND at > ${since}), '-infinity')`);
  return r.rows[0].n;
}

/** Throw `rate_limited` when any of the keys has used up its failures. */
export async function assertNotLimited(db: DbOrTx, keys: string[], now: Date, limits: Limits): Promise<void> {
  for (const key of keys) {
    if ((await failures(db, key, now, limits)) >= limits.max) {
      throw new AppError('rate_limited', { retryAfterMinutes: limits.windowMinutes });
    }
  }
}

export async function recordAttempt(db: DbOrTx, keys: string[], success: boolean, now: Date): Promise<void> {
  for (const key of keys) {
    await db.execute(
      sql`INSERT INTO login_attempts (key, at, success) VALUES (${key}, ${now.toISOString()}, ${success})`,
    );
  }
  // Old rows serve no purpose; prune a day's worth behind, cheaply, on the keys we touched.
  const old = new Date(now.getTime() - 24 * 3600_000).toISOString();
  await db.execute(sql`DELETE FROM login_attempts WHERE key IN ${keys} AND at < ${old}`);
}
