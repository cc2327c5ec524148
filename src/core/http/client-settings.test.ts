import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm } from '../../../test/support/auth.ts';

const savedLocale = async (t: TestApp, userId: string) =>
  (await t.database.db.execute<{ locale: string | null }>(sql`SELECT locale FROM users WHERE id = ${userId}`))
    .rows[0].locale;

describe('language: ?lang= shows a page, only the switcher saves', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('shows a shared ?lang= link in its language without changing the saved setting', async () => {
    const u = await loginAs(t, { role: 'member' });
    await t.database.db.execute(sql`UPDATE users SET locale = 'uk' WHERE id = ${u.userId}`);
    const shared = await t.app.inject({
      method: 'GET',
      url: '/about?lang=ar',
      headers: { cookie: u.cookie },
    });
    expect(shared.body).toContain('<html lang="ar" dir="rtl"');
    expect(await savedLocale(t, u.userId)).toBe('uk');
    const next = await t.app.inject({ method: 'GET', url: '/about', headers: { cookie: u.cookie } });
    expect(next.body).toContain('<html lang="uk"');
  });

  it('saves the switcher choice (a form for signed-in users) and goes back to the same page', async () => {
    const u = await loginAs(t, { role: 'member' });
    const page = await t.app.inject({ method: 'GET', url: '/about?x=1', headers: { cookie: u.cookie } });
    expect(page.body).toContain('action="/account/language"');
    const res = await postForm(
      t,
      '/account/language',
      { _csrf: u.csrf, locale: 'fr', next: '/about?x=1' },
      { cookie: u.cookie },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/about?x=1');
    expect(await savedLocale(t, u.userId)).toBe('fr');
    const bad = await postForm(t, '/account/language', { _csrf: u.csrf, locale: 'xx' }, { cookie: u.cookie });
    expect(bad.statusCode).toBe(400);
    expect(await savedLocale(t, u.userId)).toBe('fr');
  });

  it('keeps links and a cookie for readers signed out', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/about?lang=es' });
    expect(res.body).toContain('href="/about?lang=fr"');
    expect(res.cookies.find((c) => c.name === 'pt_lang')?.value).toBe('es');
  });
});

describe('slow clients and proxies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: '10.0.0.0/8', REQUEST_TIMEOUT_SECONDS: '30', HEADERS_TIMEOUT_SECONDS: '5' },
    });
  });
  afterAll(async () => t.close());

  it('cuts off slow requests, slow headers and idle connections', () => {
    expect(t.app.server.requestTimeout).toBe(30_000);
    expect(t.app.server.headersTimeout).toBe(5_000);
    expect(t.app.server.keepAliveTimeout).toBe(10_000);
  });

  it('takes the client address from X-Forwarded-For only when a trusted proxy sends it', async () => {
    // The sign-in limiter counts failures by client address: that shows which address was taken.
    const fail = (remoteAddress: string, email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        headers: { 'x-forwarded-for': '203.0.113.7' },
        payload: { email, password: 'wrong password' },
      });
    const keys = async () =>
      (
        await t.database.db.execute<{ key: string }>(
          sql`SELECT DISTINCT key FROM login_attempts WHERE key LIKE 'ip:%' ORDER BY key`,
        )
      ).rows.map((r) => r.key);
    await fail('10.1.2.3', 'proxied@example.org');
    expect(await keys()).toContain('ip:203.0.113.7');
    await fail('198.51.100.1', 'direct@example.org');
    expect(await keys()).toContain('ip:198.51.100.1');
    expect(await keys()).not.toContain('ip:10.1.2.3');
  });

  it('refuses a TRUST_PROXY value that means nothing', async () => {
    await expect(createTestApp({ env: { TRUST_PROXY: 'evil; rm' } })).rejects.toThrow(/TRUST_PROXY/);
  });
});
