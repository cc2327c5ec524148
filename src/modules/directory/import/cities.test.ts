import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.ts';
import type { Ctx } from '../../../core/context.ts';
import { type CityRecord, importCities, loadAllTheCities } from './cities.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const ctx = (): Ctx => ({ db: database.db, actor: null, locale: 'en', now: new Date(), requestId: 'cli' });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const count = async (where = sql`kind = 'city'`) =>
  Number(
    (
      await database.db.execute<{ n: number }>(
        sql`SELECT count(*)::int8 AS n FROM organisations WHERE ${where}`,
      )
    ).rows[0].n,
  );

describe('importCities', () => {
  it('imports a subset, rejects bad records with reasons, and changes nothing the second time', async () => {
    const all = loadAllTheCities();
    // Every 500th city: a sample of the whole world, plus Kyiv.
    const subset: CityRecord[] = all.filter((_c, i) => i % 500 === 0);
    subset.push(all.find((c) => c.cityId === 703448)!);
    const bad: CityRecord[] = [
      { cityId: 1, name: '  ', country: 'FR', population: 10, loc: { coordinates: [2, 48] } },
      { cityId: 2, name: 'Nowhere', country: 'FR', population: 10, loc: { coordinates: [200, 48] } },
      { cityId: 3, name: 'Atlantis', country: 'atlantis', population: 10, loc: { coordinates: [2, 48] } },
      { cityId: 4, name: 'Nocoord', country: 'FR', population: 10, loc: null },
    ];
    const records = [...subset, ...bad];
    const progress: number[] = [];

    const first = await importCities(ctx(), { records, onProgress: (p) => progress.push(p.done) });
    expect(first.created).toBe(subset.length);
    expect(first.updated).toBe(0);
    expect(first.rejected.map((r) => r.index)).toEqual([
      subset.length,
      subset.length + 1,
      subset.length + 2,
      subset.length + 3,
    ]);
    expect(first.rejected.map((r) => r.reason)).toEqual([
      'missing name',
      expect.stringContaining('out of range'),
      expect.stringContaining('invalid country'),
      'missing coordinates',
    ]);
    expect(progress.at(-1)).toBe(subset.length);
    expect(await count()).toBe(subset.length);

    const kyiv = await database.db.execute<{ names: Record<string, string>; country: string; lat: number }>(
      sql`SELECT names, country, lat FROM organisations WHERE geonames_id = 703448`,
    );
    expect(kyiv.rows[0]).toMatchObject({ names: { en: 'Kyiv' }, country: 'UA' });

    const second = await importCities(ctx(), { records });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: subset.length });
    expect(await count()).toBe(subset.length);

    // One summary audit event per run, not one per city.
    const events = await database.db.execute<{ after: { created: number } }>(
      sql`SELECT after FROM audit_events WHERE action = 'import' AND entity = 'directory_organisations' ORDER BY id`,
    );
    expect(events.rows.map((e) => e.after.created)).toEqual([subset.length, 0]);
  });

  it('keeps recorded names, refreshes GeoNames figures and counts the change as an update', async () => {
    await database.db.execute(
      sql`UPDATE organisations SET names = names || '{"uk":"Київ"}'::jsonb, population = 1 WHERE geonames_id = 703448`,
    );
    const kyiv = loadAllTheCities().find((c) => c.cityId === 703448)!;
    const r = await importCities(ctx(), { records: [kyiv] });
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const row = await database.db.execute<{ names: Record<string, string>; population: number }>(
      sql`SELECT names, population FROM organisations WHERE geonames_id = 703448`,
    );
    expect(row.rows[0].names).toEqual({ en: 'Kyiv', uk: 'Київ' });
    expect(row.rows[0].population).toBe(kyiv.population);
  });

  it('filters by population', async () => {
    const big = loadAllTheCities().filter((c) => (c.population ?? 0) >= 5_000_000);
    const r = await importCities(ctx(), { minPopulation: 5_000_000 });
    expect(r.rejected).toEqual([]);
    expect(r.created + r.updated + r.unchanged).toBe(big.length);
  });

  it('refuses a signed-in user who is not network staff', async () => {
    const member: Ctx = {
      ...ctx(),
      requestId: 'req',
      actor: {
        userId: '00000000-0000-4000-8000-000000000001',
        email: 'm@example.org',
        name: 'M',
        roles: [{ role: 'member', scopeOrgId: null }],
        mfa: false,
      },
    };
    await expect(importCities(member, { records: [] })).rejects.toMatchObject({ code: 'forbidden' });
  });
});
