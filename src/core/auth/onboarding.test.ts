import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  anonymousForm,
  loginAs,
  postForm,
  type SignedIn,
  sessionCookieOf,
} from '../../../test/support/auth.ts';
import { createMailer } from '../mail/mailer.ts';
import { createUser, inviteUser } from './index.ts';

const lastMailTo = async (t: TestApp, to: string) => {
  const r = await t.database.db.execute<{ id: string; subject: string; text: string; status: string }>(
    sql`SELECT id, subject, text, status FROM outbox WHERE "to" = ${to} ORDER BY created_at DESC LIMIT 1`,
  );
  return r.rows[0];
};
const linkIn = (text: string, path: string) => new RegExp(`https?://[^\\s]+(${path}/[\\w-]+)`).exec(text)![1];

describe('invitations and password resets', () => {
  let t: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_URL: 'https://peace.example.org' } });
    admin = await loginAs(t, { role: 'admin' });
  });
  afterAll(async () => t.close());

  it('invites with the admin form: the mail lands in the outbox, and accepting it signs in', async () => {
    const orgId = '11111111-2222-4333-8444-555555555555';
    const res = await postForm(
      t,
      '/admin/users',
      {
        _csrf: admin.csrf,
        email: 'mayor@city.example',
        name: 'Mayor',
        role: 'member',
        scopeOrgId: orgId,
        locale: 'fr',
      },
      { cookie: admin.cookie },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/users?done=invited');
    const user = await t.database.db.execute<{ id: string; status: string; password_hash: string | null }>(
      sql`SELECT id, status, password_hash FROM users WHERE email = 'mayor@city.example'`,
    );
    expect(user.rows[0]).toMatchObject({ status: 'invited', password_hash: null });
    const roles = await t.database.db.execute(
      sql`SELECT role, scope_org_id FROM user_roles WHERE user_id = ${user.rows[0].id}`,
    );
    expect(roles.rows).toEqual([{ role: 'member', scope_org_id: orgId }]);

    const mail = await lastMailTo(t, 'mayor@city.example');
    expect(mail.status).toBe('kept');
    expect(mail.subject).toContain('Peace Talks');
    expect(mail.text).toContain('https://peace.example.org/invitations/');
    expect(mail.text).toMatch(/Bonjour/); // the invitation is in the language chosen
    const path = linkIn(mail.text, '/invitations');

    const page = await anonymousForm(t, path);
    expect(page.status).toBe(200);
    expect(page.body).toContain('value="Mayor"');
    const mismatch = await postForm(
      t,
      path,
      { _csrf: page.csrf, name: 'Mayor Ana', password: 'a long enough password', confirm: 'something else' },
      { cookie: page.cookie },
    );
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('value="Mayor Ana"');
    const short = await postForm(
      t,
      path,
      { _csrf: page.csrf, name: 'Mayor Ana', password: 'short', confirm: 'short' },
      { cookie: page.cookie },
    );
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('aria-invalid="true"');

    const ok = await postForm(
      t,
      path,
      {
        _csrf: page.csrf,
        name: 'Mayor Ana',
        password: 'a long enough password',
        confirm: 'a long enough password',
      },
      { cookie: page.cookie },
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account?done=welcome');
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: sessionCookieOf(ok) },
    });
    expect(me.json()).toMatchObject({ name: 'Mayor Ana', status: 'active', locale: 'fr' });

    // The link works once.
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(400);
    const events = await t.database.db.execute<{ action: string; after: Record<string, unknown> }>(
      sql`SELECT action, after FROM audit_events WHERE entity_id = ${user.rows[0].id} ORDER BY id`,
    );
    expect(events.rows.map((e) => e.action)).toEqual(['invite', 'accept_invitation']);
    expect(JSON.stringify(events.rows)).not.toContain('argon2');
  });

  it('keeps the entered values and shows the error when the invitation is refused', async () => {
    const res = await postForm(
      t,
      '/admin/users',
      { _csrf: admin.csrf, email: 'not-an-email', name: 'Someone', role: 'member', scopeOrgId: '' },
      { cookie: admin.cookie },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('value="Someone"');
    const dup = await postForm(
      t,
      '/admin/users',
      { _csrf: admin.csrf, email: admin.email.toUpperCase(), name: 'Again', role: 'member' },
      { cookie: admin.cookie },
    );
    expect(dup.statusCode).toBe(409);
  });

  it('lets the secretariat invite, but not give the admin role, and not see the rest of /admin', async () => {
    const sec = await loginAs(t, { role: 'secretariat' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: sec.cookie } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie: sec.cookie } })).statusCode,
    ).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/invitations',
      headers: sec.headers(),
      payload: { email: 'partner@ngo.example', name: 'Partner', roles: [{ role: 'partner' }] },
    });
    expect(ok.statusCode).toBe(201);
    const no = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/invitations',
      headers: sec.headers(),
      payload: { email: 'boss@ngo.example', name: 'Boss', roles: [{ role: 'admin' }] },
    });
    expect(no.statusCode).toBe(403);
    const member = await loginAs(t, { role: 'member' });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/invitations',
      headers: member.headers(),
      payload: { email: 'x@ngo.example', name: 'X', roles: [{ role: 'member' }] },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('hands the mail to the delivery job after commit when SMTP is configured', async () => {
    const jobs = t.services.jobs as typeof t.services.jobs & {
      sent: { queue: string; data: Record<string, unknown> }[];
    };
    const before = jobs.sent.length;
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:9', from: 'x@peace.example.org' });
    await inviteUser(
      t.ctx(admin.actor),
      { email: 'smtp@city.example', name: 'Smtp', roles: [{ role: 'member' }] },
      { config: t.services.config, mailer, jobs },
    );
    const mail = await lastMailTo(t, 'smtp@city.example');
    expect(mail.status).toBe('queued');
    expect(jobs.sent.slice(before)).toEqual([{ queue: 'mail.deliver', data: { id: mail.id } }]);
  });

  it('resets a password: same answer for unknown addresses, one-time link, other sessions end', async () => {
    await createUser(t.services.database.db, {
      email: 'reset@city.example',
      name: 'Reset',
      password: 'the old password',
    });
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'reset@city.example', password: 'the old password' },
    });
    const oldCookie = sessionCookieOf(old);

    const f = await anonymousForm(t, '/password/forgot');
    const unknown = await postForm(
      t,
      '/password/forgot',
      { _csrf: f.csrf, email: 'nobody@city.example' },
      { cookie: f.cookie },
    );
    const known = await postForm(
      t,
      '/password/forgot',
      { _csrf: f.csrf, email: 'RESET@city.example' },
      { cookie: f.cookie },
    );
    expect(unknown.statusCode).toBe(303);
    expect(known.statusCode).toBe(303);
    expect(unknown.headers.location).toBe(known.headers.location);
    expect(await lastMailTo(t, 'nobody@city.example')).toBeUndefined();
    const mail = await lastMailTo(t, 'reset@city.example');
    const path = linkIn(mail.text, '/password/reset');

    const page = await anonymousForm(t, path);
    expect(page.status).toBe(200);
    const done = await postForm(
      t,
      path,
      { _csrf: page.csrf, password: 'a brand new password', confirm: 'a brand new password' },
      { cookie: page.cookie },
    );
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/login?done=passwordReset');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: oldCookie } })).statusCode,
    ).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(400);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'reset@city.example', password: 'a brand new password' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('answers an unknown or expired link with a clear error page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/invitations/not-a-real-token-aaaaaaaaaaaaaaa' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    await createUser(t.services.database.db, {
      email: 'late@city.example',
      name: 'Late',
      password: 'the old password',
    });
    const f = await anonymousForm(t, '/password/forgot');
    await postForm(
      t,
      '/password/forgot',
      { _csrf: f.csrf, email: 'late@city.example' },
      { cookie: f.cookie },
    );
    const path = linkIn((await lastMailTo(t, 'late@city.example')).text, '/password/reset');
    await t.database.db.execute(
      sql`UPDATE one_time_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = 'password_reset'`,
    );
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(410);
  });
});
