import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Config } from '../config.ts';
import type { Actor, Ctx } from '../context.ts';
import { inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Mailer } from '../mail/mailer.ts';
import { requireActor, requireScope } from '../policy/policy.ts';
import type { Role } from '../policy/roles.ts';
import { checkTotpCode } from './mfa.ts';
import { verifyPassword } from './passwords.ts';
import { assertNotLimited, ipKey, lockKey, loginLimits, pairKey, recordAttempt } from './rate-limit.ts';
import { createSessionFor, deleteSession } from './sessions.ts';
import { findUserByEmail, findUserById, publicUser, rolesOfUser } from './users.ts';

export {
  acceptInvitation,
  checkOneTimeToken,
  inviteUser,
  requestPasswordReset,
  resetPassword,
} from './onboarding.ts';
export { grantRole, revokeRole, setRoleMfaRequirement } from './roles.ts';
export {
  confirmTotp,
  createApiToken,
  disableTotp,
  enrolTotp,
  listApiTokens,
  revokeApiToken,
  totpEnrolment,
} from './security.ts';

/** The services the account use cases need besides the context: settings, the mailer, jobs. */
export interface AuthDeps {
  config: Config;
  mailer: Mailer;
  jobs: Jobs;
}

/** The user as an actor for audit events written before the session exists. */
const selfActor = (u: { id: string; email: string; name: string }): Actor => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  roles: [],
  mfa: false,
});

export interface SignInResult {
  userId: string;
  cookie: string;
  /** The user has a second factor: the session acts as nobody until the code is entered. */
  mfaPending: boolean;
}

/**
 * Email and password to a new session. Failures are counted per email and address pair (with a
 * growing wait after LOGIN_MAX_ATTEMPTS) and per address (LOGIN_ADDRESS_MAX_ATTEMPTS within
 * LOGIN_WINDOW_MINUTES); while either waits the answer is `rate_limited`, whatever the password.
 */
export async function signIn(
  ctx: Ctx,
  input: {
    email: string;
    password: string;
    ip: string;
    userAgent?: string | null;
    replaceSessionId?: string | null;
  },
  deps: Pick<AuthDeps, 'config'>,
): Promise<SignInResult> {
  const limits = loginLimits(deps.config);
  const pk = pairKey(input.email, input.ip);
  const ik = ipKey(input.ip);
  const result = await inTransaction(ctx.db, async (tx) => {
    await lockKey(tx, pk);
    await assertNotLimited(tx, { pair: pk, address: ik }, ctx.now, limits);
    const user = input.email.trim() ? await findUserByEmail(tx, input.email) : null;
    const active = user?.status === 'active';
    const ok = await verifyPassword(active ? user.passwordHash : null, input.password);
    if (!user || !ok) {
      await recordAttempt(tx, [pk, ik], false, ctx.now);
      return null;
    }
    await recordAttempt(tx, [pk], true, ctx.now);
    // A new session id at every sign-in: a session planted before sign-in is worth nothing.
    if (input.replaceSessionId) await deleteSession(tx, input.replaceSessionId);
    // Expired sessions are swept here, a user at a time, rather than by a job.
    await tx.execute(
      sql`DELETE FROM auth_sessions WHERE user_id = ${user.id} AND expires_at <= ${ctx.now.toISOString()}`,
    );
    const cookie = await createSessionFor(tx, user.id, {
      mfaPassed: false,
      ttlHours: deps.config.SESSION_TTL_HOURS,
      userAgent: input.userAgent,
      now: ctx.now,
    });
    await audit(
      tx,
      { ...ctx, actor: selfActor(user) },
      { action: 'login', entity: 'user', entityId: user.id, after: { mfaPending: user.totpEnabled } },
    );
    return { userId: user.id, cookie, mfaPending: user.totpEnabled };
  });
  if (!result) throw new AppError('invalid_credentials');
  return result;
}

