import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { adminActor, loginAs, type SignedIn } from '../../../../test/support/auth.ts';
import { createAction } from './service-actions.ts';
import { createRecommendation } from './service-recommendations.ts';
import { addActionUpdate } from './service-updates.ts';
import { member, org, session } from './test-fixtures.ts';

describe('tracker and recommendation timeline', () => {
  let t: TestApp;
  let staff: SignedIn;
  let section: string;
  let inSection: string;
  let leftSection: string;
  let outside: string;
  let first: string;
  let followUp: string;
  let draft: string;
  let recId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = t.ctx(adminActor());
    section = await org(t, 'UCLG Eurasia', 'section');
    inSection = await org(t, 'Lviv');
    leftSection = await org(t, 'Former member');
    outside = await org(t, 'Barcelona');
    await member(t, inSection, section);
    await member(t, leftSection, section, 'ended');
    staff = await loginAs(t, { role: 'secretariat' });
    first = await session(t, { title: 'First', startsAt: '2022-04-01T10:00:00Z' });
    followUp = await session(t, { title: 'Second', startsAt: '2022-10-01T10:00:00Z' });
    draft = await session(t, { title: 'Draft', status: 'draft', startsAt: '2022-11-01T10:00:00Z' });
    const rec = await createRecommendation(ctx, {
      sessionId: first,
      text: { en: 'Welcome **displaced people**' },
      sourceOrgIds: [outside],
      addressees: ['lrgs'],
      themes: ['displaced_people'],
    });
    recId = rec.id;
    const add = async (
      key: string,
      body: Omit<z.input<typeof createAction.spec.input>, 'sessionId'>,
      sessionId = first,
    ) => {
      ids[key] = (await createAction(ctx, { sessionId, ...body })).id;
    };
    // "Today" for the tests is the real date; due dates far in the past are overdue while open.
    await add('sectionItself', {
      text: { en: 'Section action' },
      responsibleOrgId: section,
      dueOn: '2020-01-01',
    });
    await add('member', {
      text: { en: 'Member action' },
      responsibleOrgId: inSection,
      dueOn: '2021-06-01',
      recommendationId: recId,
    });
    await add('memberDone', {
      text: { en: 'Member done' },
      responsibleOrgId: inSection,
      dueOn: '2020-02-01',
      themes: ['youth'],
    });
    await add('former', {
      text: { en: 'Former member action' },
      responsibleOrgId: leftSection,
      dueOn: '2020-03-01',
    });
    await add('outside', {
      text: { en: 'Outside action' },
      responsibleOrgId: outside,
      dueOn: '2099-01-01',
      recommendationId: recId,
    });
    await add('undated', { text: { en: '=HYPERLINK("http://evil.example")' }, responsibleGroup: 'lrgs' });
    await add(
      'draft',
      { text: { en: 'Draft action' }, responsibleOrgId: inSection, dueOn: '2021-12-01' },
      draft,
    );
    await add('child', {
      text: { en: 'Sub-action' },
      responsibleOrgId: inSection,
      parentId: ids.member,
      dueOn: '2099-06-01',
    });
    const u = (id: string, body: Omit<z.input<typeof addActionUpdate.spec.input>, 'actionId'>) =>
      addActionUpdate(ctx, { ...body, actionId: id });
    await u(ids.memberDone, { status: 'accepted', happenedOn: '2020-01-10' });
    await u(ids.memberDone, { status: 'in_progress', happenedOn: '2020-01-11' });
    await u(ids.memberDone, { status: 'done', happenedOn: '2020-01-20' });
    await u(ids.child, {
      progress: 60,
      note: 'Housing found',
      happenedOn: '2022-10-01',
      sessionId: followUp,
    });
    await u(ids.outside, { status: 'accepted', progress: 10, happenedOn: '2022-05-01' });
  });
  afterAll(async () => t?.close());

  const list = async (query: string, s?: SignedIn) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/talks/actions?${query}`,
      headers: s?.headers() ?? {},
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: { id: string; progress: number; overdue: boolean }[];
      nextCursor: string | null;
    };
  };
  const names = (items: { id: string }[]) => items.map((i) => Object.keys(ids).find((k) => ids[k] === i.id));

  it("filters by Section: its own actions and its active members'", async () => {
    const r = await list(`section=${section}`, staff);
    expect(names(r.items)).toEqual(['sectionItself', 'memberDone', 'member', 'draft', 'child']);
    // The public does not see the draft session's action.
    expect(names((await list(`section=${section}`)).items)).toEqual([
      'sectionItself',
      'memberDone',
      'member',
      'child',
    ]);
  });

  it('filters overdue actions: past due and still open', async () => {
    expect(names((await list('overdue=true')).items)).toEqual(['sectionItself', 'former', 'member']);
    expect((await list('overdue=true')).items.every((a) => a.overdue)).toBe(true);
    expect(names((await list(`overdue=true&section=${section}`)).items)).toEqual(['sectionItself', 'member']);
  });

  it('filters by organisation, group, theme, status and due dates', async () => {
    expect(names((await list(`responsibleOrgId=${outside}`)).items)).toEqual(['outside']);
    expect(names((await list('responsibleGroup=lrgs')).items)).toEqual(['undated']);
    expect(names((await list('theme=youth')).items)).toEqual(['memberDone']);
    // Actions of a recommendation take its themes unless given their own.
    expect(names((await list('theme=displaced_people')).items)).toEqual(['member', 'outside']);
    expect(names((await list('status=done')).items)).toEqual(['memberDone']);
    expect(names((await list('dueAfter=2021-01-01&dueBefore=2099-03-01')).items)).toEqual([
      'member',
      'outside',
    ]);
  });

  it('sorts and pages with a keyset cursor, NULL due dates last', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(names(page.items) as string[]));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['sectionItself', 'memberDone', 'former', 'member', 'outside', 'child', 'undated']);
    const desc: string[] = [];
    cursor = null;
    do {
      const page = await list(`limit=3&dir=desc${cursor ? `&cursor=${cursor}` : ''}`);
      desc.push(...(names(page.items) as string[]));
      cursor = page.nextCursor;
    } while (cursor);
    expect(desc).toEqual([...seen].reverse());
    const byProgress = (await list('sort=progress')).items;
    expect(byProgress.map((a) => a.progress)).toEqual(
      [...byProgress.map((a) => a.progress)].sort((a, b) => b - a),
    );
    const updated: string[] = [];
    cursor = null;
    do {
      const page = await list(`limit=2&sort=updated${cursor ? `&cursor=${cursor}` : ''}`);
      updated.push(...(names(page.items) as string[]));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(updated).size).toBe(7);
    expect((await t.app.inject({ url: '/api/v1/talks/actions?cursor=garbage' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/talks/actions?dueBefore=2022-02-30' })).statusCode).toBe(400);
  });

  it('exports the filtered list as CSV and shows it on the tracker page', async () => {
    const csv = await t.app.inject({ url: `/api/v1/talks/actions.csv?section=${section}&overdue=true` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^action_id,session_id/);
    expect(lines).toHaveLength(3);
    // A text that a spreadsheet would run as a formula is exported as text.
    const all = await t.app.inject({ url: '/api/v1/talks/actions.csv?responsibleGroup=lrgs' });
    expect(all.body).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    const page = await t.app.inject({ url: `/actions?section=${section}&overdue=true` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Section action');
    expect(page.body).toContain('Member action');
    expect(page.body).not.toContain('Outside action');
    expect(page.body).toContain('<th scope="col">');
    const bad = await t.app.inject({ url: '/actions?status=nonsense' });
    expect(bad.statusCode).toBe(400);
  });

  it('tells a recommendation’s story from the session, through updates and follow-up sessions, to the result', async () => {
    const res = await t.app.inject({ url: `/api/v1/talks/recommendations/${recId}/timeline` });
    expect(res.statusCode, res.body).toBe(200);
    const tl = res.json();
    expect(tl.events.map((e: { kind: string; date: string }) => `${e.date} ${e.kind}`)).toEqual([
      '2022-04-01 made',
      '2022-05-01 update',
      '2022-10-01 follow_up',
      '2022-10-01 update',
    ]);
    expect(tl.events[3].note).toEqual({ en: 'Housing found' });
    expect(tl.events[3].session.title.en).toBe('Second');
    expect(tl.actions.map((a: { id: string }) => a.id)).toEqual([ids.member, ids.child, ids.outside]);
    // Member action rolled up from its only child (60), outside at 10: (60 + 10) / 2.
    expect(tl.result.progress).toBe(35);
    expect(tl.result.completed).toBe(false);
    const page = await t.app.inject({ url: `/talks/recommendations/${recId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Housing found');
    expect(page.body).toContain('<strong>displaced people</strong>');
    expect(
      (
        await t.app.inject({
          url: '/api/v1/talks/recommendations/00000000-0000-4000-8000-000000000000/timeline',
        })
      ).statusCode,
    ).toBe(404);
  });
});
