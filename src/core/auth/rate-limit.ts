import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { DbOrTx } from '../db/tx.ts';
import { AppError } from '../errors.ts';

/**
 * Failed sign-ins are counted in PostgreSQL (`login_attempts`), so that every app instance sees
 * the same count.
 *
 * A guesser must not be able to lock someone else out. So the strict limit is on the pair of
 * an account and an address (`pair:<email>|<ip>`, `mfa:<user>|<ip>`): after `max` failures
 * the pair waits 1, 2, 4… minutes after each new failure, up to `windowMinutes`; a success
 * forgives. Wrong passwords typed for a victim from elsewhere never touch the victim's own pair.
 * An address alone (`ip:<ip>`) has a generous limit, `addressMax` failures per window, which
 * stops one machine from spraying many accounts without blocking a shared office or proxy.
 */
export interface Limits {
  max: number;
  windowMinutes: number;
  addressMax: number;
}

export const loginLimits = (
  config: Pick<Config, 'LOGIN_MAX_ATTEMPTS' | 'LOGIN_WINDOW_MINUTES' | 'LOGIN_ADDRESS_MAX_ATTEMPTS'>,
): Limits => ({
  max: config.LOGIN_MAX_ATTEMPTS,
  windowMinutes: config.LOGIN_WINDOW_MINUTES,
  addressMax: config.LOGIN_ADDRESS_MAX_ATTEMPTS,
});

export const pairKey = (email: string, ip: string) => `pair:${email.trim().toLowerCase()}|${ip}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const mfaKey = (userId: string, ip: string) => `mfa:${userId}|${ip}`;

// Serialises the attempts on one key across instances, so N parallel guesses cannot all pass the check.
const LOCK_NAMESPACE = 7_320_041;
const DAY_MS = 24 * 3600_000;

export async function lockKey(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`);
}

/** Failures on a key since `since` and since its last success, with the latest failure's time. */
async function failures(db: DbOrTx, key: string, since: Date): Promise<{ n: number; last: Date | null }> {
  const s = since.toISOString();
  const r = await db.execute<{ n: number; last: string | null }>(sql`
    SELECT count(*)::int AS n, max(at) AS last FROM login_attempts
    WHERE key = ${key} AND success = false AND at > ${s}
      AND at > coalesce((SELECT max(at) FROM login_attempts WHERE key = ${key} AND success AND at > ${s}), '-infinity')`);
  const row = r.rows[0];
  return { n: row.n, last: row.last ? new Date(row.last) : null };
}

/** Seconds the pair still has to wait, 0 when it may try now. */
async function pairWait(db: DbOrTx, key: string, now: Date, limits: Limits): Promise<number> {
  const { n, last } = await failures(db, key, new Date(now.getTime() - DAY_MS));
  if (n < limits.max || !last) return 0;
  const minutes = Math.min(2 ** (n - limits.max), limits.windowMinutes);
  return Math.max(0, Math.ceil((last.getTime() + minutes * 60_000 - now.getTime()) / 1000));
}

/** Throw `rate_limited` (with the seconds to wait) when the pair or the address must wait. */
export async function assertNotLimited(
  db: DbOrTx,
  keys: { pair: string; address?: string },
  now: Date,
  limits: Limits,
): Promise<void> {
  const wait = await pairWait(db, keys.pair, now, limits);
  if (wait > 0) throw new AppError('rate_limited', { retryAfterSeconds: wait });
  if (keys.address) {
    const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
    if ((await failures(db, keys.address, since)).n >= limits.addressMax) {
      throw new AppError('rate_limited', { retryAfterSeconds: limits.windowMinutes * 60 });
    }
  }
}

export async function recordAttempt(db: DbOrTx, keys: string[], success: boolean, now: Date): Promise<void> {
  for (const key of keys) {
    await db.execute(
      sql`INSERT INTO login_attempts (key, at, success) VALUES (${key}, ${now.toISOString()}, ${success})`,
    );
  }
  // Old rows serve no purpose; prune what is a day and more behind, cheaply, on the keys we touched.
  const old = new Date(now.getTime() - DAY_MS - 60_000).toISOString();
  await db.execute(sql`DELETE FROM login_attempts WHERE key IN ${keys} AND at < ${old}`);
}
