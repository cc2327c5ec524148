import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/app.ts';
import { loginAs, postForm, type SignedIn } from '../../../../../test/support/auth.ts';
import { isoWeek } from './digest.ts';
import { REMINDERS_QUEUE, sweepReminders } from './sweep.ts';

let t: TestApp;
let registrant: SignedIn;
let waitlisted: SignedIn;
let cityUser: SignedIn;
let sessionSoon: string;

const NOW = new Date('2026-03-02T08:00:00Z'); // a Monday
const inDays = (n: number) => new Date(NOW.getTime() + n * 86400_000).toISOString();
const dateIn = (n: number) => inDays(n).slice(0, 10);

type Mail = { to: string; subject: string; text: string };
const outbox = async () =>
  (await t.database.db.execute<Mail>(sql`SELECT "to", subject, text FROM outbox ORDER BY created_at, id`))
    .rows;
const mailsTo = async (who: SignedIn) => (await outbox()).filter((m) => m.to === who.email);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const city = (
    await db.execute<{ id: string }>(
      sql`INSERT INTO organisations (kind, name, names) VALUES ('city', 'Sarajevo', '{"en":"Sarajevo"}'::jsonb) RETURNING id`,
    )
  ).rows[0].id;
  const series = (
    await db.execute<{ id: string }>(
      sql`INSERT INTO talks_series (slug, title) VALUES ('mpt', '{"en":"Peace Talks"}'::jsonb) RETURNING id`,
    )
  ).rows[0].id;
  const session = async (title: string, startsAt: string, status: string) =>
    (
      await db.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, starts_at, timezone, format, status, venue)
      VALUES (${series}, ${JSON.stringify({ en: title, fr: `${title} (fr)` })}::jsonb, ${startsAt}, 'Europe/Sarajevo', 'physical', ${status}, 'City Hall')
      RETURNING id`)
    ).rows[0].id;
  sessionSoon = await session('Session tomorrow', inDays(1), 'scheduled');
  const later = await session('Session next week', inDays(5), 'scheduled');
  const past = await session('Published session', inDays(-60), 'published');
  const draft = await session('Draft session', inDays(-10), 'draft');

  registrant = await loginAs(t, { role: 'member' });
  waitlisted = await loginAs(t, { role: 'member' });
  cityUser = await loginAs(t, { role: 'partner', scopeOrgId: city, name: 'Amra' });
  await db.execute(sql`UPDATE users SET locale = 'fr' WHERE id = ${registrant.userId}`);
  for (const s of [sessionSoon, later]) {
    await db.execute(sql`INSERT INTO talks_registrations (session_id, user_id, status) VALUES
      (${s}, ${registrant.userId}, 'registered'), (${s}, ${waitlisted.userId}, 'waitlisted')`);
  }
  await db.execute(sql`INSERT INTO talks_actions (session_id, text, responsible_org_id, due_on, status) VALUES
    (${past}, '{"en":"Open a **centre of humanitarian aid**"}'::jsonb, ${city}, ${dateIn(3)}, 'in_progress'),
    (${past}, '{"en":"Revitalise twinnings"}'::jsonb, ${city}, ${dateIn(-2)}, 'accepted'),
    (${past}, '{"en":"Long forgotten"}'::jsonb, ${city}, ${dateIn(-100)}, 'accepted'),
    (${past}, '{"en":"Already done"}'::jsonb, ${city}, ${dateIn(2)}, 'done'),
    (${draft}, '{"en":"Secret draft action"}'::jsonb, ${city}, ${dateIn(2)}, 'proposed')`);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('reminders and digest', () => {
  it('remind registrants, and the responsible organisation before and after due dates, in their language', async () => {
    // Through the registered job, as the schedule runs it.
    await t.services.jobs.send(REMINDERS_QUEUE, { now: NOW.toISOString() });
    const toRegistrant = await mailsTo(registrant);
    expect(toRegistrant).toHaveLength(1);
    expect(toRegistrant[0]!.subject).toBe('Rappel : Session tomorrow (fr)');
    expect(toRegistrant[0]!.text).toContain('Bonjour');
    expect(toRegistrant[0]!.text).toContain(`/talks/sessions/${sessionSoon}`);
    expect(toRegistrant[0]!.text).toContain('City Hall');
    expect(await mailsTo(waitlisted)).toHaveLength(0);

    const toCity = await mailsTo(cityUser);
    expect(toCity.map((m) => m.subject).sort()).toEqual([
      'Due soon: Open a centre of humanitarian aid',
      'Overdue: Revitalise twinnings',
    ]);
    expect(toCity.map((m) => m.text).join('\n')).not.toContain('Secret draft action');
  });

  it('send each reminder once, however often and however concurrently the sweep runs', async () => {
    const before = (await outbox()).length;
    const deps = { db: t.database.db, mailer: t.services.mailer, baseUrl: 'https://talks.example' };
    const again = await sweepReminders(deps, NOW);
    expect(again).toEqual({ session_soon: 0, action_due_soon: 0, action_overdue: 0, digest: 0 });
    // Four days later the next-week session is due for its reminder, and the aid-centre action is
    // overdue: two sweeps at once send each once.
    const later = new Date(NOW.getTime() + 4 * 86400_000);
    const [a, b] = await Promise.all([sweepReminders(deps, later), sweepReminders(deps, later)]);
    expect(a.session_soon + b.session_soon).toBe(1);
    expect(a.action_overdue + b.action_overdue).toBe(1);
    expect((await outbox()).length).toBe(before + 2);
    const sent = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM talks_reminders_sent WHERE kind = 'session_soon'`,
    );
    expect(sent.rows[0].n).toBe(2);
  });

  it('send the weekly digest to those who chose it on /talks/digest, once a week', async () => {
    let r = await t.app.inject({ method: 'GET', url: '/talks/digest' });
    expect(r.statusCode).toBe(303);
    r = await t.app.inject({ method: 'GET', url: '/talks/digest', headers: cityUser.headers() });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('name="weekly"');
    expect(r.body).toContain('Revitalise twinnings');
    r = await postForm(
      t,
      '/talks/digest',
      { _csrf: cityUser.csrf, weekly: ['false', 'true'] },
      { cookie: cityUser.cookie },
    );
    expect(r.statusCode).toBe(303);
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/talks/digest',
      headers: cityUser.headers(),
    });
    expect(api.json()).toEqual({ weekly: true });

    const deps = { db: t.database.db, mailer: t.services.mailer, baseUrl: 'https://talks.example' };
    const first = await sweepReminders(deps, NOW);
    expect(first.digest).toBe(1);
    const digest = (await mailsTo(cityUser)).find((m) => m.subject.includes('weekly digest'))!;
    expect(digest.subject).toBe(`Peace Talks: your weekly digest (${isoWeek(NOW)})`);
    expect(digest.text).toContain('OVERDUE');
    expect(digest.text).toContain('Open a centre of humanitarian aid');
    expect(digest.text).toContain('https://talks.example/talks/actions/');
    expect((await sweepReminders(deps, new Date(NOW.getTime() + 3 * 86400_000))).digest).toBe(0);
    expect((await sweepReminders(deps, new Date(NOW.getTime() + 7 * 86400_000))).digest).toBe(1);

    // Opting out stops it.
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/talks/digest',
      headers: cityUser.headers(),
      payload: { weekly: false },
    });
    expect((await sweepReminders(deps, new Date(NOW.getTime() + 14 * 86400_000))).digest).toBe(0);
    expect(isoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
  });
});
