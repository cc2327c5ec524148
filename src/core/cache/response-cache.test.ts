import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { apiTokenFor, loginAs } from '../../../test/support/auth.ts';
import { audit } from '../audit/audit.ts';
import { createResponseCache } from './response-cache.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true, demo: true, cache: true });
  // The listener connects in the background; wait until the cache is live.
  for (let i = 0; i < 100 && !t.services.cache.enabled; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => t?.close());

/** Let notifications of earlier changes (sign-ins of test users write audit events) arrive. */
const settle = () => new Promise((r) => setTimeout(r, 150));

const search = (q: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url: `/api/v1/directory/search?q=${encodeURIComponent(q)}`, headers });

describe('the cache of public answers', () => {
  it('answers a repeated anonymous request from memory, per language', async () => {
    expect(t.services.cache.enabled).toBe(true);
    const first = await search('Kyiv');
    expect(first.headers['x-cache']).toBe('miss');
    const second = await search('Kyiv');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    const page = await t.app.inject({ url: '/directory?q=Kyiv&lang=fr' });
    expect(page.headers['x-cache']).toBe('miss');
    expect((await t.app.inject({ url: '/directory?q=Kyiv&lang=fr' })).headers['x-cache']).toBe('hit');
  });

  it('never serves signed-in users from it', async () => {
    const member = await loginAs(t, { role: 'member' });
    await search('Lviv');
    const res = await search('Lviv', { cookie: member.cookie });
    expect(res.headers['x-cache']).toBeUndefined();
  });

  it('is emptied by a change made through the app: the next reader sees it', async () => {
    const token = await apiTokenFor(t, 'secretariat', ['read', 'write']);
    await settle();
    const before = await search('Zaporizhzhia');
    expect(before.json().organisations).toHaveLength(0);
    expect((await search('Zaporizhzhia')).headers['x-cache']).toBe('hit');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/organisations',
      headers: { authorization: `Bearer ${token}` },
      payload: { kind: 'city', names: { en: 'Zaporizhzhia', uk: 'Запоріжжя' }, country: 'UA' },
    });
    expect(created.statusCode).toBe(201);
    const after = await search('Zaporizhzhia');
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.json().organisations.map((o: { name: string }) => o.name)).toContain('Zaporizhzhia');
  });

  it('is emptied by a change committed elsewhere (another instance or a command), through NOTIFY', async () => {
    await settle();
    await search('Mykolaiv');
    expect((await search('Mykolaiv')).headers['x-cache']).toBe('hit');
    // Another process writes directly, with its audit event, as `peacetalks import` does.
    await t.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`INSERT INTO organisations (kind, names, name, country) VALUES ('city', '{"en":"Mykolaiv"}', 'Mykolaiv', 'UA')`,
      );
      await audit(
        tx,
        { actor: null, now: new Date(), requestId: 'cli' },
        { action: 'create', entity: 'organisations' },
      );
    });
    let res = await search('Mykolaiv');
    for (let i = 0; i < 50 && res.headers['x-cache'] === 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      res = await search('Mykolaiv');
    }
    expect(res.json().organisations.map((o: { name: string }) => o.name)).toContain('Mykolaiv');
  });

  it('keeps nothing computed before a clear, and nothing while it cannot hear changes', async () => {
    const cache = createResponseCache({
      maxBytes: 1024 * 1024,
      listenUrl: 'postgres://nobody:wrong@127.0.0.1:1/none',
    });
    expect(cache.enabled).toBe(false);
    cache.set('k', 'v', 1, cache.generation);
    expect(cache.get('k')).toBeUndefined();
    await cache.close();

    const local = createResponseCache({ maxBytes: 1024 });
    const g = local.generation;
    local.clear();
    local.set('k', 'old', 3, g);
    expect(local.get('k')).toBeUndefined();
    local.set('k', 'new', 3, local.generation);
    expect(local.get('k')).toBe('new');
    await local.close();
  });
});
