import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/app.ts';
import { loginAs, postForm, type SignedIn } from '../../../../../test/support/auth.ts';

let t: TestApp;
let sessionId: string;
let draftSession: string;
let staff: SignedIn;
let partner: SignedIn;
let outsider: SignedIn;

const P1 = 'The session opened with a reminder on local diplomacy.';
const P2 = 'Partners called for humanitarian corridors.';
const P3 = 'The Hague offered to host a conference.';

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const org = await db.execute<{ id: string }>(
    sql`INSERT INTO organisations (kind, name, names) VALUES ('partner', 'PAX', '{"en":"PAX"}'::jsonb) RETURNING id`,
  );
  const series = await db.execute<{ id: string }>(
    sql`INSERT INTO talks_series (slug, title) VALUES ('s', '{"en":"Series"}'::jsonb) RETURNING id`,
  );
  const mk = async (status: string) =>
    (
      await db.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, starts_at, format, status)
      VALUES (${series.rows[0].id}, '{"en":"Session on peace"}'::jsonb, now(), 'online', ${status}) RETURNING id`)
    ).rows[0].id;
  sessionId = await mk('published');
  draftSession = await mk('draft');
  await db.execute(
    sql`INSERT INTO talks_participants (session_id, organisation_id, role) VALUES (${sessionId}, ${org.rows[0].id}, 'partner')`,
  );
  staff = await loginAs(t, { role: 'secretariat' });
  partner = await loginAs(t, { role: 'partner', scopeOrgId: org.rows[0].id });
  outsider = await loginAs(t, { role: 'member' });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const api = (method: 'GET' | 'POST', path: string, who?: SignedIn, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1/talks/sessions/${sessionId}/minutes${path}`,
    headers: who?.headers(),
    payload: payload as object,
  });

