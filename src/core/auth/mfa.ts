import { sql } from 'drizzle-orm';
import type { Actor } from '../context.ts';
import type { DbOrTx } from '../db/tx.ts';
import type { Role } from '../policy/roles.ts';
import { assertNotLimited, type Limits, lockKey, mfaKey, recordAttempt } from './rate-limit.ts';
import { totpStep } from './totp.ts';

/**
 * Check a TOTP code for a user: limited like passwords (per user and address), and each time step accepted
 * once, so that a code seen over a shoulder cannot be used again. Call inside a transaction;
 * returns false (after recording the failure) when the code is wrong.
 */
export async function checkTotpCode(
  tx: DbOrTx,
  userId: string,
  secret: string,
  code: string,
  now: Date,
  limits: Limits,
  // Where the code comes from: wrong codes typed elsewhere never lock this address out.
  ip = 'account',
): Promise<boolean> {
  const key = mfaKey(userId, ip);
  await lockKey(tx, key);
  await assertNotLimited(tx, { pair: key }, now, limits);
  const step = totpStep(secret, code, now);
  const usedKey = `totp-used:${userId}:${step}`;
  const replay =
    step !== null &&
    (await tx.execute(sql`SELECT 1 FROM login_attempts WHERE key = ${usedKey} LIMIT 1`)).rows.length > 0;
  if (step === null || replay) {
    await recordAttempt(tx, [key], false, now);
    return false;
  }
  await recordAttempt(tx, [key, usedKey], true, now);
  const old = new Date(now.getTime() - 24 * 3600_000).toISOString();
  await tx.execute(sql`DELETE FROM login_attempts WHERE key LIKE ${`totp-used:${userId}:%`} AND at < ${old}`);
  return true;
}

/** Roles for which admins require a second factor. */
export async function rolesRequiringMfa(db: DbOrTx): Promise<Role[]> {
  const r = await db.execute<{ role: Role }>(
    sql`SELECT role FROM role_mfa_policy WHERE required ORDER BY role`,
  );
  return r.rows.map((x) => x.role);
}

/** True when the actor holds a role that requires a second factor but has not set one up. */
export async function mustEnrolMfa(db: DbOrTx, actor: Actor | null): Promise<boolean> {
  // API tokens are exempt: they are created from a browser session, which had to enrol first.
  if (!actor || actor.tokenScopes || actor.roles.length === 0) return false;
  const r = await db.execute<{ must: boolean }>(sql`
    SELECT NOT u.totp_enabled AND EXISTS (
      SELECT 1 FROM role_mfa_policy p JOIN user_roles ur ON ur.role = p.role
      WHERE p.required AND ur.user_id = u.id) AS must
    FROM users u WHERE u.id = ${actor.userId}`);
  return r.rows[0]?.must ?? false;
}
