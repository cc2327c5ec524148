import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type SignedIn } from '../../../test/support/auth.ts';
import { aidPlaces } from './fixtures.test-support.ts';

let t: TestApp;
let places: Awaited<ReturnType<typeof aidPlaces>>;
let coordinator: SignedIn;
let member: SignedIn;
let corridorId: string;

const json = (u: SignedIn | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: {
      ...(u ? u.headers() : {}),
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    payload: payload === undefined ? undefined : JSON.stringify(payload),
  });

/** Every hashtag and attribute of the HXL standard's knowledge base. */
function hxlVocabulary() {
  // The standard beside the checkout (../shared), else the copy kept with the tests.
  const shared = new URL('../../../../shared/standards/hxl/hxl-knowledge-base.json', import.meta.url);
  const copy = new URL('../../../test/fixtures/hxl/hxl-knowledge-base.json', import.meta.url);
  const text = readFileSync(existsSync(shared) ? shared : copy, 'utf8');
  const tags = new Set([...text.matchAll(/"hashtag":\s*"([a-z0-9_]+)"/g)].map((m) => m[1]));
  const attributes = new Set([...text.matchAll(/"attribute":\s*"([a-z0-9_]+)"/g)].map((m) => m[1]));
  return { tags, attributes };
}

beforeAll(async () => {
  t = await createTestApp();
  places = await aidPlaces(t);
  coordinator = await loginAs(t, { role: 'aid_coordinator' });
  member = await loginAs(t, { role: 'member', scopeOrgId: places.kharkiv });
  const c = await json(coordinator, 'POST', '/api/v1/aid/corridors', {
    name: 'Przemyśl–Lviv',
    originName: 'Przemyśl',
    destinationName: 'Lviv',
    originOrgId: places.przemysl,
    destinationOrgId: places.lviv,
    path: [
      [22.77, 49.78],
      [23.61, 49.83],
      [24.03, 49.84],
    ],
    status: 'restricted',
  });
  expect(c.statusCode, c.body).toBe(201);
  corridorId = c.json().id;
});
afterAll(async () => t?.close());

