import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { loginAs, type SignedIn } from '../../../../test/support/auth.ts';

/** The sessions' pages as a browser without JavaScript uses them: GET pages, POST forms, 303 redirects. */

let t: TestApp;
let staff: SignedIn;
let pax: string;
let hague: string;

const get = (url: string, s?: SignedIn) => t.app.inject({ method: 'GET', url, headers: s?.headers() ?? {} });
const post = (url: string, form: Record<string, string | string[]>, s: SignedIn) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, _csrf: s.csrf }))
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...s.headers(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
};
const count = async (table: string) =>
  (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))
    .rows[0].n;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function makeOrg(name: string, acronym: string | null = null): Promise<string> {
  const r = await t.database.db.execute<{ id: string }>(sql`
    INSERT INTO organisations (kind, names, name, acronym)
    VALUES ('partner', ${JSON.stringify({ en: name, fr: name })}::jsonb, ${name}, ${acronym}) RETURNING id`);
  return r.rows[0].id;
}

let seriesId: string;
let sessionId: string;

beforeAll(async () => {
  t = await createTestApp();
  staff = await loginAs(t, { role: 'secretariat' });
  pax = await makeOrg('PAX for Peace', 'PAX');
  hague = await makeOrg('The Hague');
}, 120_000);
afterAll(async () => t?.close());

