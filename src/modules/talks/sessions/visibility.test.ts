import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import type { Actor } from '../../../core/context.ts';
import type { Role } from '../../../core/policy/roles.ts';
import { contentVisibleSql, sessionVisibility, visibleSessionSql } from './visibility.ts';

const actor = (role: Role | null, scopeOrgId: string | null = null): Actor => ({
  userId: randomUUID(),
  email: 'x@example.org',
  name: 'X',
  roles: role ? [{ role, scopeOrgId }] : [],
  mfa: true,
});

let t: TestApp;
const seriesId = randomUUID();
const partnerOrg = randomUUID();
const otherOrg = randomUUID();
const ids = { draft: randomUUID(), scheduled: randomUUID(), held: randomUUID(), published: randomUUID() };
const registrant = actor('member', otherOrg);

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await db.execute(sql`INSERT INTO talks_series (id, slug, title) VALUES (${seriesId}, 'vis', '{"en":"V"}')`);
  for (const [status, id] of Object.entries(ids)) {
    await db.execute(sql`INSERT INTO talks_sessions (id, series_id, title, starts_at, format, status)
      VALUES (${id}, ${seriesId}, ${JSON.stringify({ en: status })}, now(), 'online', ${status})`);
    await db.execute(sql`INSERT INTO talks_participants (session_id, organisation_id, role)
      VALUES (${id}, ${partnerOrg}, 'partner')`);
  }
  // The registrant is registered for the held session, waitlisted for the scheduled one.
  await db.execute(sql`INSERT INTO talks_registrations (session_id, user_id, status) VALUES
    (${ids.held}, ${registrant.userId}, 'registered'), (${ids.scheduled}, ${registrant.userId}, 'waitlisted')`);
}, 120_000);
afterAll(async () => t?.close());

async function seen(a: Actor | null, cond: (a: Actor | null) => ReturnType<typeof visibleSessionSql>) {
  const r = await t.database.db.execute<{ status: string }>(
    sql`SELECT s.status FROM talks_sessions s WHERE s.series_id = ${seriesId} AND ${cond(a)} ORDER BY s.status`,
  );
  return r.rows.map((x) => x.status);
}

describe('visibleSessionSql', () => {
  it('announces scheduled, held and published sessions to the public, never drafts', async () => {
    expect(await seen(null, visibleSessionSql)).toEqual(['held', 'published', 'scheduled']);
    expect(await seen(actor('member'), visibleSessionSql)).toEqual(['held', 'published', 'scheduled']);
    expect(await seen(actor('partner', otherOrg), visibleSessionSql)).toEqual([
      'held',
      'published',
      'scheduled',
    ]);
  });

  it('shows a draft to staff and to users of a taking-part organisation', async () => {
    expect(await seen(actor('secretariat'), visibleSessionSql)).toHaveLength(4);
    expect(await seen(actor('admin'), visibleSessionSql)).toHaveLength(4);
    expect(await seen(actor('partner', partnerOrg), visibleSessionSql)).toEqual([
      'draft',
      'held',
      'published',
      'scheduled',
    ]);
  });

  it('accepts another alias and refuses one that is not a plain identifier', async () => {
    const r = await t.database.db.execute(
      sql`SELECT count(*)::int AS n FROM talks_sessions x WHERE x.series_id = ${seriesId} AND ${visibleSessionSql(null, 'x')}`,
    );
    expect(r.rows[0]).toEqual({ n: 3 });
    expect(() => visibleSessionSql(null, 's; DROP TABLE x')).toThrow();
  });
});

describe('contentVisibleSql', () => {
  it('gives the public only the content of published sessions', async () => {
    expect(await seen(null, contentVisibleSql)).toEqual(['published']);
    expect(await seen(actor('member', otherOrg), contentVisibleSql)).toEqual(['published']);
  });

  it('opens unpublished content to staff, participants and registrants (not the waitlisted)', async () => {
    expect(await seen(actor('secretariat'), contentVisibleSql)).toHaveLength(4);
    expect(await seen(actor('partner', partnerOrg), contentVisibleSql)).toEqual([
      'draft',
      'held',
      'published',
      'scheduled',
    ]);
    expect(await seen(registrant, contentVisibleSql)).toEqual(['held', 'published']);
  });
});

describe('sessionVisibility', () => {
  it('says what one actor sees of one session, and null for a hidden draft', async () => {
    expect(await sessionVisibility(t.database.db, null, ids.draft)).toBeNull();
    expect(await sessionVisibility(t.database.db, null, randomUUID())).toBeNull();
    expect(await sessionVisibility(t.database.db, null, ids.scheduled)).toMatchObject({
      status: 'scheduled',
      content: false,
    });
    expect(await sessionVisibility(t.database.db, registrant, ids.held)).toMatchObject({
      content: true,
      registered: true,
      orgTakesPart: false,
    });
    expect(await sessionVisibility(t.database.db, actor('partner', partnerOrg), ids.draft)).toMatchObject({
      content: true,
      orgTakesPart: true,
    });
  });
});
