import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/app.ts';
import { loginAs } from '../../../../../test/support/auth.ts';

let t: TestApp;
let published: string;
let scheduled: string;
let draft: string;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const series = (
    await db.execute<{ id: string }>(
      sql`INSERT INTO talks_series (slug, title) VALUES ('mpt', '{"en":"Peace Talks"}'::jsonb) RETURNING id`,
    )
  ).rows[0].id;
  const session = async (title: Record<string, string>, status: string) =>
    (
      await db.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, starts_at, format, status)
      VALUES (${series}, ${JSON.stringify(title)}::jsonb, now(), 'online', ${status}) RETURNING id`)
    ).rows[0].id;
  published = await session(
    { en: 'Reconstruction and reconciliation', fr: 'Reconstruction et réconciliation' },
    'published',
  );
  scheduled = await session({ en: 'Humanitarian corridors ahead' }, 'scheduled');
  draft = await session({ en: 'Secret humanitarian planning' }, 'draft');
  for (const s of [published, scheduled, draft]) {
    await db.execute(sql`INSERT INTO talks_contributions (session_id, body) VALUES
      (${s}, '{"en":"Cities must build **humanitarian corridors** for displaced people.","uk":"Міста мають будувати гуманітарні коридори."}'::jsonb)`);
    await db.execute(sql`INSERT INTO talks_recommendations (session_id, text) VALUES
      (${s}, '{"fr":"Renforcer les médecins des villes frontalières."}'::jsonb)`);
    await db.execute(sql`INSERT INTO talks_actions (session_id, text, responsible_group) VALUES
      (${s}, '{"en":"Revitalise twinnings between cities"}'::jsonb, 'lrgs')`);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const search = async (q: string, headers?: Record<string, string>) => {
  const r = await t.app.inject({
    method: 'GET',
    url: `/api/v1/talks/search?q=${encodeURIComponent(q)}`,
    headers,
  });
  expect(r.statusCode).toBe(200);
  return r.json().items as {
    kind: string;
    sessionId: string;
    snippet: string;
    lang: string;
    fallback: boolean;
    url: string;
  }[];
};

describe('talks search', () => {
  it('finds every kind of record, in every language, by prefix and without accents', async () => {
    const corridors = await search('humanitarian corrid');
    expect(
      corridors
        .map(
          (h) =>
            `${h.kind}:${h.sessionId === published ? 'pub' : h.sessionId === scheduled ? 'sch' : 'draft'}`,
        )
        .sort(),
    ).toEqual(['contribution:pub', 'session:sch']);
    const c = corridors.find((h) => h.kind === 'contribution')!;
    expect(c.snippet).toBe('Cities must build humanitarian corridors for displaced people.');
    expect(c.url).toBe(
      `/talks/sessions/${published}/summary#c-${corridors.find((h) => h.kind === 'contribution')!.url.split('#c-')[1]}`,
    );

    const ukr = await search('гуманітарні');
    expect(ukr).toHaveLength(1);
    expect(ukr[0]).toMatchObject({ kind: 'contribution', lang: 'uk', fallback: true });

    const doctors = await search('medecins');
    expect(doctors).toHaveLength(1);
    expect(doctors[0]).toMatchObject({ kind: 'recommendation', lang: 'fr' });
    expect((await search('twin'))[0]).toMatchObject({
      kind: 'action',
      url: expect.stringMatching(/^\/talks\/actions\//),
    });
    expect((await search('reconciliation'))[0]).toMatchObject({ kind: 'session', sessionId: published });
  });

  it('shows unpublished content only to those who may read it', async () => {
    expect(await search('Secret')).toEqual([]);
    const staff = await loginAs(t, { role: 'secretariat' });
    const all = await search('humanitarian', staff.headers());
    expect(all.filter((h) => h.kind === 'contribution')).toHaveLength(3);
    expect(all.some((h) => h.kind === 'session' && h.sessionId === draft)).toBe(true);
  });

  it('has a page that works without JavaScript, and refuses bad queries with 400', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/talks/search?q=corridors&kind=contribution' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<search><form method="get" action="/talks/search"');
    expect(page.body).toContain('humanitarian corridors for displaced people');
    expect(page.body).not.toContain('Humanitarian corridors ahead</a>');
    const empty = await t.app.inject({ method: 'GET', url: '/talks/search?q=zzzzqqq' });
    expect(empty.body).toContain('Nothing found');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/talks/search?q=' })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/talks/search?q=a&kind=people' })).statusCode,
    ).toBe(400);
    expect(await search('!!! ***')).toEqual([]);
  });
});