describe('a secretariat user runs a session from the pages', () => {
  it('creates a series', async () => {
    expect((await get('/talks/series/new', staff)).statusCode).toBe(200);
    const member = await loginAs(t, { role: 'member' });
    expect((await get('/talks/series/new', member)).statusCode).toBe(403);
    const res = await post(
      '/talks/series/new',
      {
        slug: 'mpt',
        title_en: 'Municipal Peace Talks',
        title_fr: 'Dialogues municipaux pour la paix',
        organiser: 'PAX',
      },
      staff,
    );
    expect(res.statusCode, res.body).toBe(303);
    seriesId = res.headers.location!.split('/')[3].split('?')[0];
    const page = await get(res.headers.location!, staff);
    expect(page.body).toContain('Municipal Peace Talks');
    const taken = await post('/talks/series/new', { slug: 'mpt', title_en: 'Again' }, staff);
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('already taken');
  });

  it('creates a session with a local time in its zone; a bad date shows the form again and writes nothing', async () => {
    const form = {
      series_id: seriesId,
      title_en: 'Cities and peace',
      title_fr: 'Les villes et la paix',
      starts_at: '2031-02-30T14:00',
      timezone: 'Europe/Amsterdam',
      format: 'hybrid',
      venue: 'Peace Palace',
      venue_org: 'The Hague',
      languages: 'en, fr',
      capacity: '1',
      registration_open: '1',
    };
    const before = await count('talks_sessions');
    const bad = await post('/talks/sessions/new', form, staff);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a real date and time.');
    expect(bad.body).toContain('value="Cities and peace"');
    const unknown = await post(
      '/talks/sessions/new',
      { ...form, starts_at: '2031-04-01T14:00', venue_org: 'Atlantis' },
      staff,
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('No organisation in the directory has this name or id.');
    expect(await count('talks_sessions')).toBe(before);

    const res = await post('/talks/sessions/new', { ...form, starts_at: '2031-04-01T14:00' }, staff);
    expect(res.statusCode, res.body).toBe(303);
    sessionId = res.headers.location!.split('/')[3].split('?')[0];
    const row = await t.database.db.execute<{ starts_at: Date; venue_org_id: string; capacity: number }>(
      sql`SELECT starts_at, venue_org_id, capacity FROM talks_sessions WHERE id = ${sessionId}`,
    );
    expect(row.rows[0]).toMatchObject({ venue_org_id: hague, capacity: 1 });
    expect(new Date(row.rows[0].starts_at).toISOString()).toBe('2031-04-01T12:00:00.000Z');
  });

  it('adds hosts, partners and agenda items, edits with a version, and moves the status along', async () => {
    const base = `/talks/sessions/${sessionId}`;
    expect(
      (await post(`${base}/participants`, { participant_org: 'The Hague', role: 'host' }, staff)).statusCode,
    ).toBe(303);
    expect(
      (await post(`${base}/participants`, { participant_org: 'PAX', role: 'partner' }, staff)).statusCode,
    ).toBe(303);
    const unknown = await post(
      `${base}/participants`,
      { participant_org: 'Atlantis', role: 'partner' },
      staff,
    );
    expect(unknown.statusCode).toBe(422);
    await t.database.db.execute(sql`INSERT INTO people (name) VALUES ('Demo: Pieter V.')`);
    const person = await post(
      `${base}/participants`,
      { participant_org: 'The Hague', participant_person: 'demo: pieter v.', role: 'speaker' },
      staff,
    );
    expect(person.statusCode).toBe(303);
    expect(text((await get(base, staff)).body)).toContain('The Hague — Demo: Pieter V. (speaker)');
    const nobody = await post(
      `${base}/participants`,
      { participant_person: 'Nobody', role: 'speaker' },
      staff,
    );
    expect(nobody.statusCode).toBe(422);
    expect((await post(`${base}/agenda`, { agenda_title: 'Opening' }, staff)).statusCode).toBe(303);
    const editAgenda = /href="(\/talks\/sessions\/[^"]+\/agenda\/[^"]+\/edit)"/.exec(
      (await get(base, staff)).body,
    )![1];
    const agendaForm = await get(editAgenda, staff);
    expect(agendaForm.body).toContain('value="Opening"');
    const noTitle = await post(editAgenda, { title_en: '' }, staff);
    expect(noTitle.statusCode).toBe(400);
    const agendaSaved = await post(
      editAgenda,
      { title_en: 'Opening', title_fr: 'Ouverture', duration_minutes: '15' },
      staff,
    );
    expect(agendaSaved.statusCode).toBe(303);
    expect((await get(base, staff)).body).toContain('Opening (15 minutes)');
    const item = await t.database.db.execute<{ title: Record<string, string> }>(
      sql`SELECT title FROM talks_agenda_items WHERE session_id = ${sessionId}`,
    );
    expect(item.rows[0].title).toEqual({ en: 'Opening', fr: 'Ouverture' });

    const edit = await get(`${base}/edit`, staff);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="2031-04-01T14:00"');
    const version = /name="version" value="(\d+)"/.exec(edit.body)![1];
    const fields = Object.fromEntries(
      [...edit.body.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const saved = await post(
      `${base}/edit`,
      { ...fields, timezone: 'Europe/Amsterdam', format: 'hybrid', subtitle_en: 'Dialogues', version },
      staff,
    );
    expect(saved.statusCode, saved.body).toBe(303);
    const stale = await post(
      `${base}/edit`,
      { ...fields, timezone: 'Europe/Amsterdam', format: 'hybrid', version },
      staff,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else saved this');

    const jump = await post(`${base}/status`, { status: 'published' }, staff);
    expect(jump.statusCode).toBe(409);
    expect((await post(`${base}/status`, { status: 'scheduled' }, staff)).statusCode).toBe(303);
    const page = await get(base, staff);
    expect(text(page.body)).toContain('Status scheduled');
    expect(page.body).toContain('Mark as held');
  });

  it('shows the announced session to the public, with hosts and no forms', async () => {
    const page = await get(`/talks/sessions/${sessionId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cities and peace');
    expect(page.body).toContain('The Hague');
    expect(page.body).toContain('Sign in to register');
    expect(page.body).not.toContain('name="_csrf"');
    const list = await get('/talks');
    expect(list.body).toContain('Cities and peace');
    const fr = await get(`/talks/sessions/${sessionId}?lang=fr`);
    expect(fr.body).toContain('Les villes et la paix');
    expect(fr.body).toContain('1 avril 2031');
  });
});

describe('members register and cancel from the session page', () => {
  it('registers one, waitlists the next, and moves them up when the first cancels', async () => {
    const base = `/talks/sessions/${sessionId}`;
    const a = await loginAs(t, { role: 'member' });
    const b = await loginAs(t, { role: 'member' });
    const pageA = await get(base, a);
    expect(pageA.body).toContain('Accessibility needs');
    const ra = await post(`${base}/register`, { accessibility_needs: 'Step-free access' }, a);
    expect(ra.statusCode).toBe(303);
    expect(ra.headers.location).toContain('notice=registered');
    expect((await get(ra.headers.location!, a)).body).toContain('You are registered.');
    const rb = await post(`${base}/register`, {}, b);
    expect(rb.headers.location).toContain('notice=waitlisted');
    expect((await get(base, b)).body).toContain('You are on the waitlist (position 1)');

    // The secretariat sees the needs on the registrations page; members may not open it.
    expect((await get(`${base}/registrations`, a)).statusCode).toBe(403);
    const regs = await get(`${base}/registrations`, staff);
    expect(regs.body).toContain('Step-free access');
    expect(regs.headers['cache-control']).toBe('no-store');

    const cancelAction = /action="(\/talks\/sessions\/[^"]+\/cancel)"/.exec((await get(base, a)).body)![1];
    expect((await post(cancelAction, {}, a)).statusCode).toBe(303);
    expect((await get(base, b)).body).toContain('You are registered.');

    // The secretariat checks the person in at the door.
    const regsAfter = await get(`${base}/registrations`, staff);
    const checkIn = /action="(\/talks\/sessions\/[^"]+\/check-in)"/.exec(regsAfter.body)![1];
    expect((await post(checkIn, {}, staff)).statusCode).toBe(303);
    expect((await get(`${base}/registrations`, staff)).body).toContain('Undo check-in');
  });
});

describe('partners write their contributions from the session page', () => {
  it('shows the key message hint, adds a contribution, and bolds its key message', async () => {
    const base = `/talks/sessions/${sessionId}`;
    const partner = await loginAs(t, { role: 'partner', scopeOrgId: pax });
    const page = await get(base, partner);
    expect(page.body).toContain('Add a contribution');
    expect(page.body).toContain('**cities are the first respondents**');
    const empty = await post(`${base}/contributions`, { organisation_id: pax }, partner);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('This is required.');
    const res = await post(
      `${base}/contributions`,
      { organisation_id: pax, body_en: 'Cities must **transcend the classical state-level approach**.' },
      partner,
    );
    expect(res.statusCode, res.body).toBe(303);
    const after = await get(base, partner);
    expect(after.body).toContain(
      '<strong class="key-message">transcend the classical state-level approach</strong>',
    );
    // Another organisation's partner gets no form and may not post for PAX.
    const other = await loginAs(t, { role: 'partner', scopeOrgId: await makeOrg('CIDOB') });
    expect((await get(base, other)).body).not.toContain('Add a contribution');
    expect(
      (await post(`${base}/contributions`, { organisation_id: pax, body_en: 'x' }, other)).statusCode,
    ).toBe(403);

    // The public sees the contribution only once published.
    expect((await get(base)).body).not.toContain('transcend');
    await post(`${base}/status`, { status: 'held' }, staff);
    await post(`${base}/status`, { status: 'published' }, staff);
    const pub = await get(base);
    expect(pub.body).toContain('transcend the classical state-level approach');
    expect(pub.body).toContain(`href="${base}/summary"`);
  });

  it('lets the secretariat copy the session as the next one on a picked date', async () => {
    const res = await post(
      `/talks/sessions/${sessionId}/copy`,
      { copy_starts_at: '2031-09-15T10:00' },
      staff,
    );
    expect(res.statusCode, res.body).toBe(303);
    const copyId = res.headers.location!.split('/')[3].split('?')[0];
    const page = await get(`/talks/sessions/${copyId}`, staff);
    expect(page.body).toContain('Cities and peace');
    expect(page.body).toContain('September 15, 2031');
    expect(page.body).not.toContain('transcend');
    expect((await get(`/talks/sessions/${copyId}`)).statusCode).toBe(404);
  });
});
