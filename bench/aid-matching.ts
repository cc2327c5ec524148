import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import { freePort } from '../src/core/db/embedded.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { installModules } from '../src/core/module/install.ts';
import { seedOnFirstRun } from '../src/core/seed.ts';
import { proposeOffers } from '../src/modules/aid/index.ts';
import { modules } from '../src/modules/index.ts';
import { type LoadResult, load, spawnListening, stop } from './lib.ts';

installModules(modules);

/**
 * Matching proposals of the aid centre (issue 4): 100,000 open offers (and 5,000 needs) are
 * generated with SQL over 2,000 places of Ukraine and its neighbours, with a vocabulary of
 * items in several spellings across the humanitarian clusters. Measures proposals for a need
 * through the use case (p50/p95 over many needs, one at a time), then through the API at 50
 * connections beside a bare Fastify route in the same run.
 *
 * Usage: `npx tsx bench/aid-matching.ts [--scale 1] [--duration 10] [--reuse] [--explain]`.
 * `--scale 0.02` makes everything fifty times smaller (for checking the script).
 * Writes bench/results/aid-matching.json.
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const scale = arg('--scale', 1);
const duration = arg('--duration', 10);
const reuse = args.includes('--reuse');
const explainOnly = args.includes('--explain');
const dataDir = path.resolve(scale === 1 ? '.tmp/bench-aid' : `.tmp/bench-aid-${scale}`);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const n = (x: number) => Math.max(1, Math.round(x * scale));
const OFFERS = n(100_000);
const NEEDS = n(5_000);
const PLACES = n(2_000);
const SAMPLE = Math.min(500, NEEDS);
const env = { PEACETALKS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PEACETALKS_JOBS: 'false' };
Object.assign(process.env, env);

// Items per cluster; with spelling variants they make about 400 distinct item names.
const ITEMS = `ARRAY[
  ['shelter','Blankets'],['shelter','Tents'],['shelter','Tarpaulins'],['shelter','Sleeping bags'],['shelter','Mattresses'],
  ['shelter','Plastic sheeting'],['shelter','Stoves'],['shelter','Generators'],['wash','Water purification tablets'],
  ['wash','Hygiene kits'],['wash','Jerrycans'],['wash','Bottled water'],['wash','Soap'],['wash','Water tanks'],
  ['health','First aid kits'],['health','Insulin'],['health','Antibiotics'],['health','Surgical masks'],['health','Wheelchairs'],
  ['health','Bandages'],['food_security','Flour'],['food_security','Canned food'],['food_security','Rice'],
  ['food_security','Food parcels'],['food_security','Cooking oil'],['nutrition','Baby formula'],['nutrition','Baby food'],
  ['nutrition','Nutrition bars'],['education','School kits'],['education','Laptops'],['education','Textbooks'],
  ['emergency_telecom','Satellite phones'],['emergency_telecom','Radios'],['emergency_telecom','Power banks'],
  ['logistics','Fuel'],['logistics','Pallets'],['logistics','Trucks'],['protection','Child-friendly space kits'],
  ['early_recovery','Construction tools'],['early_recovery','Window glass'],['cccm','Camp lighting'],['cccm','Folding beds']]`;
const VARIANTS = `ARRAY['', 'Winter ', 'Large ', 'Children''s ', 'Emergency ', 'Thermal ', 'Family ', 'Portable ', 'Heavy-duty ', 'Basic ']`;
const UNITS = `ARRAY['pieces', 'pieces', 'pieces', 'boxes', 'kg', 'litres']`;

async function generate(): Promise<void> {
  const opened = await openDatabase(loadConfig(), log);
  const db = opened.database.db;
  try {
    await seedOnFirstRun({ database: opened.database, config: loadConfig() }, log);
    const have = Number(
      (await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM aid_offers`)).rows[0].n,
    );
    if (have >= OFFERS) {
      log(`data already there (${have} offers)`);
      return;
    }
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      // Places between Poland and eastern Ukraine (lat 44–53, lon 20–40).
      await tx.execute(
        sql.raw(`
        INSERT INTO organisations (kind, names, name, country, lat, lon)
        SELECT 'city', jsonb_build_object('en', 'Aid bench city ' || g), 'Aid bench city ' || g,
          (ARRAY['UA','UA','UA','PL','MD','RO','SK','HU'])[1 + g % 8],
          44 + (abs(hashtext('lat' || g)) % 9000) / 1000.0, 20 + (abs(hashtext('lon' || g)) % 20000) / 1000.0
        FROM generate_series(1, ${PLACES}) g`),
      );
      const places = `places AS (SELECT id, lat, lon, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n
                      FROM organisations WHERE name LIKE 'Aid bench city %')`;
      const item = (g: string) => `(${ITEMS})[1 + (${g}) % 42]`;
      await tx.execute(
        sql.raw(`
        WITH ${places}
        INSERT INTO aid_offers (kind, source, offerer_org_id, category, item, unit, total, available_from, lat, lon, created_at)
        SELECT 'goods', 'member', p.id, ${item('g * 5')}[1], (${VARIANTS})[1 + (g / 7) % 10] || ${item('g * 5')}[2],
          (${UNITS})[1 + (g / 3) % 6], 10 + g % 990, date '2026-11-01' + (g % 120), p.lat, p.lon,
          now() - (g % 5000) * interval '1 minute'
        FROM generate_series(0, ${OFFERS - 1}) g JOIN places p ON p.rn = (g * 7919) % p.n`),
      );
      await tx.execute(
        sql.raw(`
        WITH ${places}
        INSERT INTO aid_needs (community_org_id, category, item, quantity, unit, priority, needed_by, lat, lon, created_at)
        SELECT p.id, ${item('g * 11')}[1], (${VARIANTS})[1 + (g / 3) % 10] || ${item('g * 11')}[2],
          50 + g % 2000, (${UNITS})[1 + (g / 5) % 6], (ARRAY['critical','high','medium','low'])[1 + g % 4],
          date '2026-12-01' + (g % 90), p.lat, p.lon, now() - (g % 5000) * interval '1 minute'
        FROM generate_series(0, ${NEEDS - 1}) g JOIN places p ON p.rn = (g * 104729) % p.n`),
      );
    });
    await db.execute(sql`ANALYZE`);
    log(`generated ${OFFERS} offers and ${NEEDS} needs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await opened.close();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Proposals for SAMPLE needs, one at a time, through the use case. */