const versions = async () =>
  Number(
    (
      await t.database.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM talks_minutes_versions WHERE session_id = ${sessionId}`,
      )
    ).rows[0].n,
  );

describe('minutes', () => {
  it('go from draft through review to published, each save a version, proposals merged', async () => {
    let r = await api('POST', '/versions', staff, {
      body: { en: `${P1}\n\n${P2}\n\n${P3}` },
      baseVersion: 0,
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ status: 'draft', currentVersion: 1, canEdit: true });

    // A save from an old version is refused whole.
    r = await api('POST', '/versions', staff, { body: { en: 'overwrite' }, baseVersion: 0 });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('conflict');
    expect(await versions()).toBe(1);

    // Not public, and not yet for participants while a draft.
    expect((await api('GET', '')).json().shown).toBeNull();
    expect((await api('GET', '', partner)).json().shown).toBeNull();
    // Skipping the review is not allowed; nor may a partner move the minutes.
    expect((await api('POST', '/status', staff, { status: 'published' })).statusCode).toBe(409);
    expect((await api('POST', '/status', partner, { status: 'review' })).statusCode).toBe(403);
    expect((await api('POST', '/status', staff, { status: 'review' })).json().status).toBe('review');

    // Participants read and comment during the review; others cannot.
    expect((await api('GET', '', partner)).json()).toMatchObject({ canComment: true, shown: { version: 1 } });
    expect((await api('GET', '', outsider)).json()).toMatchObject({ canComment: false, shown: null });
    expect((await api('POST', '/comments', outsider, { body: 'Me too' })).statusCode).toBe(403);
    expect((await api('POST', '/comments', undefined, { body: 'Anyone?' })).statusCode).toBe(401);
    const proposal = await api('POST', '/comments', partner, {
      body: 'Name the corridors precisely.',
      proposedText: `${P1}\n\nPartners called for safe humanitarian corridors for civilians.\n\n${P3}`,
      locale: 'en',
    });
    expect(proposal.statusCode).toBe(201);
    expect(proposal.json()).toMatchObject({ version: 1, status: 'open', authorName: 'Test partner' });

    // Meanwhile the secretariat edits another paragraph: accepting keeps both changes.
    r = await api('POST', '/versions', staff, {
      body: { en: `${P1}\n\n${P2}\n\nThe Hague offered to host a conference with VNG.` },
      baseVersion: 1,
    });
    expect(r.json().currentVersion).toBe(2);
    r = await api('POST', `/comments/${proposal.json().id}/resolve`, staff, { decision: 'accept' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ version: 3, comment: { status: 'accepted' } });
    const v3 = (await api('GET', '/versions/3', staff)).json().shown.body.en;
    expect(v3).toBe(
      `${P1}\n\nPartners called for safe humanitarian corridors for civilians.\n\nThe Hague offered to host a conference with VNG.`,
    );
    // A decision is taken once.
    r = await api('POST', `/comments/${proposal.json().id}/resolve`, staff, { decision: 'decline' });
    expect(r.json().error.code).toBe('invalid_transition');

    // A proposal on a paragraph the secretariat has rewritten since no longer applies.
    const stale = await api('POST', '/comments', partner, {
      body: 'Shorter opening.',
      proposedText: v3.replace(P1, 'Opening on local diplomacy.'),
    });
    await api('POST', '/versions', staff, {
      body: { en: v3.replace(P1, 'It opened on diplomacy.') },
      baseVersion: 3,
    });
    r = await api('POST', `/comments/${stale.json().id}/resolve`, staff, { decision: 'accept' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.details.reason).toBe('proposal_no_longer_applies');
    expect(await versions()).toBe(4);
    r = await api('POST', `/comments/${stale.json().id}/resolve`, staff, { decision: 'decline' });
    expect(r.json()).toMatchObject({ version: null, comment: { status: 'declined' } });

    expect((await api('POST', '/status', staff, { status: 'published' })).json()).toMatchObject({
      status: 'published',
      publishedVersion: 4,
    });
    // The public reads the published version and its history, not the review's comments.
    r = await api('GET', '');
    expect(r.json()).toMatchObject({ shown: { version: 4 }, canEdit: false, canComment: false });
    expect((await api('GET', '/comments')).json()).toEqual([]);
    expect((await api('GET', '/versions')).json().map((v: { version: number }) => v.version)).toEqual([
      4, 3, 2, 1,
    ]);

    // An amendment after publication: the published text stays public until the next publication.
    r = await api('POST', '/versions', staff, { body: { en: 'Amended.', fr: 'Modifié.' }, baseVersion: 4 });
    expect(r.json()).toMatchObject({ status: 'draft', currentVersion: 5, publishedVersion: 4 });
    expect((await api('GET', '')).json().shown.version).toBe(4);
    expect((await api('GET', '/versions/5')).statusCode).toBe(404);

    const diff = (await api('GET', '/diff?from=1&to=4&lang=en')).json();
    expect(diff.parts).toContainEqual({ op: 'insert', text: 'safe ' });
    expect(
      diff.parts
        .filter((p: { op: string }) => p.op === 'delete')
        .map((p: { text: string }) => p.text)
        .join(''),
    ).toContain('reminder');
    expect((await api('GET', '/diff?from=1&to=5&lang=en')).statusCode).toBe(404);
  });

  it('pages work without JavaScript: save, history, accessible diff, refusals shown on the page', async () => {
    const base = `/talks/sessions/${sessionId}/minutes`;
    let r = await t.app.inject({ method: 'GET', url: `${base}?edit=fr`, headers: staff.headers() });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('name="_csrf"');
    expect(r.body).toContain('Modifié.</textarea>');
    r = await postForm(
      t,
      base,
      { _csrf: staff.csrf, lang: 'fr', text: 'Modifié deux fois.', note: 'fr', baseVersion: '5' },
      { cookie: staff.cookie },
    );
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`${base}?notice=saved`);
    // The same form again is now stale: the page says so and keeps what was typed.
    r = await postForm(
      t,
      base,
      { _csrf: staff.csrf, lang: 'fr', text: 'Encore.', baseVersion: '5' },
      { cookie: staff.cookie },
    );
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain('role="alert"');
    expect(r.body).toContain('Encore.</textarea>');
    const body = (await api('GET', '', staff)).json().shown.body;
    expect(body).toEqual({ en: 'Amended.', fr: 'Modifié deux fois.' });

    r = await t.app.inject({ method: 'GET', url: `${base}/history`, headers: staff.headers() });
    expect(r.body).toContain('<th scope="col">');
    expect(r.body).toContain(`href="${base}/versions/6"`);
    r = await t.app.inject({
      method: 'GET',
      url: `${base}/diff?from=4&to=6&in=en`,
      headers: staff.headers(),
    });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(
      /<del><span class="visually-hidden">\[deleted: <\/span>[^<]+<span class="visually-hidden">\]<\/span><\/del>/,
    );
    expect(r.body).toMatch(/<ins><span class="visually-hidden">\[inserted: <\/span>[^<]*Amended/);
    r = await t.app.inject({ method: 'GET', url: `${base}/diff?from=x&to=6` });
    expect(r.statusCode).toBe(404);
  });

  it('lets one of two saves from the same version through, and refuses the other whole', async () => {
    const current = (await api('GET', '', staff)).json().currentVersion;
    const before = await versions();
    const [a, b] = await Promise.all([
      api('POST', '/versions', staff, { body: { en: 'Edit A' }, baseVersion: current }),
      api('POST', '/versions', staff, { body: { en: 'Edit B' }, baseVersion: current }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(await versions()).toBe(before + 1);
  });

  it('keeps the minutes of a draft session hidden', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: `/talks/sessions/${draftSession}/minutes` })).statusCode,
    ).toBe(404);
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/talks/sessions/${draftSession}/minutes`,
      headers: outsider.headers(),
    });
    expect(r.statusCode).toBe(404);
  });
});
