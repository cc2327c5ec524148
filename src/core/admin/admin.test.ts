import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { apiTokenFor, loginAs, postForm, type SignedIn } from '../../../test/support/auth.ts';

describe('administration', () => {
  let t: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAs(t, { role: 'admin' });
  });
  afterAll(async () => t.close());

  const pages = ['/admin', '/admin/users', '/admin/security', '/admin/outbox', '/admin/audit'];

  it('shows every administration page to admins only', async () => {
    const member = await loginAs(t, { role: 'member' });
    for (const url of pages) {
      const ok = await t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
      expect(ok.statusCode, url).toBe(200);
      expect(ok.body).toContain('<h1>');
      expect(
        (await t.app.inject({ method: 'GET', url, headers: { cookie: member.cookie } })).statusCode,
        url,
      ).toBe(403);
      const anon = await t.app.inject({ method: 'GET', url });
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    const user = await t.app.inject({
      method: 'GET',
      url: `/admin/users/${member.userId}`,
      headers: { cookie: admin.cookie },
    });
    expect(user.statusCode).toBe(200);
    expect(user.body).toContain(member.email);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: { cookie: member.cookie } }))
        .statusCode,
    ).toBe(403);
  });

  it('grants and revokes roles (scoped to an organisation), audited, and keeps the last admin', async () => {
    const u = await loginAs(t, { role: null });
    const org = '0a0a0a0a-1111-4222-8333-444444444444';
    const grant = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${u.userId}/roles`,
      headers: admin.headers(),
      payload: { role: 'section_coordinator', scopeOrgId: org },
    });
    expect(grant.statusCode).toBe(201);
    const roleId = grant.json().id;
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${u.userId}/roles`,
      headers: admin.headers(),
      payload: { role: 'section_coordinator', scopeOrgId: org },
    });
    expect(again.statusCode).toBe(409);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?role=section_coordinator',
      headers: admin.headers(),
    });
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: u.userId,
        roles: [{ id: roleId, role: 'section_coordinator', scopeOrgId: org }],
      }),
    ]);
    // With the form, too.
    const form = await postForm(
      t,
      `/admin/users/${u.userId}/roles`,
      { _csrf: admin.csrf, role: 'partner', scopeOrgId: '' },
      { cookie: admin.cookie },
    );
    expect(form.statusCode).toBe(303);
    const bad = await postForm(
      t,
      `/admin/users/${u.userId}/roles`,
      { _csrf: admin.csrf, role: 'partner', scopeOrgId: 'nope' },
      { cookie: admin.cookie },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="nope"');

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${u.userId}/roles/${roleId}`,
      headers: admin.headers(),
    });
    expect(del.statusCode).toBe(204);
    const events = await t.database.db.execute<{ action: string }>(
      sql`SELECT action FROM audit_events WHERE entity = 'user_role' AND entity_id = ${roleId} ORDER BY id`,
    );
    expect(events.rows.map((e) => e.action)).toEqual(['grant', 'revoke']);

    // Revoking the only network-wide admin of a fresh instance is refused.
    const t2 = await createTestApp();
    try {
      const only = await loginAs(t2, { role: 'admin' });
      const mine = await t2.database.db.execute<{ id: string }>(
        sql`SELECT id FROM user_roles WHERE user_id = ${only.userId}`,
      );
      const last = await t2.app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/users/${only.userId}/roles/${mine.rows[0].id}`,
        headers: only.headers(),
      });
      expect(last.statusCode).toBe(409);
    } finally {
      await t2.close();
    }
  });

  it('lists and filters the audit log with keyset pagination', async () => {
    const all = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?limit=2',
      headers: admin.headers(),
    });
    expect(all.statusCode).toBe(200);
    const first = all.json();
    expect(first.items).toHaveLength(2);
    expect(first.items[0].id).toBeGreaterThan(first.items[1].id);
    const next = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?limit=2&before=${first.nextBefore}`,
      headers: admin.headers(),
    });
    expect(next.json().items[0].id).toBeLessThan(first.items[1].id);

    const byEntity = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?entity=user&entityId=${admin.userId}&action=create`,
      headers: admin.headers(),
    });
    expect(byEntity.json().items).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    const byDate = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?from=${today}&to=${today}`,
      headers: admin.headers(),
    });
    expect(byDate.json().items.length).toBeGreaterThan(0);
    const none = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?to=2000-01-01',
      headers: admin.headers(),
    });
    expect(none.json().items).toHaveLength(0);
    const badDate = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?from=yesterday',
      headers: admin.headers(),
    });
    expect(badDate.statusCode).toBe(400);
    const byActor = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?actor=${admin.userId}`,
      headers: admin.headers(),
    });
    expect(byActor.json().items.every((e: { actorId: string }) => e.actorId === admin.userId)).toBe(true);

    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/audit?entity=user_role&from=not-a-date',
      headers: { cookie: admin.cookie },
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('value="user_role"');
    const html = await t.app.inject({
      method: 'GET',
      url: '/admin/audit?entity=user',
      headers: { cookie: admin.cookie },
    });
    expect(html.body).toContain('<table class="table audit">');
  });

  it('shows the outbox newest first, paginated', async () => {
    for (let i = 0; i < 25; i++) {
      await t.services.mailer.enqueue(t.database.db, {
        to: `n${i}@example.org`,
        subject: `Message ${i}`,
        text: 'Hello',
      });
      await t.database.db.execute(
        sql`UPDATE outbox SET created_at = now() + ${`${i} seconds`}::interval WHERE subject = ${`Message ${i}`}`,
      );
    }
    const r = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/outbox?limit=10',
      headers: admin.headers(),
    });
    const body = r.json();
    expect(body.items[0].subject).toBe('Message 24');
    expect(body.hasMore).toBe(true);
    const p3 = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/outbox?limit=10&page=3',
      headers: admin.headers(),
    });
    expect(p3.json().items.at(-1).subject).toBe('Message 0');
    expect(p3.json().hasMore).toBe(false);
    const html = await t.app.inject({
      method: 'GET',
      url: '/admin/outbox?page=2',
      headers: { cookie: admin.cookie },
    });
    expect(html.body).toContain('Message 4');
    expect(html.body).toContain('rel="prev"');
  });

  it('limits API tokens to their scopes', async () => {
    const read = await apiTokenFor(t, 'admin', ['read']);
    const write = await apiTokenFor(t, 'admin', ['write']);
    const full = await apiTokenFor(t, 'admin', ['read', 'write', 'admin']);
    const bearer = (tk: string) => ({ authorization: `Bearer ${tk}` });
    expect(read.startsWith('pt_')).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(read) })).statusCode).toBe(
      200,
    );
    const invite = (tk: string, email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/invitations',
        headers: bearer(tk),
        payload: { email, name: 'Token invitee', roles: [{ role: 'member' }] },
      });
    expect((await invite(read, 'a@tokens.example')).statusCode).toBe(403);
    expect((await invite(write, 'b@tokens.example')).statusCode).toBe(403);
    expect((await invite(full, 'c@tokens.example')).statusCode).toBe(201);
    // A token cannot mint tokens, whatever its scopes.
    const mint = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: bearer(full),
      payload: { name: 'x', scopes: ['read'] },
    });
    expect(mint.statusCode).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: 'Bearer pt_nonsense' },
        })
      ).statusCode,
    ).toBe(401);
    const stored = await t.database.db.execute<{ token_hash: string }>(
      sql`SELECT token_hash FROM api_tokens`,
    );
    expect(stored.rows.some((r) => r.token_hash.includes(read.slice(3)))).toBe(false);
  });

  it('creates, lists and revokes tokens from the account page and the API', async () => {
    const u = await loginAs(t, { role: 'member' });
    const created = await postForm(
      t,
      '/account/tokens',
      { _csrf: u.csrf, tokenName: 'My script', scopes: ['read', 'write'] },
      { cookie: u.cookie },
    );
    expect(created.statusCode).toBe(201);
    const token = /value="(pt_[\w-]+)"/.exec(created.body)![1];
    // Members cannot pick the admin scope.
    const refused = await postForm(
      t,
      '/account/tokens',
      { _csrf: u.csrf, tokenName: 'Too much', scopes: ['admin'] },
      { cookie: u.cookie },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('value="Too much"');
    const viaApi = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: u.headers(),
      payload: { name: 'CI', scopes: ['read'] },
    });
    expect(viaApi.statusCode).toBe(201);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: u.headers() });
    expect(
      list
        .json()
        .items.map((x: { name: string }) => x.name)
        .sort(),
    ).toEqual(['CI', 'My script']);
    expect(JSON.stringify(list.json())).not.toContain('pt_');
    const id = list.json().items.find((x: { name: string }) => x.name === 'My script').id;
    const revoke = await postForm(t, `/account/tokens/${id}/revoke`, { _csrf: u.csrf }, { cookie: u.cookie });
    expect(revoke.statusCode).toBe(303);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(401);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${viaApi.json().id}`,
      headers: u.headers(),
    });
    expect(del.statusCode).toBe(204);
    const events = await t.database.db.execute<{ action: string; after: unknown }>(
      sql`SELECT action, after FROM audit_events WHERE entity = 'api_token' AND actor_id = ${u.userId} ORDER BY id`,
    );
    expect(events.rows.map((e) => e.action)).toEqual(['create', 'create', 'revoke', 'revoke']);
    expect(JSON.stringify(events.rows)).not.toContain(token);
  });

  it('updates the profile and keeps the values when they are wrong', async () => {
    const u = await loginAs(t, { role: 'member' });
    const ok = await postForm(
      t,
      '/account/profile',
      { _csrf: u.csrf, name: 'New Name', locale: 'es' },
      { cookie: u.cookie },
    );
    expect(ok.statusCode).toBe(303);
    const page = await t.app.inject({
      method: 'GET',
      url: '/account?done=saved',
      headers: { cookie: u.cookie },
    });
    expect(page.body).toContain('lang="es"');
    expect(page.body).toContain('Guardado.');
    const bad = await postForm(
      t,
      '/account/profile',
      { _csrf: u.csrf, name: '   ', locale: 'es' },
      { cookie: u.cookie },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Rellene este campo.');
    const audit = await t.database.db.execute<{ before: unknown; after: unknown }>(
      sql`SELECT before, after FROM audit_events WHERE entity = 'user' AND action = 'update' AND entity_id = ${u.userId}`,
    );
    expect(audit.rows).toEqual([
      { before: { name: 'Test member', locale: null }, after: { name: 'New Name', locale: 'es' } },
    ]);
  });
});
