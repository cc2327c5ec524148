import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { seedTalksDemo } from '../routes.ts';

describe('demo recommendations and actions of the founding session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: true, demo: true });
  });
  afterAll(async () => t?.close());

  const counts = async () =>
    (
      await t.database.db.execute<{ recs: number; actions: number; updates: number }>(sql`
        SELECT (SELECT count(*) FROM talks_recommendations)::int AS recs, (SELECT count(*) FROM talks_actions)::int AS actions,
          (SELECT count(*) FROM talks_action_updates)::int AS updates`)
    ).rows[0];

  it('gives the 1 April 2022 session its recommendations and its actions "for action by LRGs", once', async () => {
    expect(await counts()).toEqual({ recs: 4, actions: 6, updates: 3 });
    const session = (
      await t.database.db.execute<{ id: string }>(
        sql`SELECT session_id AS id FROM talks_actions GROUP BY session_id`,
      )
    ).rows;
    expect(session).toHaveLength(1);
    const page = await t.app.inject({ url: `/talks/sessions/${session[0].id}/recommendations` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong>first respondents</strong>');
    expect(page.body).toContain('avoid bipolarity in reconstruction');
    const tracker = (await t.app.inject({ url: '/api/v1/talks/actions?responsibleGroup=lrgs' })).json();
    expect(tracker.items.length).toBeGreaterThanOrEqual(4);
    await seedTalksDemo(t.ctx());
    expect(await counts()).toEqual({ recs: 4, actions: 6, updates: 3 });
  });
});
