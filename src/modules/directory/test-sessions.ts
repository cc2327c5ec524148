import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TestApp } from '../../../test/support/app.ts';
import { SESSION_COOKIE, sha256 } from '../../core/auth/tokens.ts';
import type { Actor } from '../../core/context.ts';
import { csrfToken } from '../../core/http/csrf.ts';
import type { Role } from '../../core/policy/roles.ts';

/**
 * Signed-in users for the directory's HTTP tests: a user row, a role and a session, the cookie
 * and the CSRF token a browser would send. (Used only by `*.test.ts` files.)
 */
export interface TestSession {
  actor: Actor;
  cookie: string;
  csrf: string;
  headers(extra?: Record<string, string>): Record<string, string>;
}

export async function signIn(t: TestApp, role: Role, scopeOrgId: string | null = null): Promise<TestSession> {
  const db = t.database.db;
  const userId = randomUUID();
  const email = `${role}-${userId.slice(0, 8)}@example.org`;
  await db.execute(
    sql`INSERT INTO users (id, email, name, status) VALUES (${userId}, ${email}, ${`Test ${role}`}, 'active')`,
  );
  await db.execute(
    sql`INSERT INTO user_roles (user_id, role, scope_org_id) VALUES (${userId}, ${role}, ${scopeOrgId})`,
  );
  const value = randomBytes(24).toString('base64url');
  await db.execute(sql`INSERT INTO auth_sessions (id, user_id, mfa_passed, expires_at)
    VALUES (${sha256(value)}, ${userId}, true, now() + interval '1 day')`);
  const cookie = `${SESSION_COOKIE}=${value}`;
  const csrf = csrfToken(t.services.secret, value);
  return {
    actor: { userId, email, name: `Test ${role}`, roles: [{ role, scopeOrgId }], mfa: true },
    cookie,
    csrf,
    headers: (extra = {}) => ({ cookie, 'x-csrf-token': csrf, ...extra }),
  };
}

export const adminActor = (): Actor => ({
  userId: randomUUID(),
  email: 'admin@example.org',
  name: 'Admin',
  roles: [{ role: 'admin', scopeOrgId: null }],
  mfa: true,
});
