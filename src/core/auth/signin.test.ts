import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { anonymousForm as anon, loginAs } from '../../../test/support/auth.ts';
import { createUser } from './index.ts';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const formHeaders = (cookie: string) => ({ cookie, 'content-type': 'application/x-www-form-urlencoded' });

describe('sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        LOGIN_MAX_ATTEMPTS: '3',
        LOGIN_ADDRESS_MAX_ATTEMPTS: '20',
        COOKIE_SECURE: 'true',
        SESSION_TTL_HOURS: '10',
      },
    });
    await createUser(t.services.database.db, {
      email: 'Ada@Example.org',
      name: 'Ada',
      password: 'correct horse battery',
      roles: [{ role: 'member' }],
    });
  });
  afterAll(async () => t.close());

  it('stores an argon2id hash, never the password', async () => {
    const r = await t.database.db.execute<{ password_hash: string }>(
      sql`SELECT password_hash FROM users WHERE email = 'Ada@Example.org'`,
    );
    expect(r.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('signs in with the form, sets a secure HttpOnly Lax cookie and a session row', async () => {
    const f = await anon(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: formHeaders(f.cookie),
      payload: form({
        _csrf: f.csrf,
        email: 'ada@example.org',
        password: 'correct horse battery',
        next: '/account',
      }),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const c = res.cookies.find((x) => x.name === 'pt_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.secure).toBe(true);
    expect(c.sameSite).toBe('Lax');
    expect(c.maxAge).toBe(10 * 3600);
    const s = await t.database.db.execute<{ hours: number }>(
      sql`SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM auth_sessions`,
    );
    expect(s.rows.map((x) => x.hours)).toContain(10);
    const page = await t.app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `pt_session=${c.value}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ada@example.org'.replace('ada', 'Ada').replace('example', 'Example'));
  });

  it('keeps the email and shows the error in the form, in the user language', async () => {
    const f = await anon(t, '/login?lang=fr');
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...formHeaders(f.cookie), 'accept-language': 'fr' },
      payload: form({ _csrf: f.csrf, email: 'nobody@example.org', password: 'whatever it is' }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('value="nobody@example.org"');
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('lang="fr"');
  });

  it('rejects a form POST without its CSRF token', async () => {
    const f = await anon(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: formHeaders(f.cookie),
      payload: form({ email: 'ada@example.org', password: 'correct horse battery' }),
    });
    expect(res.statusCode).toBe(403);
    const signedIn = await loginAs(t, { role: 'member' });
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: formHeaders(signedIn.cookie),
      payload: form({ name: 'Changed' }),
    });
    expect(noToken.statusCode).toBe(403);
  });

  it('makes one account and address wait after N failures, then longer after each new one', async () => {
    await createUser(t.services.database.db, {
      email: 'bob@example.org',
      name: 'Bob',
      password: 'bob password 123',
    });
    const attempt = (password: string, ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: 'bob@example.org', password },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong password', '10.0.0.1')).statusCode).toBe(401);
    const limited = await attempt('bob password 123', '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    const wait = Number(limited.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
  });

  it('never locks a victim out from wrong passwords typed elsewhere', async () => {
    await createUser(t.services.database.db, {
      email: 'victim@example.org',
      name: 'Victim',
      password: 'victim password 123',
    });
    const attempt = (password: string, ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: 'victim@example.org', password },
      });
    // Ten guesses from each of three addresses: those pairs wait, the victim's own does not.
    for (const ip of ['10.6.0.1', '10.6.0.2', '10.6.0.3']) {
      for (let i = 0; i < 10; i++) expect([401, 429]).toContain((await attempt('guess', ip)).statusCode);
      expect((await attempt('victim password 123', ip)).statusCode).toBe(429);
    }
    expect((await attempt('victim password 123', '10.6.0.99')).statusCode).toBe(200);
  });

  it('lets many people behind one address sign in; only a spray of many failures limits the address', async () => {
    const office = '10.7.7.7';
    for (let i = 0; i < 12; i++) {
      await createUser(t.services.database.db, {
        email: `colleague${i}@example.org`,
        name: `Colleague ${i}`,
        password: 'colleague password 1',
      });
    }
    const attempt = (email: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: office,
        payload: { email, password },
      });
    // Each colleague mistypes twice (6 × 2 = 12 failures from the office, over 3 per account)…
    for (let i = 0; i < 6; i++) {
      expect((await attempt(`colleague${i}@example.org`, 'typo')).statusCode).toBe(401);
      expect((await attempt(`colleague${i}@example.org`, 'typo')).statusCode).toBe(401);
    }
    // …and everyone still signs in from the same address.
    for (let i = 0; i < 12; i++) {
      expect((await attempt(`colleague${i}@example.org`, 'colleague password 1')).statusCode).toBe(200);
    }
    // A spray over many accounts reaches the address limit (LOGIN_ADDRESS_MAX_ATTEMPTS = 20 here).
    const spray = '10.8.8.8';
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: spray,
        payload: { email: `nobody${i}@example.org`, password: 'x' },
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    expect(codes[20]).toBe(429);
  });

  it('logs in with JSON, answers /me, then logs out', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ada@example.org', password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.mfaPending).toBe(false);
    const cookie = `pt_session=${res.cookies.find((c) => c.name === 'pt_session')!.value}`;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({
      email: 'Ada@Example.org',
      roles: [{ role: 'member', scopeOrgId: null }],
    });
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('signs out with the form and audits sign-in and sign-out', async () => {
    const u = await loginAs(t, { role: 'member' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: formHeaders(u.cookie),
      payload: form({ _csrf: u.csrf }),
    });
    expect(res.statusCode).toBe(303);
    const n = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = ${u.userId}`,
    );
    expect(n.rows[0].n).toBe(0);
    const events = await t.database.db.execute<{ action: string }>(
      sql`SELECT action FROM audit_events WHERE entity = 'user' AND action IN ('login', 'logout')`,
    );
    expect(events.rows.map((e) => e.action)).toEqual(expect.arrayContaining(['login', 'logout']));
  });
});
