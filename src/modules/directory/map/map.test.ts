import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true, demo: true });
});
afterAll(async () => {
  await t.close();
});

const sectionId = async (name: string) =>
  (
    await t.database.db.execute<{ id: string }>(
      sql`SELECT id FROM organisations WHERE kind = 'section' AND name = ${name}`,
    )
  ).rows[0].id;

describe('GET /map', () => {
  it('draws an accessible SVG world map with member countries shaded and a table of counts', async () => {
    const res = await t.app.inject({ url: '/map' });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="map-svg-title map-svg-desc"/);
    expect(html).toContain('<title id="map-svg-title">Members of the network by country</title>');
    expect(html).toMatch(/<desc id="map-svg-desc">[^<]*member organisations in \d+ countries/);
    // Ukraine has AUC, UAROR and the demo cities: shaded, with its count in a tooltip and the table.
    const ukraine = html.match(
      /<path d="[^"]+" fill="(#[0-9a-f]{6})" data-country="UA"><title>Ukraine: (\d+)<\/title>/,
    );
    expect(ukraine).not.toBeNull();
    expect(ukraine![1]).not.toBe('#eceae4');
    expect(Number(ukraine![2])).toBeGreaterThanOrEqual(9);
    expect(html).toMatch(
      new RegExp(`<th scope="row"><a href="/directory\\?country=UA">Ukraine</a></th><td>${ukraine![2]}</td>`),
    );
    expect(html).toContain('<caption>Member organisations by country</caption>');
    // The filter works without JavaScript: a GET form with a labelled select.
    expect(html).toMatch(/<form method="get" action="\/map"/);
    expect(html).toContain('<label for="map-section">Section</label>');
    console.log(`map page: ${html.length} bytes, ${gzipSync(html).length} gzipped`);
    expect(gzipSync(html).length).toBeLessThan(60 * 1024);
  });

  it('filters by Section and marks its member cities with dots', async () => {
    const mewa = await sectionId('UCLG Middle East and West Asia');
    const res = await t.app.inject({ url: `/map?section=${mewa}&lang=fr` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<caption>Membres de CGLU Moyen-Orient et Asie de l'Ouest par pays</caption>");
    expect(res.body).toMatch(new RegExp(`<option value="${mewa}" selected`));
    expect(res.body).toContain('data-country="LB"');
    expect(res.body).not.toContain('data-country="UA"');
    expect(res.body).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="2.6"><title>Beirut<\/title><\/circle>/);
  });

  it('answers an unknown Section with 404 and a malformed one with 400', async () => {
    expect(
      (await t.app.inject({ url: '/map?section=00000000-0000-4000-8000-000000000000' })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/map?section=<script>' })).statusCode).toBe(400);
  });
});

describe('GET /api/v1/directory/map.json', () => {
  it('gives member counts by country', async () => {
    const res = await t.app.inject({ url: '/api/v1/directory/map.json' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      section: null;
      total: number;
      countries: { country: string; name: string; count: number }[];
    };
    expect(body.section).toBeNull();
    expect(body.countries.find((c) => c.country === 'UA')).toMatchObject({ name: 'Ukraine' });
    expect(body.total).toBeGreaterThan(body.countries.length);
    const europe = await sectionId('Council of European Municipalities and Regions');
    const one = (
      await t.app.inject({ url: `/api/v1/directory/map.json?section=${europe}` })
    ).json() as typeof body;
    expect(one.section).toMatchObject({ id: europe });
    // 60 member associations and the demo cities of Europe.
    expect(one.countries.reduce((n, c) => n + c.count, 0)).toBeGreaterThan(60);
    expect((await t.app.inject({ url: '/api/v1/directory/map.json?section=nope' })).json()).toMatchObject({
      error: { code: 'validation_failed' },
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths['/api/v1/directory/map.json']).toBeDefined();
  });
});
