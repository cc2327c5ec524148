import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { loginAs, postForm, type SignedIn } from '../../../../test/support/auth.ts';
import { addActionUpdate } from './service-updates.ts';
import { org, session } from './test-fixtures.ts';

describe('recommendations and actions', () => {
  let t: TestApp;
  let staff: SignedIn;
  let memberA: SignedIn;
  let memberB: SignedIn;
  let orgA: string;
  let orgB: string;
  let published: string;
  let held: string;
  let follow: string;

  beforeAll(async () => {
    t = await createTestApp();
    orgA = await org(t, 'Lviv');
    orgB = await org(t, 'Kharkiv');
    staff = await loginAs(t, { role: 'secretariat' });
    memberA = await loginAs(t, { role: 'member', scopeOrgId: orgA, name: 'Olena of Lviv' });
    memberB = await loginAs(t, { role: 'member', scopeOrgId: orgB });
    published = await session(t, { status: 'published', title: 'First talk' });
    held = await session(t, { status: 'held', title: 'Closed talk' });
    follow = await session(t, {
      status: 'published',
      title: 'Follow-up talk',
      startsAt: '2022-09-01T10:00:00Z',
    });
  });
  afterAll(async () => t?.close());

  const send = (method: 'POST' | 'PATCH', url: string, body: unknown, s?: SignedIn) =>
    t.app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', ...(s?.headers() ?? {}) },
      payload: JSON.stringify(body),
    });
  const get = (url: string, s?: SignedIn) =>
    t.app.inject({ method: 'GET', url, headers: s?.headers() ?? {} });
  const count = async (table: string) =>
    Number(
      (await t.database.db.execute<{ n: string }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))).rows[0].n,
    );
  const progressOf = async (id: string) =>
    (
      await t.database.db.execute<{ progress: number }>(
        sql`SELECT progress FROM talks_actions WHERE id = ${id}`,
      )
    ).rows[0].progress;
  const newAction = async (body: Record<string, unknown>) => {
    const res = await send('POST', '/api/v1/talks/actions', { sessionId: published, ...body }, staff);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; depth: number; themes: string[]; version: number };
  };
  const update = (id: string, body: Record<string, unknown>, s: SignedIn = staff) =>
    send('POST', `/api/v1/talks/actions/${id}/updates`, { happenedOn: '2022-05-01', ...body }, s);

  it('records a recommendation with its sources, addressees and themes; unknown sources write nothing', async () => {
    const res = await send(
      'POST',
      `/api/v1/talks/sessions/${published}/recommendations`,
      {
        text: { en: 'Open **humanitarian corridors**', fr: 'Ouvrir des couloirs' },
        sourceOrgIds: [orgA, orgB],
        addressees: ['lrgs'],
        themes: ['humanitarian_corridors'],
      },
      staff,
    );
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.sources.map((s: { name: string }) => s.name)).toEqual(['Kharkiv', 'Lviv']);
    expect(rec.addressees).toEqual(['lrgs']);

    const before = await count('talks_recommendations');
    const bad = await send(
      'POST',
      `/api/v1/talks/sessions/${published}/recommendations`,
      { text: { en: 'x' }, sourceOrgIds: ['00000000-0000-4000-8000-000000000000'] },
      staff,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('unknown_reference');
    expect(await count('talks_recommendations')).toBe(before);

    const asMember = await send(
      'POST',
      `/api/v1/talks/sessions/${published}/recommendations`,
      { text: { en: 'x' } },
      memberA,
    );
    expect(asMember.statusCode).toBe(403);
    const empty = await send(
      'POST',
      `/api/v1/talks/sessions/${published}/recommendations`,
      { text: { en: '  ' } },
      staff,
    );
    expect(empty.statusCode).toBe(400);

    const edited = await send(
      'PATCH',
      `/api/v1/talks/recommendations/${rec.id}`,
      { version: rec.version, sourceOrgIds: [orgA], themes: ['humanitarian_corridors', 'displaced_people'] },
      staff,
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().sources.map((x: { name: string }) => x.name)).toEqual(['Lviv']);
    const stale = await send(
      'PATCH',
      `/api/v1/talks/recommendations/${rec.id}`,
      { version: rec.version, themes: [] },
      staff,
    );
    expect(stale.statusCode).toBe(409);
    expect((await get(`/api/v1/talks/recommendations/${rec.id}`)).json().themes).toEqual([
      'humanitarian_corridors',
      'displaced_people',
    ]);
  });

  it('rolls progress up three levels, weighted and plain, in the same transaction as the change', async () => {
    const root = await newAction({ text: { en: 'Root' }, responsibleOrgId: orgA, rollup: 'weighted' });
    const c1 = await newAction({
      text: { en: 'C1' },
      parentId: root.id,
      weight: 1,
      rollup: 'plain',
      responsibleOrgId: orgA,
    });
    const c2 = await newAction({ text: { en: 'C2' }, parentId: root.id, weight: 3, responsibleOrgId: orgA });
    const g1 = await newAction({ text: { en: 'G1' }, parentId: c1.id, responsibleOrgId: orgA });
    const g2 = await newAction({ text: { en: 'G2' }, parentId: c1.id, weight: 9, responsibleOrgId: orgA });
    expect(g1.depth).toBe(2);
    const tooDeep = await send(
      'POST',
      '/api/v1/talks/actions',
      { sessionId: published, text: { en: 'x' }, parentId: g1.id },
      staff,
    );
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().error.details[0].code).toBe('too_deep');

    expect((await update(g1.id, { status: 'accepted', progress: 100 })).statusCode).toBe(201);
    // C1 plain: (100 + 0) / 2 = 50, whatever G2's weight; root weighted: (50×1 + 0×3) / 4 = 12.5 → 13.
    expect(await progressOf(c1.id)).toBe(50);
    expect(await progressOf(root.id)).toBe(13);
    const r2 = await update(c2.id, { progress: 80 });
    expect(r2.json().rolledUp).toEqual([{ id: root.id, from: 13, to: 73 }]); // (50 + 240) / 4 = 72.5
    // A dropped sub-action no longer counts: C1 = 100, root = (100 + 240) / 4 = 85.
    await update(g2.id, { status: 'dropped' });
    expect(await progressOf(c1.id)).toBe(100);
    expect(await progressOf(root.id)).toBe(85);
    // A parent's progress is computed, never set.
    const onParent = await update(c1.id, { progress: 10 });
    expect(onParent.statusCode).toBe(400);
    expect(onParent.json().error.details[0].code).toBe('rolled_up');
    // A new child counts at once.
    await newAction({ text: { en: 'C3' }, parentId: root.id, weight: 4, responsibleOrgId: orgA });
    expect(await progressOf(root.id)).toBe(43); // (100 + 240 + 0) / 8 = 42.5
  });

  it('keeps both of two concurrent updates on siblings in the parent', async () => {
    const parent = await newAction({ text: { en: 'Parent' }, rollup: 'plain', responsibleOrgId: orgA });
    const kids = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        newAction({ text: { en: `Kid ${i}` }, parentId: parent.id, responsibleOrgId: orgA }),
      ),
    );
    await Promise.all(
      kids.map((k, i) =>
        addActionUpdate(t.ctx(staff.actor), {
          actionId: k.id,
          happenedOn: '2022-06-01',
          progress: (i + 1) * 20,
        }),
      ),
    );
    expect(await progressOf(parent.id)).toBe(50); // (20 + 40 + 60 + 80) / 4
  });

  it('follows the status workflow: forbidden moves are 409 and write nothing; progress out of range is 400', async () => {
    const a = await newAction({ text: { en: 'Workflow' }, responsibleOrgId: orgA });
    const before = await count('talks_action_updates');
    const skip = await update(a.id, { status: 'done' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error.code).toBe('invalid_transition');
    const over = await update(a.id, { progress: 150 });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.code).toBe('validation_failed');
    const badDate = await update(a.id, { progress: 10, happenedOn: '2022-02-30' });
    expect(badDate.statusCode).toBe(400);
    const nothing = await update(a.id, {});
    expect(nothing.statusCode).toBe(400);
    expect(await count('talks_action_updates')).toBe(before);

    for (const status of [
      'accepted',
      'in_progress',
      'done',
      'in_progress',
      'deferred',
      'dropped',
      'proposed',
    ])
      expect((await update(a.id, { status })).statusCode).toBe(201);
    const detail = (await get(`/api/v1/talks/actions/${a.id}`, staff)).json();
    expect(detail.action.status).toBe('proposed');
    // Done completes a leaf; the history keeps every step, newest first.
    expect(detail.updates.map((u: { statusTo: string }) => u.statusTo)).toEqual([
      'proposed',
      'dropped',
      'deferred',
      'in_progress',
      'done',
      'in_progress',
      'accepted',
    ]);
    expect(detail.updates.find((u: { statusTo: string }) => u.statusTo === 'done').progressTo).toBe(100);
  });

  it("lets the responsible organisation's members report, not others; staff alone edit", async () => {
    const a = await newAction({ text: { en: 'For Lviv' }, responsibleOrgId: orgA });
    expect((await update(a.id, { progress: 30, note: 'Started' }, memberB)).statusCode).toBe(403);
    const anon = await t.app.inject({
      method: 'POST',
      url: `/api/v1/talks/actions/${a.id}/updates`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ happenedOn: '2022-05-01', progress: 5 }),
    });
    expect(anon.statusCode).toBe(401);
    const ok = await update(
      a.id,
      { progress: 30, note: 'Started', evidenceUrl: 'https://lviv.example/report' },
      memberA,
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().update.note).toEqual({ en: 'Started' });
    expect(
      (
        await send(
          'PATCH',
          `/api/v1/talks/actions/${a.id}`,
          { version: a.version, dueOn: '2023-01-01' },
          memberA,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await send('POST', '/api/v1/talks/actions', { sessionId: published, text: { en: 'x' } }, memberA))
        .statusCode,
    ).toBe(403);

    const patched = await send(
      'PATCH',
      `/api/v1/talks/actions/${a.id}`,
      { version: a.version, dueOn: '2023-01-01', followUpSessionId: follow },
      staff,
    );
    expect(patched.statusCode, patched.body).toBe(200);
    const stale = await send(
      'PATCH',
      `/api/v1/talks/actions/${a.id}`,
      { version: a.version, dueOn: '2024-01-01' },
      staff,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('conflict');
    const audits = await t.database.db.execute(
      sql`SELECT 1 FROM audit_events WHERE entity IN ('talks_action', 'talks_action_update') AND entity_id IN (${a.id}, ${ok.json().update.id})`,
    );
    expect(audits.rows.length).toBeGreaterThanOrEqual(3);
  });

  it('shows the public only what belongs to published sessions', async () => {
    const hidden = await send(
      'POST',
      '/api/v1/talks/actions',
      { sessionId: held, text: { en: 'Not yet public' }, responsibleOrgId: orgA },
      staff,
    );
    expect(hidden.statusCode).toBe(201);
    const id = hidden.json().id;
    expect((await get(`/api/v1/talks/actions/${id}`)).statusCode).toBe(404);
    expect((await get(`/talks/actions/${id}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/talks/actions/${id}`, memberB)).statusCode).toBe(404);
    // The responsible organisation sees what it is asked to report on.
    expect((await get(`/api/v1/talks/actions/${id}`, memberA)).statusCode).toBe(200);
    // A public action followed up in a draft session does not reveal the draft.
    const draft = await session(t, {
      status: 'draft',
      title: 'Secret draft',
      startsAt: '2023-01-01T10:00:00Z',
    });
    const shown = await send(
      'POST',
      '/api/v1/talks/actions',
      { sessionId: published, text: { en: 'Public' }, followUpSessionId: draft },
      staff,
    );
    expect((await get(`/api/v1/talks/actions/${shown.json().id}`)).json().followUpSession).toBeNull();
    expect(
      (await get(`/api/v1/talks/actions/${shown.json().id}`, staff)).json().followUpSession.title.en,
    ).toBe('Secret draft');
    const list = (await get(`/api/v1/talks/actions?sessionId=${held}`)).json();
    expect(list.items).toEqual([]);
    const outcomes = (await get(`/api/v1/talks/sessions/${held}/recommendations`)).json();
    expect(outcomes.contentVisible).toBe(false);
    expect(outcomes.otherActions).toEqual([]);
    const page = await get(`/talks/sessions/${held}/recommendations`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Not yet public');
  });

  it('has an action page with its progress, updates, update form for the responsible members, and links', async () => {
    const a = await newAction({
      text: { en: 'Twin **Lviv** with a city' },
      responsibleOrgId: orgA,
      dueOn: '2022-12-31',
    });
    const pub = await get(`/talks/actions/${a.id}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('<strong>Lviv</strong>');
    expect(pub.body).toContain('<progress');
    expect(pub.body).not.toContain('name="happenedOn"');

    const mine = await get(`/talks/actions/${a.id}`, memberA);
    expect(mine.body).toContain('name="happenedOn"');
    // Without JavaScript: a plain form post and a redirect.
    const posted = await postForm(
      t,
      `/talks/actions/${a.id}/updates`,
      {
        _csrf: memberA.csrf,
        status: 'accepted',
        progress: '40',
        note: 'Agreed with Kraków',
        happenedOn: '2022-06-10',
        sessionId: follow,
      },
      { cookie: memberA.cookie },
    );
    expect(posted.statusCode, posted.body.slice(0, 300)).toBe(303);
    const after = await get(`/talks/actions/${a.id}`);
    expect(after.body).toContain('Agreed with Kraków');
    expect(after.body).toContain('Follow-up talk');
    const refused = await postForm(
      t,
      `/talks/actions/${a.id}/updates`,
      { _csrf: memberA.csrf, status: 'proposed', happenedOn: '2022-06-11' },
      { cookie: memberA.cookie },
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('role="alert"');

    const rec = (await get(`/api/v1/talks/sessions/${published}/recommendations`)).json().recommendations[0];
    const link = await send(
      'POST',
      '/api/v1/links',
      {
        from: { kind: 'talks.action', id: a.id },
        to: { kind: 'talks.recommendation', id: rec.id },
        relation: 'implements',
      },
      memberA,
    );
    expect(link.statusCode, link.body).toBe(201);
    const linked = await get(`/talks/actions/${a.id}`);
    expect(linked.body).toContain(`/talks/recommendations/${rec.id}`);
    expect(
      (
        await send(
          'POST',
          '/api/v1/links',
          { from: { kind: 'talks.action', id: a.id }, to: { kind: 'talks.session', id: published } },
          memberB,
        )
      ).statusCode,
    ).toBeGreaterThanOrEqual(400);
  });

  it('lists a session’s recommendations with their actions, and staff forms that work without JavaScript', async () => {
    const page = await get(`/talks/sessions/${published}/recommendations`, staff);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('humanitarian corridors');
    expect(page.body).toContain('name="text_en"');
    const recForm = await postForm(
      t,
      `/talks/sessions/${published}/recommendations`,
      {
        _csrf: staff.csrf,
        text_en: 'Support **youth** exchanges',
        addressees: ['lrgs', 'sections'],
        themes: 'youth',
        sourceOrgIds: orgA,
      },
      { cookie: staff.cookie },
    );
    expect(recForm.statusCode).toBe(303);
    const invalid = await postForm(
      t,
      `/talks/sessions/${published}/recommendations`,
      { _csrf: staff.csrf, text_en: '' },
      { cookie: staff.cookie },
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('role="alert"');
    const actForm = await postForm(
      t,
      `/talks/sessions/${published}/actions`,
      {
        _csrf: staff.csrf,
        text_fr: 'Jumeler des villes',
        responsible: 'group:lrgs',
        dueOn: '2023-03-01',
        weight: '2',
        rollup: 'plain',
      },
      { cookie: staff.cookie },
    );
    expect(actForm.statusCode, actForm.body.slice(0, 400)).toBe(303);
    const anon = await get(`/talks/sessions/${published}/recommendations?lang=en`);
    expect(anon.body).toContain('Jumeler des villes');
    expect(anon.body).not.toContain('name="text_en"');
  });
});
