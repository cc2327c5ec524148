import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.ts';
import type { Ctx } from '../../../core/context.ts';
import { seedDemoNetwork, seedUclgNetwork } from './index.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

// As src/seed.ts runs them: both in one transaction.
async function seedAll(): Promise<void> {
  await database.db.transaction(async (tx) => {
    const ctx: Ctx = { db: tx, actor: null, locale: 'en', now: new Date(), requestId: 'seed' };
    await seedUclgNetwork(ctx);
    await seedDemoNetwork(ctx);
  });
}

const one = async <T>(q: ReturnType<typeof sql>) =>
  (await database.db.execute<T & Record<string, unknown>>(q)).rows[0];
const snapshot = async () =>
  one<{
    orgs: number;
    memberships: number;
    people: number;
    roles: number;
    contacts: number;
    updated: string;
  }>(sql`
    SELECT (SELECT count(*)::int8 FROM organisations) AS orgs, (SELECT count(*)::int8 FROM memberships) AS memberships,
           (SELECT count(*)::int8 FROM people) AS people, (SELECT count(*)::int8 FROM person_roles) AS roles,
           (SELECT count(*)::int8 FROM person_contacts) AS contacts,
           (SELECT max(updated_at)::text FROM organisations) AS updated`);

describe('first-run seed', () => {
  it('creates UCLG, its nine Sections, the 60 CEMR member associations and a demo network', async () => {
    const started = performance.now();
    await seedAll();
    console.log(`seed: ${Math.round(performance.now() - started)} ms`);

    const uclg = await one<{ names: Record<string, string>; acronym: string }>(
      sql`SELECT names, acronym FROM organisations WHERE kind = 'network'`,
    );
    expect(uclg).toEqual({
      names: {
        en: 'United Cities and Local Governments',
        fr: 'Cités et Gouvernements Locaux Unis',
        es: 'Ciudades y Gobiernos Locales Unidos',
      },
      acronym: 'UCLG',
    });
    const sections = await database.db.execute<{
      name: string;
      parent: string;
      description: Record<string, string>;
    }>(sql`
      SELECT s.name, p.acronym AS parent, s.description FROM organisations s JOIN organisations p ON p.id = s.parent_id
      WHERE s.kind = 'section' ORDER BY s.name`);
    expect(sections.rows).toHaveLength(9);
    expect(sections.rows.every((s) => s.parent === 'UCLG')).toBe(true);
    expect(sections.rows.find((s) => s.name === 'UCLG Africa')!.description.en).toContain('Rabat');

    const cemr = await database.db.execute<{
      acronym: string;
      country: string;
      note: string | null;
      status: string;
    }>(sql`
      SELECT m.acronym, m.country, ms.note, ms.status FROM memberships ms
      JOIN organisations m ON m.id = ms.member_id JOIN organisations g ON g.id = ms.group_id
      WHERE g.acronym = 'CEMR' AND m.kind = 'lg_association'`);
    expect(cemr.rows).toHaveLength(60);
    expect(new Set(cemr.rows.map((r) => r.country)).size).toBe(41);
    expect(cemr.rows.every((r) => r.status === 'active')).toBe(true);
    expect(cemr.rows.find((r) => r.acronym === 'AMF')!.note).toMatch(/associate/);
    expect(cemr.rows.find((r) => r.acronym === 'AUC')).toMatchObject({ country: 'UA', note: null });

    const kyiv = await one<{ names: Record<string, string>; alt_names: string[]; groups: string[] }>(sql`
      SELECT o.names, o.alt_names, array_agg(g.acronym ORDER BY g.acronym) AS groups FROM organisations o
      JOIN memberships ms ON ms.member_id = o.id JOIN organisations g ON g.id = ms.group_id
      WHERE o.geonames_id = 703448 GROUP BY o.id`);
    expect(kyiv.names).toEqual({ en: 'Kyiv', uk: 'Київ', ru: 'Киев', fr: 'Kyiv', es: 'Kiev' });
    expect(kyiv.alt_names).toEqual(['Kiev']);
    expect(kyiv.groups).toEqual(['AUC', 'CEMR', null]); // null: Metropolis has no acronym

    const perSection = await database.db.execute<{ name: string; n: number }>(sql`
      SELECT s.name, count(ms.id)::int8 AS n FROM organisations s LEFT JOIN memberships ms ON ms.group_id = s.id
      WHERE s.kind = 'section' GROUP BY s.name`);
    expect(perSection.rows.every((r) => Number(r.n) >= 2)).toBe(true);
    const cities = await one<{ n: number }>(
      sql`SELECT count(*)::int8 AS n FROM organisations WHERE kind = 'city'`,
    );
    expect(Number(cities.n)).toBeGreaterThanOrEqual(40);

    const contacts = await one<{ n: number; restricted: number }>(sql`
      SELECT count(*)::int8 AS n, count(*) FILTER (WHERE confidentiality = 'restricted')::int8 AS restricted FROM person_contacts`);
    expect(Number(contacts.n)).toBeGreaterThan(0);
    expect(contacts.restricted).toBe(contacts.n);
    const people = await database.db.execute<{ name: string }>(sql`SELECT name FROM people`);
    expect(people.rows.every((p) => p.name.startsWith('Demo: '))).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot();
    await seedAll();
    expect(await snapshot()).toEqual(before);
    const events = await database.db.execute<{ after: { organisations: Record<string, number> } }>(
      sql`SELECT after FROM audit_events WHERE action = 'seed' ORDER BY id DESC LIMIT 2`,
    );
    for (const e of events.rows) expect(e.after.organisations).toMatchObject({ created: 0, updated: 0 });
  });
});
