import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { loginAs, type SignedIn } from '../../../../test/support/auth.ts';

let t: TestApp;
let staff: SignedIn;
let seriesId: string;
const org: Record<string, string> = {};

async function makeOrg(name: string, kind = 'partner'): Promise<string> {
  const r = await t.database.db.execute<{ id: string }>(sql`
    INSERT INTO organisations (kind, names, name, acronym) VALUES (${kind}, ${JSON.stringify({ en: name })}::jsonb, ${name}, ${name})
    RETURNING id`);
  return r.rows[0].id;
}

const api = (user: SignedIn | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1/talks${url}`,
    headers: user ? user.headers() : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const count = async (table: string) =>
  (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))
    .rows[0].n;

async function newSession(extra: Record<string, unknown> = {}) {
  const res = await api(staff, 'POST', '/sessions', {
    seriesId,
    title: { en: 'Session', fr: 'Séance' },
    startsAt: '2031-04-01T14:00:00+02:00',
    endsAt: '2031-04-01T16:00:00+02:00',
    timezone: 'Europe/Amsterdam',
    format: 'hybrid',
    languages: ['en', 'fr'],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number; status: string };
}

async function setStatus(id: string, ...steps: string[]) {
  for (const status of steps) {
    const res = await api(staff, 'POST', `/sessions/${id}/status`, { status });
    expect(res.statusCode, res.body).toBe(200);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  staff = await loginAs(t, { role: 'secretariat' });
  for (const name of ['PAX', 'CIDOB', 'ACCORD', 'The Hague']) org[name] = await makeOrg(name);
  const res = await api(staff, 'POST', '/series', {
    slug: 'municipal-peace-talks',
    title: { en: 'The UCLG Municipal Peace Talks' },
    organiserId: org.PAX,
  });
  expect(res.statusCode, res.body).toBe(201);
  seriesId = res.json().id;
}, 120_000);
afterAll(async () => t?.close());

describe('series and sessions', () => {
  it('creates, reads and edits a session with its version', async () => {
    const s = await newSession({ venue: 'Peace Palace', venueOrgId: org['The Hague'], capacity: 20 });
    expect(s).toMatchObject({ status: 'draft', version: 1 });
    const got = await api(staff, 'GET', `/sessions/${s.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json().session).toMatchObject({
      startsAt: '2031-04-01T12:00:00.000Z',
      timezone: 'Europe/Amsterdam',
      venueOrgId: org['The Hague'],
    });
    const edited = await api(staff, 'PATCH', `/sessions/${s.id}`, {
      version: 1,
      subtitle: { en: 'Dialogues' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, subtitle: { en: 'Dialogues' } });
    // Someone who read version 1 saves after that: refused, the record keeps the first save.
    const stale = await api(staff, 'PATCH', `/sessions/${s.id}`, { version: 1, subtitle: { en: 'Lost' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('conflict');
    expect((await api(staff, 'GET', `/sessions/${s.id}`)).json().session.subtitle).toEqual({
      en: 'Dialogues',
    });
  });

  it('refuses an impossible date with 400 and writes nothing', async () => {
    const before = await count('talks_sessions');
    for (const startsAt of [
      '2022-02-30T10:00:00+01:00',
      '2022-04-01T25:00:00Z',
      'next Tuesday',
      '2022-04-01',
    ]) {
      const res = await api(staff, 'POST', '/sessions', {
        seriesId,
        title: { en: 'x' },
        startsAt,
        format: 'online',
      });
      expect(res.statusCode, startsAt).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const badZone = await api(staff, 'POST', '/sessions', {
      seriesId,
      title: { en: 'x' },
      startsAt: '2022-04-01T10:00:00Z',
      timezone: 'Mars/Olympus',
      format: 'online',
    });
    expect(badZone.statusCode).toBe(400);
    const order = await api(staff, 'POST', '/sessions', {
      seriesId,
      title: { en: 'x' },
      startsAt: '2022-04-01T10:00:00Z',
      endsAt: '2022-04-01T09:00:00Z',
      format: 'online',
    });
    expect(order.statusCode).toBe(400);
    expect(await count('talks_sessions')).toBe(before);
  });

  it('answers an unknown organisation or series with 422 unknown_reference, writing nothing', async () => {
    const before = await count('talks_sessions');
    const unknownOrg = await api(staff, 'POST', '/sessions', {
      seriesId,
      title: { en: 'x' },
      startsAt: '2031-01-01T10:00:00Z',
      format: 'physical',
      venueOrgId: '00000000-0000-4000-8000-000000000001',
    });
    expect(unknownOrg.statusCode).toBe(422);
    expect(unknownOrg.json().error).toMatchObject({
      code: 'unknown_reference',
      details: { field: 'venueOrgId' },
    });
    const unknownSeries = await api(staff, 'POST', '/sessions', {
      seriesId: '00000000-0000-4000-8000-000000000002',
      title: { en: 'x' },
      startsAt: '2031-01-01T10:00:00Z',
      format: 'online',
    });
    expect(unknownSeries.statusCode).toBe(422);
    expect(await count('talks_sessions')).toBe(before);
    const s = await newSession();
    const participants = await count('talks_participants');
    const p = await api(staff, 'POST', `/sessions/${s.id}/participants`, {
      organisationId: '00000000-0000-4000-8000-000000000003',
      role: 'partner',
    });
    expect(p.statusCode).toBe(422);
    expect(p.json().error.code).toBe('unknown_reference');
    expect(await count('talks_participants')).toBe(participants);
  });

  it('follows the status workflow and refuses other transitions with 409 invalid_transition', async () => {
    const s = await newSession();
    const jump = await api(staff, 'POST', `/sessions/${s.id}/status`, { status: 'published' });
    expect(jump.statusCode).toBe(409);
    expect(jump.json().error).toMatchObject({
      code: 'invalid_transition',
      details: { from: 'draft', to: 'published' },
    });
    expect((await api(staff, 'GET', `/sessions/${s.id}`)).json().session).toMatchObject({
      status: 'draft',
      version: 1,
    });
    await setStatus(s.id, 'scheduled', 'draft', 'scheduled', 'held', 'scheduled', 'held', 'published');
    const published = (await api(staff, 'GET', `/sessions/${s.id}`)).json().session;
    expect(published.status).toBe('published');
    expect(published.publishedAt).not.toBeNull();
    const again = await api(staff, 'POST', `/sessions/${s.id}/status`, { status: 'draft' });
    expect(again.json().error.code).toBe('invalid_transition');
    await setStatus(s.id, 'held');
    const audit = await t.database.db.execute<{ action: string }>(
      sql`SELECT action FROM audit_events WHERE entity = 'talks_session' AND entity_id = ${s.id} ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toContain('unpublish');
    // Only staff move sessions along.
    const member = await loginAs(t, { role: 'member' });
    expect((await api(member, 'POST', `/sessions/${s.id}/status`, { status: 'published' })).statusCode).toBe(
      403,
    );
  });

  it('copies a session as the start of the next one: hosts and agenda, not contributions', async () => {
    const s = await newSession({ capacity: 30, venue: 'City Hall' });
    await api(staff, 'POST', `/sessions/${s.id}/participants`, {
      organisationId: org['The Hague'],
      role: 'host',
    });
    await api(staff, 'POST', `/sessions/${s.id}/participants`, { organisationId: org.PAX, role: 'partner' });
    const panel = (await api(staff, 'POST', `/sessions/${s.id}/agenda`, { title: { en: 'Panel' } })).json()
      .id;
    await api(staff, 'POST', `/sessions/${s.id}/agenda`, { parentId: panel, title: { en: 'Cities' } });
    await api(staff, 'POST', `/sessions/${s.id}/contributions`, {
      organisationId: org.PAX,
      body: { en: '**Key**' },
    });
    const res = await api(staff, 'POST', `/sessions/${s.id}/copy`, { startsAt: '2031-06-01T14:00:00+02:00' });
    expect(res.statusCode, res.body).toBe(201);
    const copy = res.json();
    expect(copy).toMatchObject({
      status: 'draft',
      copiedFromId: s.id,
      capacity: 30,
      venue: 'City Hall',
      format: 'hybrid',
      languages: ['en', 'fr'],
      startsAt: '2031-06-01T12:00:00.000Z',
      endsAt: '2031-06-01T14:00:00.000Z',
      title: { en: 'Session', fr: 'Séance' },
    });
    const detail = (await api(staff, 'GET', `/sessions/${copy.id}`)).json();
    expect(detail.participants.map((p: { role: string }) => p.role)).toEqual(['host']);
    expect(detail.agenda.map((a: { title: { en: string }; depth: number }) => [a.title.en, a.depth])).toEqual(
      [
        ['Panel', 0],
        ['Cities', 1],
      ],
    );
    expect(detail.agenda[1].parentId).toBe(detail.agenda[0].id);
    expect(detail.contributions).toEqual([]);
    const badDate = await api(staff, 'POST', `/sessions/${s.id}/copy`, { startsAt: '2031-02-30T10:00:00Z' });
    expect(badDate.statusCode).toBe(400);
  });
  it('refuses a contribution with an unknown organisation or agenda item, writing nothing', async () => {
    const s = await newSession();
    const before = await count('talks_contributions');
    const badOrg = await api(staff, 'POST', `/sessions/${s.id}/contributions`, {
      organisationId: '00000000-0000-4000-8000-000000000004',
      body: { en: 'x' },
    });
    expect(badOrg.statusCode).toBe(422);
    expect(badOrg.json().error).toMatchObject({
      code: 'unknown_reference',
      details: { field: 'organisationId' },
    });
    const badItem = await api(staff, 'POST', `/sessions/${s.id}/contributions`, {
      agendaItemId: '00000000-0000-4000-8000-000000000005',
      body: { en: 'x' },
    });
    expect(badItem.statusCode).toBe(422);
    const empty = await api(staff, 'POST', `/sessions/${s.id}/contributions`, { body: { en: '   ' } });
    expect(empty.statusCode).toBe(400);
    expect(await count('talks_contributions')).toBe(before);
  });
});

describe('who sees what', () => {
  it('shows the public announced sessions only, and their content once published', async () => {
    const draft = await newSession({ title: { en: 'Hidden draft' } });
    const announced = await newSession({ title: { en: 'Announced' }, summary: { en: 'Said **this**' } });
    await setStatus(announced.id, 'scheduled');
    await api(staff, 'POST', `/sessions/${announced.id}/contributions`, { body: { en: 'Early words' } });

    expect((await api(null, 'GET', `/sessions/${draft.id}`)).statusCode).toBe(404);
    const list = (await api(null, 'GET', `/sessions?seriesId=${seriesId}`)).json();
    const titles = list.items.map((s: { title: { en: string } }) => s.title.en);
    expect(titles).toContain('Announced');
    expect(titles).not.toContain('Hidden draft');

    const before = (await api(null, 'GET', `/sessions/${announced.id}`)).json();
    expect(before.contributions).toBeNull();
    expect(before.session.summary).toBeNull();
    expect((await api(null, 'GET', `/sessions/${announced.id}/contributions`)).json()).toEqual([]);

    await setStatus(announced.id, 'held', 'published');
    const after = (await api(null, 'GET', `/sessions/${announced.id}`)).json();
    expect(after.session.summary).toEqual({ en: 'Said **this**' });
    expect(after.contributions.map((c: { body: { en: string } }) => c.body.en)).toEqual(['Early words']);
  });

  it('lets a partner see and write for its own organisation only, until publication', async () => {
    const s = await newSession();
    await api(staff, 'POST', `/sessions/${s.id}/participants`, { organisationId: org.PAX, role: 'partner' });
    const pax = await loginAs(t, { role: 'partner', scopeOrgId: org.PAX });
    const cidob = await loginAs(t, { role: 'partner', scopeOrgId: org.CIDOB });
    // A draft is seen by the taking-part partner, not by another one.
    expect((await api(pax, 'GET', `/sessions/${s.id}`)).statusCode).toBe(200);
    expect((await api(cidob, 'GET', `/sessions/${s.id}`)).statusCode).toBe(404);
    await setStatus(s.id, 'scheduled');

    const mine = await api(pax, 'POST', `/sessions/${s.id}/contributions`, {
      organisationId: org.PAX,
      body: { en: 'Cities must **transcend the classical state-level approach**.' },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const before = await count('talks_contributions');
    const other = await api(cidob, 'POST', `/sessions/${s.id}/contributions`, {
      organisationId: org.PAX,
      body: { en: 'Impersonation' },
    });
    expect(other.statusCode).toBe(403);
    const own = await api(cidob, 'POST', `/sessions/${s.id}/contributions`, {
      organisationId: org.CIDOB,
      body: { en: 'CIDOB does not take part' },
    });
    expect(own.statusCode).toBe(403);
    expect(await count('talks_contributions')).toBe(before);
    // Another partner may not edit PAX's words either.
    const c = mine.json();
    const edit = await api(cidob, 'PATCH', `/sessions/${s.id}/contributions/${c.id}`, {
      version: 1,
      body: { en: 'x' },
    });
    expect(edit.statusCode).toBe(403);
    // Before publication the content is for those taking part and staff.
    expect((await api(pax, 'GET', `/sessions/${s.id}`)).json().contributions).toHaveLength(1);
    expect((await api(cidob, 'GET', `/sessions/${s.id}`)).json().contributions).toBeNull();

    await setStatus(s.id, 'held', 'published');
    const late = await api(pax, 'PATCH', `/sessions/${s.id}/contributions/${c.id}`, {
      version: 1,
      body: { en: 'x' },
    });
    expect(late.statusCode).toBe(403);
  });
});

describe('registration', () => {
  async function openSession(capacity: number | null) {
    const s = await newSession({ capacity, registrationOpen: true });
    await setStatus(s.id, 'scheduled');
    return s;
  }

  it('gives seats, then the waitlist, which moves up when someone cancels', async () => {
    const s = await openSession(1);
    const a = await loginAs(t, { role: 'member' });
    const b = await loginAs(t, { role: 'member' });
    const ra = await api(a, 'POST', `/sessions/${s.id}/registrations`, {});
    expect(ra.statusCode, ra.body).toBe(201);
    expect(ra.json().status).toBe('registered');
    const rb = await api(b, 'POST', `/sessions/${s.id}/registrations`, {
      accessibilityNeeds: 'Wheelchair access',
    });
    expect(rb.json().status).toBe('waitlisted');
    const dup = await api(a, 'POST', `/sessions/${s.id}/registrations`, {});
    expect(dup.statusCode).toBe(409);
    const seenByB = (await api(b, 'GET', `/sessions/${s.id}`)).json().registration;
    expect(seenByB).toMatchObject({ registered: 1, waitlisted: 1, seatsLeft: 0 });
    expect(seenByB.mine).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    // Only the registrant (or staff) cancels a registration.
    expect((await api(b, 'POST', `/sessions/${s.id}/registrations/${ra.json().id}/cancel`)).statusCode).toBe(
      404,
    );
    const cancel = await api(a, 'POST', `/sessions/${s.id}/registrations/${ra.json().id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', promoted: [rb.json().id] });
    expect((await api(b, 'GET', `/sessions/${s.id}`)).json().registration.mine.status).toBe('registered');
    const mail = await t.database.db.execute<{ subject: string; text: string }>(
      sql`SELECT subject, text FROM outbox WHERE "to" = ${b.email}`,
    );
    expect(mail.rows).toHaveLength(1);
    expect(mail.rows[0].subject).toBe('A seat is yours: Session');
    expect(mail.rows[0].text).toContain(`/talks/sessions/${s.id}`);
  });

  it('gives the last seat to exactly one of two people registering at once', async () => {
    const s = await openSession(1);
    const users = await Promise.all([loginAs(t, { role: 'member' }), loginAs(t, { role: 'member' })]);
    const results = await Promise.all(
      users.map((u) => api(u, 'POST', `/sessions/${s.id}/registrations`, {})),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(results.map((r) => r.json().status).sort()).toEqual(['registered', 'waitlisted']);
  });

  it('never over-fills when cancellations and registrations race', async () => {
    const s = await openSession(2);
    const users = await Promise.all(Array.from({ length: 6 }, () => loginAs(t, { role: 'member' })));
    const regs = [];
    for (const u of users) regs.push((await api(u, 'POST', `/sessions/${s.id}/registrations`, {})).json());
    // Both seat holders cancel at once while two newcomers register.
    const late = await Promise.all([loginAs(t, { role: 'member' }), loginAs(t, { role: 'member' })]);
    await Promise.all([
      api(users[0], 'POST', `/sessions/${s.id}/registrations/${regs[0].id}/cancel`),
      api(users[1], 'POST', `/sessions/${s.id}/registrations/${regs[1].id}/cancel`),
      ...late.map((u) => api(u, 'POST', `/sessions/${s.id}/registrations`, {})),
    ]);
    const r = await t.database.db.execute<{ status: string; user_id: string }>(
      sql`SELECT status, user_id FROM talks_registrations WHERE session_id = ${s.id} AND status = 'registered'`,
    );
    expect(r.rows).toHaveLength(2);
    // The seats went to the first two on the waitlist, in order of registration.
    expect(r.rows.map((x) => x.user_id).sort()).toEqual([users[2].userId, users[3].userId].sort());
  });

  it('keeps accessibility needs for staff (audited) and the registrant', async () => {
    const s = await openSession(null);
    const a = await loginAs(t, { role: 'member' });
    const other = await loginAs(t, { role: 'member' });
    await api(a, 'POST', `/sessions/${s.id}/registrations`, {
      accessibilityNeeds: 'Sign language interpretation',
    });
    expect((await api(a, 'GET', `/sessions/${s.id}`)).json().registration.mine.accessibilityNeeds).toBe(
      'Sign language interpretation',
    );
    expect((await api(other, 'GET', `/sessions/${s.id}/registrations`)).statusCode).toBe(403);
    expect(JSON.stringify((await api(other, 'GET', `/sessions/${s.id}`)).json())).not.toContain(
      'Sign language',
    );
    const audits = async () =>
      (
        await t.database.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'read_restricted' AND entity_id = ${s.id}`,
        )
      ).rows[0].n;
    expect(await audits()).toBe(0);
    const list = await api(staff, 'GET', `/sessions/${s.id}/registrations`);
    expect(list.json()[0].accessibilityNeeds).toBe('Sign language interpretation');
    expect(await audits()).toBe(1);
    // The audit log records that needs were given, never what they are.
    const logged = await t.database.db.execute(
      sql`SELECT 1 FROM audit_events WHERE after::text LIKE '%Sign language%'`,
    );
    expect(logged.rows).toHaveLength(0);
  });

  it('lets staff check in registered people, and refuses closed or online registration', async () => {
    const s = await openSession(5);
    const a = await loginAs(t, { role: 'member' });
    const reg = (await api(a, 'POST', `/sessions/${s.id}/registrations`, {})).json();
    expect((await api(a, 'POST', `/sessions/${s.id}/registrations/${reg.id}/check-in`, {})).statusCode).toBe(
      403,
    );
    const ok = await api(staff, 'POST', `/sessions/${s.id}/registrations/${reg.id}/check-in`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().checkedInAt).not.toBeNull();

    const closed = await newSession({ registrationOpen: false });
    await setStatus(closed.id, 'scheduled');
    expect((await api(a, 'POST', `/sessions/${closed.id}/registrations`, {})).statusCode).toBe(409);
    const online = await newSession({ format: 'online', registrationOpen: true });
    await setStatus(online.id, 'scheduled');
    expect((await api(a, 'POST', `/sessions/${online.id}/registrations`, {})).statusCode).toBe(409);
    const anonymous = await api(null, 'POST', `/sessions/${s.id}/registrations`, {});
    expect(anonymous.statusCode).toBe(401);
  });

  it('moves the waitlist up when the capacity grows', async () => {
    const s = await openSession(1);
    const users = await Promise.all([1, 2, 3].map(() => loginAs(t, { role: 'member' })));
    for (const u of users) await api(u, 'POST', `/sessions/${s.id}/registrations`, {});
    const v = (await api(staff, 'GET', `/sessions/${s.id}`)).json().session.version;
    await api(staff, 'PATCH', `/sessions/${s.id}`, { version: v, capacity: 2 });
    const summary = (await api(staff, 'GET', `/sessions/${s.id}`)).json().registration;
    expect(summary).toMatchObject({ registered: 2, waitlisted: 1 });
  });
});

describe('agenda', () => {
  it('nests items three levels deep at most and keeps reading order', async () => {
    const s = await newSession();
    const add = async (title: string, parentId?: string) =>
      api(staff, 'POST', `/sessions/${s.id}/agenda`, { title: { en: title }, parentId });
    const a = (await add('Opening')).json().id;
    const b = (await add('Panel')).json().id;
    const b1 = (await add('Civil society', b)).json().id;
    await add('Reply', b1);
    const tooDeep = await add('Too deep', (await add('Deeper', b1)).json().id);
    expect(tooDeep.statusCode).toBe(400);
    await add('Welcome', a);
    const agenda = (await api(staff, 'GET', `/sessions/${s.id}`)).json().agenda;
    expect(agenda.map((x: { title: { en: string }; depth: number }) => `${x.depth}:${x.title.en}`)).toEqual([
      '0:Opening',
      '1:Welcome',
      '0:Panel',
      '1:Civil society',
      '2:Reply',
      '2:Deeper',
    ]);
    const foreign = await api(staff, 'POST', `/sessions/${(await newSession()).id}/agenda`, {
      title: { en: 'x' },
      parentId: a,
    });
    expect(foreign.statusCode).toBe(422);
    expect((await api(staff, 'DELETE', `/sessions/${s.id}/agenda/${b}`)).statusCode).toBe(204);
    expect((await api(staff, 'GET', `/sessions/${s.id}`)).json().agenda).toHaveLength(2);
  });
});
