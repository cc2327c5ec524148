import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import { type DbOrTx, inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { isLocale, type Locale, t } from '../i18n/i18n.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Mailer } from '../mail/mailer.ts';
import { hasRole, requireRole, requireScope } from '../policy/policy.ts';
import type { Role } from '../policy/roles.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import { newSecret, sha256 } from './tokens.ts';
import {
  checkRoleGrant,
  findUserByEmail,
  findUserById,
  insertRoles,
  normaliseEmail,
  publicUser,
} from './users.ts';

type Deps = { config: Config; mailer: Mailer; jobs: Jobs };
export type TokenPurpose = 'invitation' | 'password_reset';

const INVITATION_DAYS = 14;
const RESET_MINUTES = 60;
/** At most this many reset mails per account per hour, so the form cannot be used to flood an inbox. */
const RESETS_PER_HOUR = 3;

/** Where users reach the platform, for links in mail. Never taken from the request's Host header. */
export function publicUrl(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
}

async function issueToken(tx: DbOrTx, userId: string, purpose: TokenPurpose, expires: Date): Promise<string> {
  const token = newSecret(32);
  await tx.execute(sql`
    INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at)
    VALUES (${sha256(token)}, ${purpose}, ${userId}, ${expires.toISOString()})`);
  return token;
}

/** Hand queued mail to the delivery job once the transaction that wrote it has committed. */
async function dispatch(deps: Deps, mailId: string): Promise<void> {
  if (!deps.mailer.smtp) return;
  // If the queue is unreachable the message stays `queued` in the outbox, where admins see it.
  await deps.jobs.send('mail.deliver', { id: mailId }).catch(() => undefined);
}

/**
 * The user a one-time token belongs to, or `invalid_token` / `token_expired`. With a
 * transaction and `lock`, the token row is locked so that it can be used once only.
 */
export async function checkOneTimeToken(
  db: DbOrTx,
  token: string,
  purpose: TokenPurpose,
  now: Date,
  lock = false,
): Promise<{ userId: string; email: string; name: string }> {
  const r = await db.execute<{
    user_id: string;
    email: string;
    name: string;
    expires_at: Date;
    used_at: Date | null;
  }>(sql`
    SELECT o.user_id, u.email, u.name, o.expires_at, o.used_at FROM one_time_tokens o JOIN users u ON u.id = o.user_id
    WHERE o.token_hash = ${sha256(token)} AND o.purpose = ${purpose} AND u.status <> 'disabled'
    ${lock ? sql`FOR UPDATE OF o` : sql``}`);
  const row = r.rows[0];
  if (!row || row.used_at) throw new AppError('invalid_token');
  if (new Date(row.expires_at) <= now) throw new AppError('token_expired');
  return { userId: row.user_id, email: row.email, name: row.name };
}

export interface InviteInput {
  email: string;
  name: string;
  roles: { role: string; scopeOrgId?: string | null }[];
  /** The language of the invitation mail and the new account; the inviter's by default. */
  locale?: string | null;
}

/**
 * Create an account waiting for its owner (status `invited`) with its roles, and mail a link to
 * set a password. Admins and the secretariat may invite; only admins may give the admin role.
 */
export async function inviteUser(ctx: Ctx, input: InviteInput, deps: Deps): Promise<{ userId: string }> {
  const actor = requireRole(ctx, ['admin', 'secretariat']);
  requireScope(ctx, 'admin');
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (!name || name.length > 200) {
    throw new AppError('validation_failed', [{ path: 'name', code: 'required', message: 'required' }]);
  }
  const grants = input.roles.map(checkRoleGrant);
  if (grants.length === 0) {
    throw new AppError('validation_failed', [
      { path: 'role', code: 'invalid_role', message: 'at least one role' },
    ]);
  }
  if (grants.some((g) => g.role === 'admin') && !hasRole(actor, 'admin')) {
    throw new AppError('forbidden', { reason: 'only_admins_grant_admin' });
  }
  const locale: Locale = isLocale(input.locale) ? input.locale : ctx.locale;
  const { userId, mailId } = await inTransaction(ctx.db, async (tx) => {
    if (await findUserByEmail(tx, email)) throw new AppError('already_exists', { field: 'email' });
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO users (email, name, locale, status) VALUES (${email}, ${name}, ${locale}, 'invited') RETURNING id`);
    const id = r.rows[0].id;
    await audit(tx, ctx, {
      action: 'invite',
      entity: 'user',
      entityId: id,
      after: publicUser({ id, email, name, status: 'invited', locale, totpEnabled: false }),
    });
    await insertRoles(tx, ctx, id, grants);
    const token = await issueToken(
      tx,
      id,
      'invitation',
      new Date(ctx.now.getTime() + INVITATION_DAYS * 86400_000),
    );
    const vars = {
      name,
      inviter: actor.name,
      link: `${publicUrl(deps.config)}/invitations/${token}`,
      days: INVITATION_DAYS,
      roles: grants.map((g) => t(locale, `auth.roles.${g.role as Role}`)).join(', '),
    };
    const mailId = await deps.mailer.enqueue(tx, {
      to: email,
      subject: t(locale, 'auth.mail.invitation.subject', vars),
      text: t(locale, 'auth.mail.invitation.body', vars),
    });
    return { userId: id, mailId };
  });
  await dispatch(deps, mailId);
  return { userId };
}

/** Set the password of an invited account and activate it. Returns the user id (to sign them in). */
export async function acceptInvitation(
  ctx: Ctx,
  input: { token: string; password: string; name?: string | null },
): Promise<{ userId: string }> {
  checkPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx.db, async (tx) => {
    const owner = await checkOneTimeToken(tx, input.token, 'invitation', ctx.now, true);
    const before = await findUserById(tx, owner.userId, true);
    if (!before) throw new AppError('invalid_token');
    const name = input.name?.trim() ? input.name.trim().slice(0, 200) : before.name;
    await tx.execute(sql`
      UPDATE users SET password_hash = ${passwordHash}, name = ${name}, status = 'active', updated_at = ${ctx.now.toISOString()}
      WHERE id = ${owner.userId}`);
    await tx.execute(
      sql`UPDATE one_time_tokens SET used_at = ${ctx.now.toISOString()} WHERE token_hash = ${sha256(input.token)}`,
    );
    const self = { userId: owner.userId, email: owner.email, name, roles: [], mfa: false };
    await audit(
      tx,
      { ...ctx, actor: self },
      {
        action: 'accept_invitation',
        entity: 'user',
        entityId: owner.userId,
        before: { status: before.status, name: before.name },
        // The password is recorded as set, never as its hash.
        after: { status: 'active', name, password: '[set]' },
      },
    );
    return { userId: owner.userId };
  });
}

/**
 * Mail a password-reset link when an active account has this address. The caller always
 * answers the same way, so the form does not tell who has an account.
 */
export async function requestPasswordReset(ctx: Ctx, input: { email: string }, deps: Deps): Promise<void> {
  const email = input.email.trim();
  if (!email || email.length > 254) return;
  const mailId = await inTransaction(ctx.db, async (tx) => {
    const user = await findUserByEmail(tx, email, true);
    if (user?.status !== 'active') return null;
    const recent = await tx.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM one_time_tokens WHERE user_id = ${user.id} AND purpose = 'password_reset'
        AND created_at > ${new Date(ctx.now.getTime() - 3600_000).toISOString()}`);
    if (recent.rows[0].n >= RESETS_PER_HOUR) return null;
    const token = await issueToken(
      tx,
      user.id,
      'password_reset',
      new Date(ctx.now.getTime() + RESET_MINUTES * 60_000),
    );
    await audit(tx, ctx, { action: 'request_password_reset', entity: 'user', entityId: user.id });
    const locale: Locale = isLocale(user.locale) ? user.locale : ctx.locale;
    const vars = {
      name: user.name,
      link: `${publicUrl(deps.config)}/password/reset/${token}`,
      minutes: RESET_MINUTES,
    };
    return deps.mailer.enqueue(tx, {
      to: user.email,
      subject: t(locale, 'auth.mail.reset.subject', vars),
      text: t(locale, 'auth.mail.reset.body', vars),
    });
  });
  if (mailId) await dispatch(deps, mailId);
}

/** Set a new password from a reset link; every session of the account ends. */
export async function resetPassword(
  ctx: Ctx,
  input: { token: string; password: string },
): Promise<{ userId: string }> {
  checkPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx.db, async (tx) => {
    const owner = await checkOneTimeToken(tx, input.token, 'password_reset', ctx.now, true);
    await tx.execute(
      sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = ${ctx.now.toISOString()} WHERE id = ${owner.userId}`,
    );
    // Every outstanding reset link of the account is spent, not just this one.
    await tx.execute(sql`
      UPDATE one_time_tokens SET used_at = ${ctx.now.toISOString()}
      WHERE user_id = ${owner.userId} AND purpose = 'password_reset' AND used_at IS NULL`);
    await tx.execute(sql`DELETE FROM auth_sessions WHERE user_id = ${owner.userId}`);
    await audit(
      tx,
      {
        ...ctx,
        actor: { userId: owner.userId, email: owner.email, name: owner.name, roles: [], mfa: false },
      },
      { action: 'reset_password', entity: 'user', entityId: owner.userId, after: { password: '[set]' } },
    );
    return { userId: owner.userId };
  });
}
