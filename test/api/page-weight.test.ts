import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { loginAs } from '../support/auth.ts';

/**
 * Users on poor connections: every page, with the CSS, scripts and images it loads, weighs less
 * than 60 KB compressed. Measured on the demo network, as the public and as an admin.
 */
const LIMIT = 60 * 1024;

let t: TestApp;
let adminCookie: string;
let kyivId: string;

beforeAll(async () => {
  t = await createTestApp({ seed: true, demo: true });
  adminCookie = (await loginAs(t, { role: 'admin' })).cookie;
  kyivId = (
    await t.database.db.execute<{ id: string }>(sql`SELECT id FROM organisations WHERE name = 'Kyiv' LIMIT 1`)
  ).rows[0].id;
});
afterAll(async () => t?.close());

async function weigh(url: string, cookie?: string): Promise<{ total: number; parts: string[] }> {
  const headers = cookie ? { cookie } : {};
  const page = await t.app.inject({ url, headers });
  expect(page.statusCode, url).toBe(200);
  let total = gzipSync(page.body).length;
  const parts = [`${url}: ${total}`];
  const assets = new Set([...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]));
  for (const asset of assets) {
    const res = await t.app.inject({ url: asset, headers });
    expect(res.statusCode, asset).toBe(200);
    const size = gzipSync(res.rawPayload).length;
    total += size;
    parts.push(`${asset}: ${size}`);
  }
  return { total, parts };
}

describe('page weight', () => {
  const publicPages = () => [
    '/',
    '/about',
    '/directory',
    '/directory?q=Kyiv',
    '/directory/sections',
    `/directory/organisations/${kyivId}`,
    '/map',
    '/api/docs',
    '/login',
  ];
  const adminPages = () => [
    '/directory/organisations/new',
    `/directory/organisations/${kyivId}/edit`,
    '/admin',
    '/admin/users',
    '/admin/audit',
    '/admin/outbox',
    '/account',
    '/directory/imports',
  ];

  it('public pages are under 60 KB compressed with their assets', async () => {
    for (const url of publicPages()) {
      const w = await weigh(url);
      expect(w.total, w.parts.join(', ')).toBeLessThan(LIMIT);
    }
  });

  it('pages of signed-in staff are under 60 KB compressed with their assets', async () => {
    for (const url of adminPages()) {
      const w = await weigh(url, adminCookie);
      expect(w.total, w.parts.join(', ')).toBeLessThan(LIMIT);
    }
  });
});
