import { randomBytes, randomUUID } from 'node:crypto';
import { createApiToken, createSessionFor, createUser } from '../../src/core/auth/index.ts';
import { SESSION_COOKIE } from '../../src/core/auth/tokens.ts';
import type { Actor } from '../../src/core/context.ts';
import { csrfToken } from '../../src/core/http/csrf.ts';
import type { Role } from '../../src/core/policy/roles.ts';
import type { TestApp } from './app.ts';

export interface SignedIn {
  userId: string;
  email: string;
  /** The whole `Cookie` header value (`pt_session=…`). */
  cookie: string;
  csrf: string;
  actor: Actor;
  /** Headers for `app.inject`: the session cookie and the CSRF token, plus any given. */
  headers(extra?: Record<string, string>): Record<string, string>;
}

const uniqueEmail = (role: string) => `${role}-${randomBytes(5).toString('hex')}@test.example`;

/**
 * A new user holding `role` (optionally for one organisation) with a signed-in session. The
 * session counts as having passed its second factor unless `mfaPassed: false`.
 */
export async function loginAs(
  testApp: TestApp,
  opts: {
    role?: Role | null;
    scopeOrgId?: string | null;
    email?: string;
    name?: string;
    mfaPassed?: boolean;
  } = {},
): Promise<SignedIn> {
  const role = opts.role === undefined ? 'member' : opts.role;
  const email = opts.email ?? uniqueEmail(role ?? 'user');
  const name = opts.name ?? `Test ${role ?? 'user'}`;
  const roles = role ? [{ role, scopeOrgId: opts.scopeOrgId ?? null }] : [];
  const db = testApp.services.database.db;
  const userId = await createUser(db, {
    email,
    name,
    password: randomBytes(12).toString('base64url'),
    roles,
  });
  const value = await createSessionFor(db, userId, { mfaPassed: opts.mfaPassed ?? true });
  const csrf = csrfToken(testApp.services.secret, value);
  const cookie = `${SESSION_COOKIE}=${value}`;
  const mfa = opts.mfaPassed ?? true;
  return {
    userId,
    email,
    cookie,
    csrf,
    actor: { userId, email, name, roles: roles.map((g) => ({ ...g })), mfa },
    headers: (extra = {}) => ({ cookie, 'x-csrf-token': csrf, ...extra }),
  };
}

/** A bearer token with `scopes` for a new user holding `role`: use as `authorization: Bearer <token>`. */
export async function apiTokenFor(
  testApp: TestApp,
  role: Role | null,
  scopes: ('read' | 'write' | 'admin')[],
  opts: { scopeOrgId?: string | null } = {},
): Promise<string> {
  const user = await loginAs(testApp, { role, scopeOrgId: opts.scopeOrgId });
  const created = await createApiToken(testApp.ctx(user.actor), { name: 'test token', scopes });
  return created.token;
}

/** An anonymous visit to a page with a form: its `pt_anon` cookie and the form's CSRF token. */
export async function anonymousForm(
  testApp: TestApp,
  url = '/login',
): Promise<{ cookie: string; csrf: string; body: string; status: number }> {
  const res = await testApp.app.inject({ method: 'GET', url });
  const anon = res.cookies.find((c) => c.name === 'pt_anon')?.value;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  return { cookie: anon ? `pt_anon=${anon}` : '', csrf, body: res.body, status: res.statusCode };
}

/** POST a urlencoded form (repeated fields as arrays), as a browser without JavaScript does. */
export function postForm(
  testApp: TestApp,
  url: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return testApp.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
}

/** The session cookie a response set, as a `Cookie` header value. */
export function sessionCookieOf(res: { cookies: { name: string; value: string }[] }): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie in the response');
  return `${SESSION_COOKIE}=${c.value}`;
}

/** An admin actor for calling use cases directly (no user row needed: the audit log keeps the id). */
export const adminActor = (): Actor => ({
  userId: randomUUID(),
  email: 'admin@example.org',
  name: 'Admin',
  roles: [{ role: 'admin', scopeOrgId: null }],
  mfa: true,
});