/** The second step of a sign-in with TOTP: the code turns the pending session into a full one. */
export async function verifyMfa(
  ctx: Ctx,
  input: { sessionId: string; code: string; ip: string },
  deps: Pick<AuthDeps, 'config'>,
): Promise<void> {
  const ok = await inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<{
      user_id: string;
      email: string;
      name: string;
      totp_secret: string | null;
    }>(sql`
      SELECT s.user_id, u.email, u.name, u.totp_secret FROM auth_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${input.sessionId} AND s.expires_at > ${ctx.now.toISOString()} AND u.totp_enabled
      FOR UPDATE OF s`);
    const row = r.rows[0];
    if (!row?.totp_secret) throw new AppError('unauthenticated');
    if (
      !(await checkTotpCode(
        tx,
        row.user_id,
        row.totp_secret,
        input.code,
        ctx.now,
        loginLimits(deps.config),
        input.ip,
      ))
    ) {
      return false;
    }
    await tx.execute(sql`UPDATE auth_sessions SET mfa_passed = true WHERE id = ${input.sessionId}`);
    await audit(
      tx,
      { ...ctx, actor: selfActor({ id: row.user_id, email: row.email, name: row.name }) },
      { action: 'mfa_passed', entity: 'user', entityId: row.user_id },
    );
    return true;
  });
  if (!ok) throw new AppError('invalid_mfa_code');
}

/** End a session (signed in or waiting for its second factor). */
export async function signOut(ctx: Ctx, input: { sessionId: string }): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute<{ user_id: string }>(
      sql`DELETE FROM auth_sessions WHERE id = ${input.sessionId} RETURNING user_id`,
    );
    if (r.rows[0] && ctx.actor) {
      await audit(tx, ctx, { action: 'logout', entity: 'user', entityId: r.rows[0].user_id });
    }
  });
}

export interface Me {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  status: string;
  totpEnabled: boolean;
  roles: { id: string; role: Role; scopeOrgId: string | null }[];
}

export async function getMe(ctx: Ctx): Promise<Me> {
  const actor = requireActor(ctx);
  requireScope(ctx, 'read');
  const u = await findUserById(ctx.db, actor.userId);
  if (!u) throw new AppError('unauthenticated');
  return { ...publicUser(u), roles: await rolesOfUser(ctx.db, u.id) };
}

const invalidLocale = () =>
  new AppError('validation_failed', [
    { path: 'locale', code: 'invalid_locale', message: 'unknown language' },
  ]);

/** A language from a form: empty means none chosen (follow the browser). */
function optionalLocale(v: string | null): Locale | null {
  if (v === null || v === '') return null;
  if (!isLocale(v)) throw invalidLocale();
  return v;
}

/** Save changed fields of the signed-in user's own profile, with their audit event; a no-op writes nothing. */
async function saveOwnProfile(ctx: Ctx, change: { name?: string; locale: Locale | null }): Promise<void> {
  const actor = requireActor(ctx);
  await inTransaction(ctx.db, async (tx) => {
    const before = await findUserById(tx, actor.userId, true);
    if (!before) throw new AppError('unauthenticated');
    const name = change.name ?? before.name;
    if (name === before.name && change.locale === before.locale) return;
    await tx.execute(
      sql`UPDATE users SET name = ${name}, locale = ${change.locale}, updated_at = ${ctx.now.toISOString()} WHERE id = ${actor.userId}`,
    );
    await audit(tx, ctx, {
      action: 'update',
      entity: 'user',
      entityId: actor.userId,
      before: { name: before.name, locale: before.locale },
      after: { name, locale: change.locale },
    });
  });
}

/** The signed-in user's own name and language. */
export async function updateProfile(ctx: Ctx, input: { name: string; locale: string | null }): Promise<void> {
  requireActor(ctx);
  requireScope(ctx, 'write');
  const name = input.name.trim();
  if (!name || name.length > 200) {
    throw new AppError('validation_failed', [
      { path: 'name', code: 'required', message: 'required, at most 200 characters' },
    ]);
  }
  await saveOwnProfile(ctx, { name, locale: optionalLocale(input.locale) });
}

/** The language the signed-in user chose in the switcher: saved on their account. */
export async function setLanguage(ctx: Ctx, input: { locale: string }): Promise<void> {
  requireActor(ctx);
  requireScope(ctx, 'write');
  if (!isLocale(input.locale)) throw invalidLocale();
  await saveOwnProfile(ctx, { locale: input.locale });
}
