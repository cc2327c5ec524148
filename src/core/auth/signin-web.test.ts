import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { anonymousForm, apiTokenFor, loginAs } from '../../../test/support/auth.ts';
import { createUser } from './index.ts';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const formType = { 'content-type': 'application/x-www-form-urlencoded' };

describe('where sign-in sends the browser back to (next)', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestApp();
    cookie = (await loginAs(t, { role: 'member' })).cookie;
  });
  afterAll(async () => t.close());

  const locationFor = async (rawNext: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/login?next=${rawNext}`, headers: { cookie } });
    return { status: res.statusCode, location: res.headers.location, body: res.body };
  };

  it('keeps same-site paths with their query and fragment', async () => {
    expect((await locationFor(encodeURIComponent('/talks?x=1#top'))).location).toBe('/talks?x=1#top');
    expect((await locationFor('/account')).location).toBe('/account');
  });

  it.each([
    ['//evil.test', '//evil.test'],
    ['/\\evil.test', '/%5Cevil.test'],
    ['/\\/evil.test', '/%5C%2Fevil.test'],
    ['https://evil.test', 'https%3A%2F%2Fevil.test'],
    ['javascript:alert(1)', 'javascript%3Aalert(1)'],
    ['evil.test', 'evil.test'],
    ['/.//evil.test', '/.//evil.test'],
    ['/%5C%5Cevil.test (encoded twice)', '/%255C%255Cevil.test'],
    ['/%2F%2Fevil.test (encoded twice)', '/%252F%252Fevil.test'],
  ])('sends %s home instead', async (_label, raw) => {
    const r = await locationFor(raw);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/');
  });

  it.each([
    ['a tab', '/%09/evil.test'],
    ['a newline', '/%0a/evil.test'],
    ['a carriage return and a header', '/x%0d%0aSet-Cookie:%20a=b'],
    ['a NUL', '/x%00y'],
  ])('refuses %s with 400 validation_failed (never a 500, never followed)', async (_label, raw) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/login?next=${raw}`,
      headers: { cookie, accept: 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'next', code: 'unsafe_redirect' }],
    });
  });

  it('refuses a newline in the form field too, with 400', async () => {
    await createUser(t.database.db, { email: 'next@example.org', name: 'N', password: 'a long password 1' });
    const f = await anonymousForm(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: f.cookie, ...formType },
      payload: form({
        _csrf: f.csrf,
        email: 'next@example.org',
        password: 'a long password 1',
        next: '/a\r\nLocation: https://evil.test',
      }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('encodes a path in another script instead of failing on the header', async () => {
    const r = await locationFor(encodeURIComponent('/directory?q=Київ'));
    expect(r.status).toBe(303);
    expect(r.location).toBe('/directory?q=%D0%9A%D0%B8%D1%97%D0%B2');
  });
});

describe('CSRF is skipped only for a valid bearer token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('refuses a cookie-authenticated form POST that adds a Basic header but no token', async () => {
    const u = await loginAs(t, { role: 'member' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: { cookie: u.cookie, authorization: 'Basic dXNlcjpwYXNz', ...formType },
      payload: form({ name: 'Changed by a forged form' }),
    });
    expect(res.statusCode).toBe(403);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: u.cookie } });
    expect(me.json().name).not.toBe('Changed by a forged form');
  });

  it('refuses any other Authorization scheme with the session cookie and no token', async () => {
    const u = await loginAs(t, { role: 'member' });
    for (const authorization of ['Negotiate abc', 'Bearer', 'bearer pt_unknown', 'Token x']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie: u.cookie, authorization },
      });
      expect(res.statusCode, authorization).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, authorization).toBeLessThan(500);
      expect(res.statusCode, authorization).not.toBe(204);
    }
    // The session is still alive: nothing above signed it out.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: u.cookie } });
    expect(me.statusCode).toBe(200);
  });

  it('ignores every cookie of a request carrying a valid bearer token', async () => {
    const victim = await loginAs(t, { role: 'member' });
    const token = await apiTokenFor(t, 'member', ['read', 'write']);
    // The token's owner signs out "their" session: the victim's cookie must not count.
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: victim.cookie, authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'pt_anon')).toBeUndefined();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: victim.cookie } });
    expect(me.statusCode).toBe(200);
    const who = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: victim.cookie, authorization: `Bearer ${token}` },
    });
    expect(who.json().email).not.toBe(victim.email);
  });
});

describe('cookies are Secure when the public address is https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_URL: 'https://peace.example.org' } });
    await createUser(t.database.db, { email: 'sec@example.org', name: 'S', password: 'a long password 1' });
  });
  afterAll(async () => t.close());

  it('marks the anonymous, language and session cookies Secure', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/login?lang=fr' });
    for (const name of ['pt_anon', 'pt_lang']) {
      expect(first.cookies.find((c) => c.name === name)?.secure, name).toBe(true);
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'sec@example.org', password: 'a long password 1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === 'pt_session')?.secure).toBe(true);
  });
});