async function measureUseCase(): Promise<{
  needs: string[];
  p50: number;
  p95: number;
  max: number;
  proposals: number;
}> {
  const opened = await openDatabase(loadConfig(), () => undefined, { migrate: false });
  const db = opened.database.db;
  try {
    const needs = (
      await db.execute<{ id: string }>(
        sql`SELECT id FROM aid_needs WHERE status <> 'delivered' ORDER BY random() LIMIT ${SAMPLE}`,
      )
    ).rows.map((r) => r.id);
    const ctx = { db, actor: null, locale: 'en' as const, now: new Date(), requestId: 'bench' };
    for (const id of needs.slice(0, 20)) await proposeOffers(ctx, { id }); // warm the caches
    const times: number[] = [];
    let proposals = 0;
    for (const id of needs) {
      const t0 = performance.now();
      proposals += (await proposeOffers(ctx, { id, limit: 10 })).length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    if (explainOnly) {
      const plan = await opened.database.pool.query(
        `EXPLAIN (ANALYZE, COSTS OFF) SELECT f.id FROM aid_offers f WHERE f.status = 'open' AND f.total > f.allocated
         AND f.item_norm % (SELECT item_norm FROM aid_needs WHERE id = $1)
         ORDER BY similarity(f.item_norm, (SELECT item_norm FROM aid_needs WHERE id = $1)) DESC LIMIT 150`,
        [needs[0]],
      );
      console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }
    return {
      needs,
      p50: +pct(times, 50).toFixed(1),
      p95: +pct(times, 95).toFixed(1),
      max: +times[times.length - 1].toFixed(1),
      proposals: +(proposals / needs.length).toFixed(1),
    };
  } finally {
    await opened.close();
  }
}

async function measureApi(needs: string[]): Promise<LoadResult[]> {
  const port = await freePort();
  const app = await spawnListening(process.execPath, ['bin/peacetalks.js', 'serve'], {
    ...env,
    PORT: String(port),
  });
  const bare = await spawnListening(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {
    PORT: '0',
  });
  const base = `http://127.0.0.1:${port}`;
  const paths = needs.map((id) => `/api/v1/aid/needs/${id}/proposals`);
  try {
    for (const p of paths.slice(0, 50)) {
      const r = await fetch(`${base}${p}`);
      if (r.status !== 200) throw new Error(`${p} answered ${r.status}`);
      await r.arrayBuffer();
    }
    await load('warm-up', base, paths, { duration: 2, connections: 10 });
    return [
      await load('bare Fastify route', bare.url, ['/bare'], { duration }),
      await load('matching proposals, API', base, paths, { duration }),
    ];
  } finally {
    await stop(app.child);
    await stop(bare.child);
  }
}

if (!reuse) await fs.rm(dataDir, { recursive: true, force: true });
await generate();
const useCase = await measureUseCase();
console.log(
  `matching through the use case, ${useCase.needs.length} needs among ${OFFERS} offers: p50 ${useCase.p50} ms, p95 ${useCase.p95} ms, max ${useCase.max} ms, ${useCase.proposals} proposals a need`,
);
if (explainOnly) process.exit(0);
const api = await measureApi(useCase.needs);
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  scale,
  data: { offers: OFFERS, needs: NEEDS, places: PLACES },
  useCase: {
    needs: useCase.needs.length,
    p50: useCase.p50,
    p95: useCase.p95,
    max: useCase.max,
    proposalsPerNeed: useCase.proposals,
  },
  api: { connections: 50, durationSeconds: duration, load: api },
};
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile(
  `bench/results/aid-matching${scale === 1 ? '' : `-scale-${scale}`}.json`,
  JSON.stringify(summary, null, 2),
);
console.log('| measurement | p50 ms | p95 ms | req/s | errors/non-2xx |');
console.log('|---|---|---|---|---|');
for (const r of api)
  console.log(`| ${r.name} | ${r.p50} | ${r.p95} | ${Math.round(r.rps)} | ${r.errors}/${r.non2xx} |`);