describe('aid API', () => {
  it('posts a need, proposes offers, allocates, and answers a second allocation with 409 over_allocation', async () => {
    const need = await json(member, 'POST', '/api/v1/aid/needs', {
      communityOrgId: places.kharkiv,
      category: 'wash',
      item: 'Water purification tablets',
      quantity: 500,
      unit: 'boxes',
      priority: 'critical',
      neededBy: '2027-01-10',
    });
    expect(need.statusCode, need.body).toBe(201);
    const offer = await json(coordinator, 'POST', '/api/v1/aid/offers', {
      kind: 'goods',
      offererOrgId: places.lviv,
      category: 'wash',
      item: 'Water purification tablets',
      quantity: 300,
      unit: 'boxes',
    });
    expect(offer.statusCode, offer.body).toBe(201);
    const proposals = await json(null, 'GET', `/api/v1/aid/needs/${need.json().id}/proposals`);
    expect(proposals.json().items[0]).toMatchObject({ offer: { id: offer.json().id }, itemFit: 'exact' });
    const first = await json(coordinator, 'POST', '/api/v1/aid/allocations', {
      needId: need.json().id,
      offerId: offer.json().id,
      quantity: 300,
    });
    expect(first.statusCode, first.body).toBe(201);
    const second = await json(coordinator, 'POST', '/api/v1/aid/allocations', {
      needId: need.json().id,
      offerId: offer.json().id,
      quantity: 1,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('over_allocation');
    const detail = await json(null, 'GET', `/api/v1/aid/needs/${need.json().id}`);
    expect(detail.json()).toMatchObject({ status: 'partly_covered', allocatedQty: 300, lacking: 200 });
    expect(detail.json().allocations).toHaveLength(1);
  });

  it('refuses a capacity report carrying personal data with 422 personal_data_refused', async () => {
    const base = {
      orgId: places.przemysl,
      asOf: '2026-11-25',
      childrenAvailable: 10,
      totalAvailable: 50,
      totalUsed: 20,
    };
    const ok = await json(coordinator, 'POST', '/api/v1/aid/capacity', base);
    expect(ok.statusCode, ok.body).toBe(201);
    for (const extra of [
      { name: 'Olena Kovalenko' },
      { birthDate: '2014-05-01' },
      { people: [{ firstName: 'Ivan', dateOfBirth: '1950-02-02' }] },
    ]) {
      const res = await json(coordinator, 'POST', '/api/v1/aid/capacity', { ...base, ...extra });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('personal_data_refused');
    }
    // The HTML form refuses it the same way.
    const form = await postForm(
      t,
      '/aid/capacity',
      {
        ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k, String(v)])),
        totalAvailable: '50',
        fullName: 'Ivan P.',
      },
      coordinator.headers(),
    );
    expect(form.statusCode).toBe(422);
    const rows = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM aid_capacity`);
    expect(rows.rows[0]).toEqual({ n: 1 });
  });

  it('leaves the exact route out for the public and members, and audits its reading by coordinators', async () => {
    for (const who of [null, member]) {
      const one = await json(who, 'GET', `/api/v1/aid/corridors/${corridorId}`);
      expect(one.statusCode).toBe(200);
      expect(one.json()).not.toHaveProperty('path');
      expect(one.body).not.toContain('23.61');
      const page = await t.app.inject({ url: '/aid/corridors', headers: who ? who.headers() : {} });
      expect(page.body).not.toContain('23.61');
      const dash = await t.app.inject({ url: '/aid', headers: who ? who.headers() : {} });
      expect(dash.statusCode).toBe(200);
    }
    const before = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'read_restricted' AND entity = 'aid_corridor'`,
    );
    const mine = await json(coordinator, 'GET', `/api/v1/aid/corridors/${corridorId}`);
    expect(mine.json().path[1]).toEqual([23.61, 49.83]);
    const page = await t.app.inject({ url: '/aid/corridors', headers: coordinator.headers() });
    expect(page.body).toContain('49.8300, 23.6100');
    const after = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'read_restricted' AND entity = 'aid_corridor'`,
    );
    expect(after.rows[0].n).toBe(before.rows[0].n + 2);
  });

  it('answers bad input with 4xx and an error code', async () => {
    const cases: [string, unknown][] = [
      ['/api/v1/aid/needs', { communityOrgId: 'x' }],
      [
        '/api/v1/aid/needs',
        {
          communityOrgId: places.kharkiv,
          category: 'shelter',
          item: 'a',
          quantity: 'many',
          unit: 'x',
          priority: 'high',
        },
      ],
      [
        '/api/v1/aid/offers',
        {
          kind: 'money',
          offererOrgId: places.lviv,
          category: 'health',
          item: 'Cash',
          amountMinor: 100,
          currency: 'euro',
        },
      ],
      ['/api/v1/aid/allocations', { needId: crypto.randomUUID(), offerId: crypto.randomUUID(), quantity: 1 }],
      ['/api/v1/aid/shipments', { items: [] }],
      [
        '/api/v1/aid/corridors',
        {
          name: 'x',
          originName: 'a',
          destinationName: 'b',
          status: 'open',
          path: [
            [200, 0],
            [0, 0],
          ],
        },
      ],
    ];
    for (const [url, body] of cases) {
      const res = await json(coordinator, 'POST', url, body);
      expect(res.statusCode, `${url} ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(typeof res.json().error.code).toBe('string');
    }
    const anonymous = await json(null, 'POST', '/api/v1/aid/needs', {
      communityOrgId: places.kharkiv,
      category: 'shelter',
      item: 'Tents',
      quantity: 5,
      unit: 'pieces',
      priority: 'high',
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('aid exports', () => {
  it('HXL exports have the hashtag row right under the header, with tags and attributes of the standard', async () => {
    const { tags, attributes } = hxlVocabulary();
    expect(tags.size).toBeGreaterThan(30);
    for (const name of ['needs', 'deliveries', 'capacity']) {
      const res = await t.app.inject({ url: `/aid/exports/${name}.hxl.csv`, headers: coordinator.headers() });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const rows = parse(res.body) as string[][];
      const [header, hashtags] = rows;
      expect(hashtags).toHaveLength(header.length);
      for (const spec of hashtags) {
        const [tag, ...atts] = spec.split('+');
        expect(tag.startsWith('#'), spec).toBe(true);
        expect(tags.has(tag.slice(1)), `${name}: ${spec}`).toBe(true);
        for (const a of atts) expect(attributes.has(a), `${name}: ${spec}`).toBe(true);
      }
      const csv = parse(
        (await t.app.inject({ url: `/aid/exports/${name}.csv`, headers: coordinator.headers() })).body,
      ) as string[][];
      expect(csv[0]).toEqual(header);
      expect(csv.length).toBe(rows.length - 1);
    }
  });

  it('exports needs and capacity as JSON for everyone, deliveries only for signed-in readers', async () => {
    const needs = await t.app.inject({ url: '/aid/exports/needs.json' });
    expect(needs.statusCode).toBe(200);
    expect(needs.json()[0]).toHaveProperty('cluster');
    const cap = await t.app.inject({ url: '/aid/exports/capacity.json' });
    expect(cap.json()[0]).toMatchObject({ lrg: 'Przemyśl', total_available: 50 });
    expect((await t.app.inject({ url: '/aid/exports/deliveries.csv' })).statusCode).toBe(401);
  });
});

describe('aid pages without JavaScript', () => {
  it('a member posts a need through the form and sees it with its links section', async () => {
    const form = await t.app.inject({ url: '/aid/needs/new', headers: member.headers() });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');
    const bad = await postForm(
      t,
      '/aid/needs',
      {
        communityOrgId: places.kharkiv,
        category: 'shelter',
        item: '',
        quantity: '0',
        unit: 'x',
        priority: 'high',
      },
      member.headers(),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('error-summary');
    const res = await postForm(
      t,
      '/aid/needs',
      {
        communityOrgId: places.kharkiv,
        category: 'shelter',
        item: 'Tarpaulins',
        quantity: '40',
        unit: 'pieces',
        priority: 'high',
        neededBy: '',
      },
      member.headers(),
    );
    expect(res.statusCode, res.body).toBe(303);
    const page = await t.app.inject({ url: res.headers.location as string, headers: member.headers() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tarpaulins');
    expect(page.body).toContain('id="links-h"');
    const dash = await t.app.inject({ url: '/aid' });
    expect(dash.body).toContain('<svg');
    expect(dash.body).toContain('Kharkiv');
  });

  it('links a Talks-style record to an aid appeal through the generic link API', async () => {
    const needs = await json(null, 'GET', '/api/v1/aid/needs?limit=2');
    const [a, b] = needs.json().items;
    const link = await json(coordinator, 'POST', '/api/v1/links', {
      from: { kind: 'aid.need', id: a.id },
      to: { kind: 'aid.need', id: b.id },
    });
    expect(link.statusCode, link.body).toBe(201);
    const listed = await json(null, 'GET', `/api/v1/links?kind=aid.need&id=${b.id}`);
    expect(listed.json().items[0].other).toMatchObject({ kind: 'aid.need', url: `/aid/needs/${a.id}` });
  });
});

describe('shipment forms without JavaScript', () => {
  it('the centre ships allocated goods; the community confirms what arrived', async () => {
    const need = await json(member, 'POST', '/api/v1/aid/needs', {
      communityOrgId: places.kharkiv,
      category: 'health',
      item: 'First aid kits',
      quantity: 20,
      unit: 'boxes',
      priority: 'high',
    });
    const offer = await json(coordinator, 'POST', '/api/v1/aid/offers', {
      kind: 'goods',
      offererOrgId: places.lviv,
      category: 'health',
      item: 'First aid kits',
      quantity: 20,
      unit: 'boxes',
    });
    const needId = need.json().id;
    const allocated = await postForm(
      t,
      '/aid/allocations',
      { needId, offerId: offer.json().id, quantity: '20' },
      coordinator.headers(),
    );
    expect(allocated.statusCode, allocated.body.slice(0, 500)).toBe(303);
    const form = await t.app.inject({
      url: `/aid/shipments/new?needId=${needId}`,
      headers: coordinator.headers(),
    });
    expect(form.statusCode).toBe(200);
    const allocationId = /name="items\[0\]\[allocationId\]" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
    expect(allocationId).toBeDefined();
    const created = await postForm(
      t,
      '/aid/shipments',
      {
        needId,
        corridorId: corridorId,
        reference: 'SH-form',
        'items[0][allocationId]': allocationId!,
        'items[0][quantity]': '20',
      },
      coordinator.headers(),
    );
    expect(created.statusCode, /error-summary[\s\S]{0,600}/.exec(created.body)?.[0]).toBe(303);
    const shipmentUrl = created.headers.location as string;
    const page = await t.app.inject({ url: shipmentUrl, headers: coordinator.headers() });
    const version = /name="version" value="(\d+)"/.exec(page.body)?.[1];
    const dispatched = await postForm(
      t,
      `${shipmentUrl}/transition`,
      { action: 'dispatch', version: version! },
      coordinator.headers(),
    );
    expect(dispatched.statusCode).toBe(303);
    const mine = await t.app.inject({ url: shipmentUrl, headers: member.headers() });
    const itemId = /name="items\[0\]\[shipmentItemId\]" value="([0-9a-f-]{36})"/.exec(mine.body)?.[1];
    const confirmed = await postForm(
      t,
      `${shipmentUrl}/delivery`,
      { 'items[0][shipmentItemId]': itemId!, 'items[0][receivedQty]': '17', note: 'Three missing' },
      member.headers(),
    );
    expect(confirmed.statusCode, confirmed.body.slice(0, 500)).toBe(303);
    const after = await json(null, 'GET', `/api/v1/aid/needs/${needId}`);
    expect(after.json()).toMatchObject({ status: 'partly_delivered', deliveredQty: 17, lacking: 3 });
  });
});

describe('aid appeals linked from the Talks', () => {
  it("the responsible community links its session action to its aid appeal; the need's page lists it", async () => {
    const db = t.database.db;
    const series = await db.execute<{ id: string }>(
      sql`INSERT INTO talks_series (slug, title) VALUES ('aid-links', '{"en": "Talks"}') RETURNING id`,
    );
    const session = await db.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, starts_at, format, status)
      VALUES (${series.rows[0].id}, '{"en": "1 April"}', '2022-04-01T12:00:00Z', 'online', 'published') RETURNING id`);
    const action = await db.execute<{ id: string }>(sql`
      INSERT INTO talks_actions (session_id, text, responsible_org_id)
      VALUES (${session.rows[0].id}, '{"en": "Send winter aid to Kharkiv"}', ${places.kharkiv}) RETURNING id`);
    const need = await json(member, 'POST', '/api/v1/aid/needs', {
      communityOrgId: places.kharkiv,
      category: 'shelter',
      item: 'Stoves',
      quantity: 12,
      unit: 'pieces',
      priority: 'high',
    });
    const link = await json(member, 'POST', '/api/v1/links', {
      from: { kind: 'talks.action', id: action.rows[0].id },
      to: { kind: 'aid.need', id: need.json().id },
      relation: 'implements',
    });
    expect(link.statusCode, link.body).toBe(201);
    const page = await t.app.inject({ url: `/aid/needs/${need.json().id}`, headers: member.headers() });
    expect(page.body).toContain('Send winter aid to Kharkiv');
    expect(page.body).toContain(`href="/talks/actions/${action.rows[0].id}"`);
    // Someone of another community may not link this appeal to their records.
    const other = await loginAs(t, { role: 'member', scopeOrgId: places.lviv });
    const refused = await json(other, 'POST', '/api/v1/links', {
      from: { kind: 'aid.need', id: need.json().id },
      to: { kind: 'talks.action', id: action.rows[0].id },
    });
    expect(refused.statusCode).toBe(403);
  });
});

describe('the dashboard', () => {
  it('draws needs and corridors on a server-side SVG map, in words as well as colours, in every language', async () => {
    const posted = await json(member, 'POST', '/api/v1/aid/needs', {
      communityOrgId: places.kharkiv,
      category: 'wash',
      item: 'Jerrycans',
      quantity: 30,
      unit: 'pieces',
      priority: 'medium',
    });
    expect(posted.statusCode).toBe(201);
    const page = await t.app.inject({ url: '/aid' });
    expect(page.statusCode).toBe(200);
    const svg = /<svg viewBox[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
    expect(svg).toContain('role="img"');
    // The restricted corridor: a dashed line with its name and status written beside it.
    expect(svg).toMatch(/<polyline[^>]*stroke-dasharray="10 5"/);
    expect(svg).toContain('Przemyśl–Lviv (Restricted)');
    expect(svg).toMatch(/Kharkiv · \d+/);
    // The same in a table for readers who cannot see the map.
    expect(page.body).toContain('Places with needs');
    for (const lang of ['fr', 'es', 'uk', 'ru', 'ar']) {
      const other = await t.app.inject({ url: `/aid?lang=${lang}` });
      expect(other.statusCode, lang).toBe(200);
      expect(other.body, lang).not.toMatch(/\baid\.[a-z]+\.[a-zA-Z_]+/);
    }
  });
});
