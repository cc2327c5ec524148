import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { seedTalksDemo } from '../routes.ts';
import { keyMessages } from './key-messages.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true, demo: true });
}, 120_000);
afterAll(async () => t?.close());

const sessionId = async () =>
  (
    await t.database.db.execute<{ id: string }>(
      sql`SELECT id FROM talks_sessions WHERE starts_at = '2022-04-01T12:00:00Z'`,
    )
  ).rows[0].id;

describe('demo Talks at first run', () => {
  it('loads the founding session of 1 April 2022: published, its four partners, its narrative', async () => {
    const res = await t.app.inject({ url: `/api/v1/talks/sessions/${await sessionId()}` });
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.session).toMatchObject({ status: 'published', format: 'online' });
    expect(d.session.title.en).toBe('The UCLG Municipal Peace Talks');
    const partners = d.participants
      .filter((p: { role: string }) => p.role === 'partner')
      .map(
        (p: { organisationAcronym: string | null; organisationName: string }) =>
          p.organisationAcronym ?? p.organisationName,
      );
    expect(partners).toEqual(['ACCORD', 'CIDOB', 'Gateway to Africa', 'PAX']);
    expect(d.contributions).toHaveLength(10);
    const keys = d.contributions.flatMap((c: { body: { en: string } }) => keyMessages(c.body.en));
    expect(keys).toEqual([
      'transcend the classical state-level approach',
      'think about how cities could become the last safe haven in contexts of war',
      'the transformative efforts of local and regional governments that included Russian cities and regions in their conversations',
      'highlighting the importance of mayors who remained at their posts during the worst of the crisis',
      'It is important for border local and regional governments to support displaced populations, in particular children, women, and young people',
      'facing, calling to recognise the role of cities and regions as first respondents',
      'Mayors are being attacked, which is in itself an attack on local self-governance, and a direct hit to the founding principles of the municipal movement',
      'Developing a culture of peace also calls on us to develop, from the local and regional sphere, opposition to a reinvigorated nuclear race',
    ]);
    expect(d.agenda).toHaveLength(3);
  });

  it('shows the public an upcoming hybrid session open for registration, and the founding one as past', async () => {
    const page = await t.app.inject({ url: '/talks' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Peace Talks in The Hague, city of peace and justice');
    expect(page.body).toContain('The UCLG Municipal Peace Talks');
    const session = await t.app.inject({ url: `/talks/sessions/${await sessionId()}` });
    expect(session.body).toContain(
      '<strong class="key-message">transcend the classical state-level approach</strong>',
    );
  });

  it('is idempotent: seeding again adds nothing and returns the same ids', async () => {
    const counts = async () =>
      (
        await t.database.db.execute<{ s: number; c: number; p: number; o: number }>(sql`SELECT
          (SELECT count(*)::int FROM talks_sessions) AS s, (SELECT count(*)::int FROM talks_contributions) AS c,
          (SELECT count(*)::int FROM talks_participants) AS p, (SELECT count(*)::int FROM organisations) AS o`)
      ).rows[0];
    const before = await counts();
    const again = await seedTalksDemo(t.ctx());
    expect(again.sessionId).toBe(await sessionId());
    expect(Object.keys(again.organisations)).toEqual(
      expect.arrayContaining(['ACCORD', 'CIDOB', 'Gateway to Africa', 'PAX', 'UCLG', 'The Hague']),
    );
    expect(await counts()).toEqual(before);
  });
});
