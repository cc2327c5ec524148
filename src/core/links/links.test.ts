import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, type SignedIn } from '../../../test/support/auth.ts';
import { sqlUuids } from '../db/sql-arrays.ts';
import { AppError } from '../errors.ts';
import { isStaff } from '../policy/policy.ts';
import { registerLinkKind } from './registry.ts';
import { linkRecords, listLinks, unlinkRecords } from './service.ts';

// Two kinds backed by real rows (organisations), the way a part registers its records: one
// readable by everyone, one only by staff, so that a link never reveals what a reader may not see.
registerLinkKind({
  kind: 'test.open',
  label: () => 'Open record',
  async load(db, _ctx, ids) {
    const r = await db.execute<{ id: string; name: string }>(
      sql`SELECT id, name FROM organisations WHERE id = ANY(${sqlUuids(ids)}) AND kind = 'city'`,
    );
    return r.rows.map((o) => ({ id: o.id, title: o.name, url: `/directory/organisations/${o.id}` }));
  },
  async assertCanLink(_db, ctx) {
    if (!isStaff(ctx.actor)) throw new AppError('forbidden');
  },
});
registerLinkKind({
  kind: 'test.secret',
  label: () => 'Secret record',
  async load(db, ctx, ids) {
    if (!isStaff(ctx.actor)) return [];
    const r = await db.execute<{ id: string; name: string }>(
      sql`SELECT id, name FROM organisations WHERE id = ANY(${sqlUuids(ids)}) AND kind = 'network'`,
    );
    return r.rows.map((o) => ({ id: o.id, title: o.name, url: `/directory/organisations/${o.id}` }));
  },
  async assertCanLink(_db, ctx) {
    if (!isStaff(ctx.actor)) throw new AppError('forbidden');
  },
});

describe('record links', () => {
  let t: TestApp;
  let staff: SignedIn;
  let member: SignedIn;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    staff = await loginAs(t, { role: 'secretariat' });
    member = await loginAs(t, { role: 'member' });
    for (const [key, kind] of [
      ['a', 'city'],
      ['b', 'city'],
      ['s', 'network'],
    ]) {
      const r = await t.database.pool.query(
        `INSERT INTO organisations (kind, names, name) VALUES ($1, '{}', $2) RETURNING id`,
        [kind, `Org ${key}`],
      );
      ids[key] = r.rows[0].id;
    }
  });
  afterAll(() => t.close());

  it('links two records, lists the link from both ends, and audits it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: staff.headers(),
      payload: {
        from: { kind: 'test.open', id: ids.a },
        to: { kind: 'test.open', id: ids.b },
        relation: 'follows_up',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const linkId = res.json().id;
    const fromA = await listLinks(t.ctx(staff.actor), { kind: 'test.open', id: ids.a });
    expect(fromA).toMatchObject([
      { id: linkId, direction: 'out', relation: 'follows_up', other: { title: 'Org b' } },
    ]);
    const fromB = await t.app.inject({ url: `/api/v1/links?kind=test.open&id=${ids.b}` });
    expect(fromB.json().items).toMatchObject([
      { direction: 'in', other: { title: 'Org a', kindLabel: 'Open record' } },
    ]);
    const audited = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE entity = 'record_link' AND entity_id = $1`,
      [linkId],
    );
    expect(audited.rows[0].n).toBe(1);
  });

  it('refuses a second identical link, an unknown kind, a missing target and a self-link', async () => {
    const base = {
      from: { kind: 'test.open', id: ids.a },
      to: { kind: 'test.open', id: ids.b },
      relation: 'follows_up',
    };
    const post = (payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/links',
        headers: staff.headers(),
        payload: payload as object,
      });
    expect((await post(base)).json().error.code).toBe('already_exists');
    expect((await post({ ...base, to: { kind: 'nope.kind', id: ids.b } })).json().error.code).toBe(
      'validation_failed',
    );
    const missing = await post({
      ...base,
      to: { kind: 'test.open', id: '00000000-0000-4000-8000-000000000000' },
    });
    expect([missing.statusCode, missing.json().error.code]).toEqual([422, 'unknown_reference']);
    expect((await post({ ...base, to: base.from })).json().error.code).toBe('validation_failed');
  });

  it('lets only those who may edit the origin link it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: member.headers(),
      payload: { from: { kind: 'test.open', id: ids.b }, to: { kind: 'test.open', id: ids.a } },
    });
    expect(res.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      payload: { from: { kind: 'test.open', id: ids.b }, to: { kind: 'test.open', id: ids.a } },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('hides a link whose other end the reader may not see', async () => {
    await linkRecords(t.ctx(staff.actor), {
      from: { kind: 'test.open', id: ids.b },
      to: { kind: 'test.secret', id: ids.s },
    });
    const forStaff = await listLinks(t.ctx(staff.actor), { kind: 'test.open', id: ids.b });
    expect(forStaff.map((l) => l.other.kind).sort()).toEqual(['test.open', 'test.secret']);
    const forPublic = await listLinks(t.ctx(null), { kind: 'test.open', id: ids.b });
    expect(forPublic.map((l) => l.other.kind)).toEqual(['test.open']);
    // A reader who cannot see the origin's target cannot link to it either.
    await expect(
      linkRecords(t.ctx(member.actor), {
        from: { kind: 'test.open', id: ids.a },
        to: { kind: 'test.secret', id: ids.s },
      }),
    ).rejects.toMatchObject({ code: 'unknown_reference' });
  });

  it('removes a link through the form, keeping it in history, and may link again', async () => {
    const [link] = (await listLinks(t.ctx(staff.actor), { kind: 'test.open', id: ids.a })).filter(
      (l) => l.other.kind === 'test.open',
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/links/${link.id}/remove`,
      headers: { ...staff.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(staff.csrf)}&back=%2Fdirectory`,
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/directory']);
    expect(await listLinks(t.ctx(staff.actor), { kind: 'test.open', id: ids.a })).toEqual([]);
    const kept = await t.database.pool.query(
      `SELECT removed_at, removed_by FROM record_links WHERE id = $1`,
      [link.id],
    );
    expect(kept.rows[0].removed_by).toBe(staff.userId);
    await expect(unlinkRecords(t.ctx(staff.actor), link.id)).rejects.toMatchObject({ code: 'not_found' });
    await linkRecords(t.ctx(staff.actor), {
      from: { kind: 'test.open', id: ids.a },
      to: { kind: 'test.open', id: ids.b },
      relation: 'follows_up',
    });
  });

  it('sends the reader back only to a page of this site', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/links',
      headers: { ...staff.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(staff.csrf)}&fromKind=test.open&fromId=${ids.b}&toKind=test.open&toId=${ids.a}&back=${encodeURIComponent('//evil.example/x')}`,
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/']);
  });
});
