import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Ctx, RoleGrant } from '../context.ts';
import { type DbOrTx, inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';
import { isRole, type Role } from '../policy/roles.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';

export type UserStatus = 'active' | 'invited' | 'disabled';

export type UserRow = {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  locale: string | null;
  totpSecret: string | null;
  totpEnabled: boolean;
  status: UserStatus;
};

/** Columns as the use cases see them. The hash and the TOTP secret never leave the auth folder. */
const userColumns = sql`id, email, name, password_hash AS "passwordHash", locale, totp_secret AS "totpSecret",
  totp_enabled AS "totpEnabled", status`;

export async function findUserByEmail(db: DbOrTx, email: string, lock = false): Promise<UserRow | null> {
  const r = await db.execute<UserRow>(
    sql`SELECT ${userColumns} FROM users WHERE lower(email) = lower(${email.trim()}) ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

export async function findUserById(db: DbOrTx, id: string, lock = false): Promise<UserRow | null> {
  if (!isUuid(id)) return null;
  const r = await db.execute<UserRow>(
    sql`SELECT ${userColumns} FROM users WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

export async function rolesOfUser(db: DbOrTx, userId: string): Promise<(RoleGrant & { id: string })[]> {
  const r = await db.execute<{ id: string; role: Role; scope_org_id: string | null }>(
    sql`SELECT id, role, scope_org_id FROM user_roles WHERE user_id = ${userId} ORDER BY role, scope_org_id NULLS FIRST`,
  );
  return r.rows.map((x) => ({ id: x.id, role: x.role, scopeOrgId: x.scope_org_id }));
}

/** What the audit log may show of a user: never the password hash or the TOTP secret. */
export function publicUser(u: Pick<UserRow, 'id' | 'email' | 'name' | 'status' | 'locale' | 'totpEnabled'>) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    locale: u.locale,
    totpEnabled: u.totpEnabled,
  };
}

export const isUuid = (v: unknown): v is string =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

export function normaliseEmail(email: string): string {
  const e = email.trim();
  // Deliberately loose: one @, something either side, no spaces. The invitation mail is the real check.
  if (!/^[^\s@]+@[^\s@]+$/.test(e) || e.length > 254) {
    throw new AppError('validation_failed', [
      { path: 'email', code: 'invalid_email', message: 'not an email address' },
    ]);
  }
  return e;
}

export function checkRoleGrant(g: { role: unknown; scopeOrgId?: unknown }): RoleGrant {
  if (!isRole(g.role)) {
    throw new AppError('validation_failed', [
      { path: 'role', code: 'invalid_role', message: 'unknown role' },
    ]);
  }
  const scope = g.scopeOrgId === '' || g.scopeOrgId === undefined ? null : g.scopeOrgId;
  if (scope !== null && !isUuid(scope)) {
    throw new AppError('validation_failed', [
      { path: 'scopeOrgId', code: 'invalid_scope', message: 'must be an organisation id (uuid)' },
    ]);
  }
  return { role: g.role, scopeOrgId: scope as string | null };
}

/** Insert the role grants of a user (skipping ones already held) and audit each. */
export async function insertRoles(
  tx: DbOrTx,
  ctx: Pick<Ctx, 'actor' | 'now' | 'requestId'>,
  userId: string,
  grants: RoleGrant[],
): Promise<void> {
  for (const g of grants) {
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO user_roles (user_id, role, scope_org_id) VALUES (${userId}, ${g.role}, ${g.scopeOrgId})
      ON CONFLICT DO NOTHING RETURNING id`);
    if (r.rows[0]) {
      await audit(tx, ctx, {
        action: 'grant',
        entity: 'user_role',
        entityId: r.rows[0].id,
        after: { userId, role: g.role, scopeOrgId: g.scopeOrgId },
      });
    }
  }
}

export interface CreateUserInput {
  email: string;
  name: string;
  password?: string | null;
  roles?: { role: Role; scopeOrgId?: string | null }[];
  locale?: Locale | null;
  status?: UserStatus;
}

/**
 * Create an account directly (seeds, tests, the `admin create` command): no permission check,
 * the caller is trusted. Audited like every change; the actor is the context's, if any.
 */
export async function createUser(
  db: DbOrTx,
  input: CreateUserInput,
  ctx: Pick<Ctx, 'actor' | 'now' | 'requestId'> = { actor: null, now: new Date(), requestId: 'system' },
): Promise<string> {
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (!name)
    throw new AppError('validation_failed', [{ path: 'name', code: 'required', message: 'required' }]);
  if (input.password != null) checkPasswordPolicy(input.password);
  const grants = (input.roles ?? []).map(checkRoleGrant);
  const passwordHash = input.password != null ? await hashPassword(input.password) : null;
  const status = input.status ?? (passwordHash ? 'active' : 'invited');
  const locale = isLocale(input.locale) ? input.locale : null;
  return inTransaction(db, async (tx) => {
    if (await findUserByEmail(tx, email)) throw new AppError('already_exists', { field: 'email' });
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO users (email, name, password_hash, locale, status)
      VALUES (${email}, ${name}, ${passwordHash}, ${locale}, ${status}) RETURNING id`);
    const id = r.rows[0].id;
    await audit(tx, ctx, {
      action: 'create',
      entity: 'user',
      entityId: id,
      after: publicUser({ id, email, name, status, locale, totpEnabled: false }),
    });
    await insertRoles(tx, ctx, id, grants);
    return id;
  });
}
