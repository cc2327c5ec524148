import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/app.ts';
import { loginAs } from '../../../../../test/support/auth.ts';
import { offsetMinutes, vtimezone } from './zones.ts';

let t: TestApp;
let seriesId: string;
let orgId: string;

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return { cal, events: cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  orgId = (
    await db.execute<{ id: string }>(
      sql`INSERT INTO organisations (kind, name, names) VALUES ('city', 'The Hague', '{"en":"The Hague","fr":"La Haye"}'::jsonb) RETURNING id`,
    )
  ).rows[0].id;
  seriesId = (
    await db.execute<{ id: string }>(
      sql`INSERT INTO talks_series (slug, title) VALUES ('mpt', '{"en":"Municipal Peace Talks"}'::jsonb) RETURNING id`,
    )
  ).rows[0].id;
  const session = async (title: string, startsAt: string, tz: string, status: string) =>
    (
      await db.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, starts_at, ends_at, timezone, format, venue, status)
      VALUES (${seriesId}, ${JSON.stringify({ en: title })}::jsonb, ${startsAt}, ${startsAt}::timestamptz + interval '90 minutes',
        ${tz}, 'hybrid', 'Peace Palace', ${status}) RETURNING id`)
    ).rows[0].id;
  // Winter and summer time in The Hague, and a session in Bogotá (no daylight saving time).
  const winter = await session(
    'Winter session, with; commas',
    '2022-03-01T09:00:00Z',
    'Europe/Amsterdam',
    'published',
  );
  const summer = await session('Summer session', '2022-07-01T08:00:00Z', 'Europe/Amsterdam', 'scheduled');
  await session('Bogotá session', '2022-09-01T15:00:00Z', 'America/Bogota', 'held');
  const hidden = await session('Draft session', '2022-10-01T15:00:00Z', 'Europe/Amsterdam', 'draft');
  for (const s of [winter, summer, hidden]) {
    await db.execute(
      sql`INSERT INTO talks_participants (session_id, organisation_id, role) VALUES (${s}, ${orgId}, 'host')`,
    );
  }
  // Actions: one from a published session (public), one from an unpublished one (not public).
  await db.execute(sql`INSERT INTO talks_actions (session_id, text, responsible_org_id, due_on) VALUES
    (${winter}, '{"en":"Host a **physical conference**"}'::jsonb, ${orgId}, '2022-12-15'),
    (${summer}, '{"en":"Not yet public"}'::jsonb, ${orgId}, '2022-11-15')`);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('calendar feeds', () => {
  it('give the sessions of a series in their own time zone, valid for ical.js', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/talks/series/${seriesId}/calendar.ics?lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(res.body).toContain('VERSION:2.0');
    expect(res.body).toContain('DTSTART;TZID=Europe/Amsterdam:20220301T100000');
    expect(res.body).toContain('DTSTART;TZID=Europe/Amsterdam:20220701T100000');
    expect(res.body).toContain('DTSTART;TZID=America/Bogota:20220901T100000');
    const { cal, events } = parse(res.body);
    expect(cal.getFirstPropertyValue('prodid')).toBeTruthy();
    expect(events.map((e) => e.summary).sort()).toEqual([
      'Bogotá session',
      'Summer session',
      'Winter session, with; commas',
    ]);
    // The zones' definitions give back the exact instants.
    const byTitle = Object.fromEntries(events.map((e) => [e.summary, e]));
    expect(byTitle['Winter session, with; commas']!.startDate.toJSDate().toISOString()).toBe(
      '2022-03-01T09:00:00.000Z',
    );
    expect(byTitle['Summer session']!.startDate.toJSDate().toISOString()).toBe('2022-07-01T08:00:00.000Z');
    expect(byTitle['Summer session']!.endDate.toJSDate().toISOString()).toBe('2022-07-01T09:30:00.000Z');
    expect(byTitle['Bogotá session']!.startDate.toJSDate().toISOString()).toBe('2022-09-01T15:00:00.000Z');
    for (const e of events) {
      expect(e.uid).toMatch(/^talks-session-[0-9a-f-]{36}@peacetalks$/);
      expect(e.location).toBe('Peace Palace');
    }
  });

  it('shows staff the draft sessions too', async () => {
    const staff = await loginAs(t, { role: 'secretariat' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/talks/series/${seriesId}/calendar.ics`,
      headers: staff.headers(),
    });
    const { events } = parse(res.body);
    expect(events.map((e) => e.summary)).toContain('Draft session');
    expect(res.body).toContain('STATUS:TENTATIVE');
  });

  it("give an organisation's sessions and the due dates of its public actions as all-day events", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/talks/organisations/${orgId}/calendar.ics?lang=fr`,
    });
    expect(res.statusCode).toBe(200);
    const { cal, events } = parse(res.body);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Peace Talks : La Haye');
    const due = events.filter((e) => e.uid.startsWith('talks-action-'));
    expect(due).toHaveLength(1);
    expect(due[0]!.startDate.isDate).toBe(true);
    expect(due[0]!.startDate.toString()).toBe('2022-12-15');
    expect(due[0]!.summary).toBe('Échéance : Host a physical conference');
    expect(
      events
        .filter((e) => e.uid.startsWith('talks-session-'))
        .map((e) => e.summary)
        .sort(),
    ).toEqual(['Summer session', 'Winter session, with; commas']);
  });

  it('answers unknown series and organisations with 404', async () => {
    for (const url of [
      '/talks/series/00000000-0000-0000-0000-000000000000/calendar.ics',
      '/talks/organisations/nope/calendar.ics',
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('describes zones with every transition of the years covered', () => {
    const text = vtimezone('Europe/Kyiv', 2022, 2022);
    expect(text).toContain('TZID:Europe/Kyiv');
    // Summer time started on 27 March 2022 at 03:00 local time (+02:00), ended on 30 October at 04:00 (+03:00).
    expect(text).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20220327T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300',
    );
    expect(text).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20221030T040000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200',
    );
    expect(offsetMinutes(new Date('2022-07-01T00:00:00Z'), 'America/Bogota')).toBe(-300);
  });
});
