import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, sessionCookieOf } from '../../../test/support/auth.ts';
import { createUser, totpCode } from './index.ts';

const secretOf = async (t: TestApp, userId: string) =>
  (
    await t.database.db.execute<{ totp_secret: string }>(
      sql`SELECT totp_secret FROM users WHERE id = ${userId}`,
    )
  ).rows[0].totp_secret;
/**
 * A valid code of a time step not used yet (each step is accepted once). Prefers the current and
 * the next step, which stay valid if the clock moves on to the next step meanwhile.
 */
function freshCode(secret: string, used: Set<number>): string {
  const now = Date.now();
  const current = Math.floor(now / 30_000);
  const step = [current, current + 1, current - 1].find((s) => !used.has(s))!;
  used.add(step);
  return totpCode(secret, new Date(step * 30_000 + 1000));
}

describe('second factor (TOTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('enrols, then asks for the code at sign-in; the pending session acts as nobody', async () => {
    const db = t.services.database.db;
    const userId = await createUser(db, {
      email: 'totp@example.org',
      name: 'Totp',
      password: 'totp password 1',
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'totp@example.org', password: 'totp password 1' },
    });
    const cookie = sessionCookieOf(login);
    const csrf = login.json().csrfToken;

    expect((await postForm(t, '/account/totp/enrol', { _csrf: csrf }, { cookie })).statusCode).toBe(303);
    const page = await t.app.inject({ method: 'GET', url: '/account/totp', headers: { cookie } });
    const secret = await secretOf(t, userId);
    expect(page.body).toContain(secret.slice(0, 4));
    expect(page.body).toContain('otpauth://totp/');

    const wrong = await postForm(t, '/account/totp/confirm', { _csrf: csrf, code: '000000' }, { cookie });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('role="alert"');
    const used = new Set<number>();
    const first = freshCode(secret, used);
    const ok = await postForm(t, '/account/totp/confirm', { _csrf: csrf, code: first }, { cookie });
    expect(ok.statusCode).toBe(303);
    // The session that enrolled has just shown a code and stays signed in.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().totpEnabled,
    ).toBe(true);

    // A new sign-in waits for the code.
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'totp@example.org', password: 'totp password 1' },
    });
    expect(second.json().mfaPending).toBe(true);
    const c2 = sessionCookieOf(second);
    const csrf2 = second.json().csrfToken;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: c2 } })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: c2 } })).headers.location,
    ).toMatch(/^\/login/);
    expect(
      (await t.app.inject({ method: 'GET', url: '/login', headers: { cookie: c2 } })).headers.location,
    ).toMatch(/^\/login\/mfa/);
    const mfaPage = await t.app.inject({ method: 'GET', url: '/login/mfa', headers: { cookie: c2 } });
    expect(mfaPage.statusCode).toBe(200);
    expect(mfaPage.body).toContain('autocomplete="one-time-code"');

    // The code already used for the enrolment cannot be replayed.
    const replay = await postForm(
      t,
      '/login/mfa',
      { _csrf: csrf2, code: first, next: '/account' },
      { cookie: c2 },
    );
    expect(replay.statusCode).toBe(401);
    const passed = await postForm(
      t,
      '/login/mfa',
      { _csrf: csrf2, code: freshCode(secret, used), next: '/account' },
      { cookie: c2 },
    );
    expect(passed.statusCode).toBe(303);
    expect(passed.headers.location).toBe('/account');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: c2 } })).statusCode,
    ).toBe(200);

    // Turning it off needs a current code.
    expect(
      (await postForm(t, '/account/totp/disable', { _csrf: csrf2, code: '123' }, { cookie: c2 })).statusCode,
    ).toBe(401);
    const off = await postForm(
      t,
      '/account/totp/disable',
      { _csrf: csrf2, code: freshCode(secret, used) },
      { cookie: c2 },
    );
    expect(off.statusCode).toBe(303);

    const audit = await t.database.db.execute<{ action: string; before: unknown; after: unknown }>(
      sql`SELECT action, before, after FROM audit_events WHERE entity_id = ${userId} ORDER BY id`,
    );
    expect(audit.rows.map((e) => e.action)).toEqual([
      'create',
      'login',
      'totp_enrol',
      'totp_enable',
      'login',
      'mfa_passed',
      'totp_disable',
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain(secret);
  });

  it('limits wrong codes like passwords', async () => {
    const t2 = await createTestApp({ env: { LOGIN_MAX_ATTEMPTS: '2' } });
    try {
      const u = await loginAs(t2, { role: 'member' });
      await postForm(t2, '/account/totp/enrol', { _csrf: u.csrf }, { cookie: u.cookie });
      expect(
        (await postForm(t2, '/account/totp/confirm', { _csrf: u.csrf, code: '000000' }, { cookie: u.cookie }))
          .statusCode,
      ).toBe(401);
      expect(
        (await postForm(t2, '/account/totp/confirm', { _csrf: u.csrf, code: '000001' }, { cookie: u.cookie }))
          .statusCode,
      ).toBe(401);
      const secret = await secretOf(t2, u.userId);
      const limited = await postForm(
        t2,
        '/account/totp/confirm',
        { _csrf: u.csrf, code: freshCode(secret, new Set()) },
        { cookie: u.cookie },
      );
      expect(limited.statusCode).toBe(429);
    } finally {
      await t2.close();
    }
  });

  it('sends holders of a role that requires it to enrol before anything else', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    const set = await postForm(
      t,
      '/admin/security',
      { _csrf: admin.csrf, required: ['treasurer'] },
      { cookie: admin.cookie },
    );
    expect(set.statusCode).toBe(303);
    const policy = await t.database.db.execute(sql`SELECT role, required FROM role_mfa_policy`);
    expect(policy.rows).toEqual([{ role: 'treasurer', required: true }]);

    const treasurer = await loginAs(t, { role: 'treasurer', mfaPassed: false });
    const page = await t.app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: treasurer.cookie },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/totp');
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: treasurer.cookie },
    });
    expect(api.statusCode).toBe(401);
    expect(api.json().error.code).toBe('mfa_required');
    const enrol = await t.app.inject({
      method: 'GET',
      url: '/account/totp',
      headers: { cookie: treasurer.cookie },
    });
    expect(enrol.statusCode).toBe(200);
    expect(enrol.body).toContain('role="status"');
    // A member is not concerned.
    const member = await loginAs(t, { role: 'member', mfaPassed: false });
    expect(
      (await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: member.cookie } })).statusCode,
    ).toBe(200);

    // Once enrolled, the treasurer goes on, and cannot turn the second factor off.
    await postForm(t, '/account/totp/enrol', { _csrf: treasurer.csrf }, { cookie: treasurer.cookie });
    const secret = await secretOf(t, treasurer.userId);
    const steps = new Set<number>();
    await postForm(
      t,
      '/account/totp/confirm',
      { _csrf: treasurer.csrf, code: freshCode(secret, steps) },
      { cookie: treasurer.cookie },
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: treasurer.cookie } }))
        .statusCode,
    ).toBe(200);
    const off = await postForm(
      t,
      '/account/totp/disable',
      { _csrf: treasurer.csrf, code: freshCode(secret, steps) },
      { cookie: treasurer.cookie },
    );
    expect(off.statusCode).toBe(403);

    const events = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_events WHERE entity = 'role_mfa_policy' AND entity_id = 'treasurer'`,
    );
    expect(events.rows[0].n).toBe(1);
  });
});
