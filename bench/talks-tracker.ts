import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import type { Actor } from '../src/core/context.ts';
import { freePort } from '../src/core/db/embedded.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { installModules } from '../src/core/module/install.ts';
import { seedOnFirstRun } from '../src/core/seed.ts';
import { modules } from '../src/modules/index.ts';
import { applyBulkUpdate, listActions, previewBulkUpdate } from '../src/modules/talks/actions/index.ts';
import { type LoadResult, load, spawnListening, stop } from './lib.ts';

installModules(modules);

/**
 * The Talks tracker benchmark of issue 3. Generates (with SQL) 2,000 sessions, 20,000
 * recommendations and 50,000 actions nested up to three levels, with organisations, Sections and
 * memberships and a published share; serves them, and measures at 50 connections the tracker
 * page filtered by Section and by overdue, and the public summary page of published sessions,
 * each against a bare Fastify route in the same run, with the cache of public answers on and
 * off; then the time to preview and apply a CSV update of 5,000 rows through the use case.
 *
 * Usage: `npx tsx bench/talks-tracker.ts [--scale 1] [--duration 10] [--reuse] [--explain]`.
 * `--scale 0.05` makes everything twenty times smaller (for checking the script).
 * Writes bench/results/talks-tracker.json.
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const scale = arg('--scale', 1);
const duration = arg('--duration', 10);
const reuse = args.includes('--reuse');
// --explain: generate, print the plans of the tracker's queries, and stop (no load).
const explainOnly = args.includes('--explain');
const dataDir = path.resolve(scale === 1 ? '.tmp/bench-talks' : `.tmp/bench-talks-${scale}`);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const n = (x: number) => Math.max(1, Math.round(x * scale));
const SESSIONS = n(2000);
const RECOMMENDATIONS = n(20000);
const ACTIONS = n(50000);
const CITIES = n(6000);
const CSV_ROWS = n(5000);
const env = { PEACETALKS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PEACETALKS_JOBS: 'false' };
Object.assign(process.env, env);

const themes = `ARRAY['humanitarian_corridors','humanitarian_aid','displaced_people','youth','women','twinning','reconstruction','culture_of_peace','human_rights','nuclear_disarmament','local_diplomacy','mayors_safety','advocacy','governance']`;
const statuses = `ARRAY['proposed','accepted','in_progress','done','dropped','deferred','in_progress','accepted']`;

async function generate(): Promise<void> {
  const opened = await openDatabase(loadConfig(), log);
  const db = opened.database.db;
  try {
    await seedOnFirstRun({ database: opened.database, config: loadConfig() }, log);
    const have = Number(
      (await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM talks_actions`)).rows[0].n,
    );
    if (have >= ACTIONS) {
      log(`data already there (${have} actions)`);
      return;
    }
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      // Cities, each an active member of one Section.
      await tx.execute(
        sql.raw(`
        INSERT INTO organisations (kind, names, name, country)
        SELECT 'city', jsonb_build_object('en', 'Bench city ' || g), 'Bench city ' || g,
          (ARRAY['UA','FR','ES','DE','MA','BR','JP','TR','NL','IT'])[1 + g % 10]
        FROM generate_series(1, ${CITIES}) g`),
      );
      await tx.execute(
        sql.raw(`
        WITH sections AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k, count(*) OVER () AS n
                          FROM organisations WHERE kind = 'section')
        INSERT INTO memberships (member_id, group_id, status)
        SELECT c.id, s.id, CASE WHEN abs(hashtext(c.id::text)) % 20 = 0 THEN 'ended' ELSE 'active' END
        FROM organisations c JOIN sections s ON s.k = abs(hashtext(c.name)) % s.n
        WHERE c.kind = 'city' AND c.name LIKE 'Bench city %'
        ON CONFLICT DO NOTHING`),
      );
      const series = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_series (slug, title) VALUES ('bench-talks', '{"en": "Bench Talks", "fr": "Dialogues"}')
        ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id`);
      // Sessions every few days from 2020; the older half published, then held, scheduled, draft.
      await tx.execute(
        sql.raw(`
        INSERT INTO talks_sessions (series_id, title, subtitle, summary, starts_at, timezone, format, status, languages, published_at)
        SELECT '${series.rows[0].id}', jsonb_build_object('en', 'Session ' || g, 'fr', 'Séance ' || g),
          jsonb_build_object('en', 'Cities for peace'),
          jsonb_build_object('en', 'Building on the outcomes of the previous session, partners met to discuss **local diplomacy** and the reception of displaced people. ' || repeat('The discussion covered reconstruction. ', 8)),
          timestamptz '2020-01-06 10:00Z' + (g * interval '2 days'), 'Europe/Brussels',
          (ARRAY['online','physical','hybrid'])[1 + g % 3],
          CASE WHEN g <= ${SESSIONS} * 0.6 THEN 'published' WHEN g <= ${SESSIONS} * 0.8 THEN 'held'
               WHEN g <= ${SESSIONS} * 0.95 THEN 'scheduled' ELSE 'draft' END,
          '{en,fr}', CASE WHEN g <= ${SESSIONS} * 0.6 THEN timestamptz '2020-01-07 10:00Z' + (g * interval '2 days') END
        FROM generate_series(1, ${SESSIONS}) g`),
      );
      await tx.execute(
        sql.raw(`
        WITH s AS (SELECT id, row_number() OVER (ORDER BY starts_at) AS rn FROM talks_sessions),
             c AS (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS n FROM organisations WHERE kind IN ('city', 'section', 'lg_association', 'partner'))
        INSERT INTO talks_participants (session_id, organisation_id, role, position)
        SELECT s.id, c.id, (ARRAY['host','partner','speaker','partner'])[k], k
        FROM s CROSS JOIN generate_series(1, 4) k JOIN c ON c.rn = 1 + (s.rn * 31 + k * 7919) % c.n
        ON CONFLICT DO NOTHING`),
      );
      await tx.execute(
        sql.raw(`
        WITH s AS (SELECT id, row_number() OVER (ORDER BY starts_at) - 1 AS rn FROM talks_sessions)
        INSERT INTO talks_contributions (session_id, organisation_id, body, position)
        SELECT s.id, p.organisation_id, jsonb_build_object('en', 'Partner ' || k || ' said that **cities must keep dialogue open**. ' || repeat('Local governments act. ', 20)), k
        FROM s CROSS JOIN generate_series(1, 6) k
        LEFT JOIN LATERAL (SELECT organisation_id FROM talks_participants WHERE session_id = s.id ORDER BY position LIMIT 1) p ON true`),
      );
      // Recommendations spread evenly over the sessions.
      await tx.execute(
        sql.raw(`
        WITH s AS (SELECT id, row_number() OVER (ORDER BY starts_at) - 1 AS rn, count(*) OVER () AS n FROM talks_sessions)
        INSERT INTO talks_recommendations (session_id, position, text, addressees, themes)
        SELECT s.id, g, jsonb_build_object('en', 'Recommendation ' || g || ': open **humanitarian corridors** and twin cities', 'fr', 'Recommandation ' || g),
          ARRAY['lrgs'], ARRAY[(${themes})[1 + g % 14], (${themes})[1 + (g * 7) % 14]]
        FROM generate_series(0, ${RECOMMENDATIONS - 1}) g JOIN s ON s.rn = g % s.n`),
      );
      await tx.execute(
        sql.raw(`
        INSERT INTO talks_recommendation_sources (recommendation_id, organisation_id)
        SELECT r.id, p.organisation_id FROM talks_recommendations r
        JOIN talks_participants p ON p.session_id = r.session_id AND p.role = 'partner'
        ON CONFLICT DO NOTHING`),
      );
      // Actions: half top-level (one or two per recommendation), 30% children, 20% grandchildren.
      const roots = Math.round(ACTIONS * 0.5);
      const kids = Math.round(ACTIONS * 0.3);
      const grand = ACTIONS - roots - kids;
      const orgCount = Number(
        (
          await tx.execute<{ n: string }>(
            sql`SELECT count(*) AS n FROM organisations WHERE kind IN ('city', 'section')`,
          )
        ).rows[0].n,
      );
      // Columns every generated action has, from its number g and its responsible organisation o.
      const common = (g: string) => `
        o.id,
        (${statuses})[1 + ${g} % 8],
        date '2021-01-01' + (${g} * 37) % 2400,
        (${g} * 13) % 101,
        1 + ${g} % 3,
        CASE WHEN ${g} % 5 = 0 THEN 'plain' ELSE 'weighted' END,
        ARRAY[(${themes})[1 + ${g} % 14]],
        now() - ((${g} % 1000) * interval '1 hour')`;
      const pickOrg = (g: string) => `JOIN orgs o ON o.rn = 1 + (${g} * 7919) % ${orgCount}`;
      const orgs = `orgs AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM organisations WHERE kind IN ('city', 'section'))`;
      await tx.execute(
        sql.raw(`
        WITH ${orgs}, r AS (SELECT id, session_id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n FROM talks_recommendations)
        INSERT INTO talks_actions (session_id, recommendation_id, depth, position, text, responsible_org_id, status, due_on, progress, weight, rollup, themes, updated_at)
        SELECT r.session_id, r.id, 0, g, jsonb_build_object('en', 'Action ' || g || ' for **LRGs**: welcome displaced families', 'fr', 'Action ' || g), ${common('g')}
        FROM generate_series(0, ${roots - 1}) g JOIN r ON r.rn = g % r.n ${pickOrg('g')}`),
      );
      await tx.execute(
        sql.raw(`
        WITH ${orgs}, p AS (SELECT id, session_id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n FROM talks_actions WHERE depth = 0)
        INSERT INTO talks_actions (session_id, parent_id, depth, position, text, responsible_org_id, status, due_on, progress, weight, rollup, themes, updated_at)
        SELECT p.session_id, p.id, 1, g, jsonb_build_object('en', 'Sub-action ' || g), ${common('(g + 100003)')}
        FROM generate_series(0, ${kids - 1}) g JOIN p ON p.rn = (g * 2) % p.n ${pickOrg('(g + 100003)')}`),
      );
      await tx.execute(
        sql.raw(`
        WITH ${orgs}, p AS (SELECT id, session_id, row_number() OVER (ORDER BY id) - 1 AS rn, count(*) OVER () AS n FROM talks_actions WHERE depth = 1)
        INSERT INTO talks_actions (session_id, parent_id, depth, position, text, responsible_org_id, status, due_on, progress, weight, rollup, themes, updated_at)
        SELECT p.session_id, p.id, 2, g, jsonb_build_object('en', 'Step ' || g), ${common('(g + 200003)')}
        FROM generate_series(0, ${grand - 1}) g JOIN p ON p.rn = (g * 3) % p.n ${pickOrg('(g + 200003)')}`),
      );
      // Parents' progress as the rollup keeps it (grandparents from their children, bottom up).
      for (const depth of [1, 0]) {
        await tx.execute(
          sql.raw(`
          UPDATE talks_actions t SET progress = x.v FROM (
            SELECT c.parent_id AS id, round((CASE WHEN min(p.rollup) = 'plain' THEN avg(c.progress)::float8
              ELSE sum(c.progress * c.weight) / sum(c.weight) END)::numeric)::int AS v
            FROM talks_actions c JOIN talks_actions p ON p.id = c.parent_id
            WHERE p.depth = ${depth} AND c.status <> 'dropped' GROUP BY c.parent_id) x
          WHERE t.id = x.id`),
        );
      }
      await tx.execute(
        sql.raw(`
        INSERT INTO talks_action_updates (action_id, happened_on, status_from, status_to, progress_from, progress_to, note, source)
        SELECT id, coalesce(due_on, created_at::date) - 30, 'proposed', status, 0, progress, '{"en": "Reported at the follow-up session"}', 'form'
        FROM talks_actions WHERE status <> 'proposed' AND abs(hashtext(id::text)) % 2 = 0`),
      );
    });
    await db.execute(sql`ANALYZE`);
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await opened.close();
  }
}

interface Targets {
  sections: string[];
  published: string[];
  csv: string;
}

async function targets(): Promise<Targets> {
  const opened = await openDatabase(loadConfig(), () => undefined, { migrate: false });
  const db = opened.database.db;
  try {
    const counts = (
      await db.execute(sql`SELECT (SELECT count(*) FROM talks_sessions)::int AS sessions,
        (SELECT count(*) FROM talks_recommendations)::int AS recommendations, (SELECT count(*) FROM talks_actions)::int AS actions,
        (SELECT count(*) FROM talks_actions WHERE depth = 2)::int AS depth2, (SELECT count(*) FROM organisations)::int AS organisations,
        (SELECT count(*) FROM memberships)::int AS memberships`)
    ).rows[0];
    log(`data: ${JSON.stringify(counts)}`);
    const sections = (
      await db.execute<{ id: string }>(sql`SELECT id FROM organisations WHERE kind = 'section' ORDER BY name`)
    ).rows.map((r) => r.id);
    const published = (
      await db.execute<{ id: string }>(
        sql`SELECT id FROM talks_sessions WHERE status = 'published' ORDER BY random() LIMIT 200`,
      )
    ).rows.map((r) => r.id);
    // A CSV of leaf actions moving along the workflow: in progress (+10%), accepted → in progress.
    const leaves = await db.execute<{ id: string; status: string; progress: number }>(sql`
      SELECT a.id, a.status, a.progress FROM talks_actions a
      WHERE a.status IN ('accepted', 'in_progress') AND NOT EXISTS (SELECT 1 FROM talks_actions c WHERE c.parent_id = a.id)
      ORDER BY random() LIMIT ${CSV_ROWS}`);
    const lines = leaves.rows.map(
      (a) =>
        `${a.id},in_progress,${Math.min(100, a.progress + 10)},"Reported in the bench, line for ${a.id.slice(0, 8)}",2026-11-20`,
    );
    return { sections, published, csv: ['action_id,status,progress,note,date', ...lines].join('\n') };
  } finally {
    await opened.close();
  }
}

async function measureLoads(t: Targets, cacheMb: string): Promise<LoadResult[]> {
  const port = await freePort();
  const app = await spawnListening(process.execPath, ['bin/peacetalks.js', 'serve'], {
    ...env,
    PORT: String(port),
    RESPONSE_CACHE_MB: cacheMb,
  });
  const bare = await spawnListening(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {
    PORT: '0',
  });
  const base = `http://127.0.0.1:${port}`;
  const sorts = ['', '&sort=progress', '&sort=updated', '&sort=status'];
  const sectionPaths = t.sections.flatMap((s) => sorts.map((o) => `/actions?section=${s}${o}`));
  const overduePaths = [
    ...sorts.map((o) => `/actions?overdue=true${o}`),
    ...t.sections.map((s) => `/actions?overdue=true&section=${s}`),
  ];
  const summaryPaths = t.published.map((id) => `/talks/sessions/${id}/summary`);
  try {
    for (const p of [...sectionPaths, ...overduePaths, ...summaryPaths]) {
      const r = await fetch(`${base}${p}`);
      if (r.status !== 200) throw new Error(`${p} answered ${r.status}`);
      await r.arrayBuffer();
    }
    await load('warm-up', base, [...sectionPaths, ...overduePaths, ...summaryPaths], {
      duration: 3,
      connections: 10,
    });
    await load('warm-up', bare.url, ['/bare'], { duration: 2, connections: 10 });
    const suffix = cacheMb === '0' ? ' (cache off)' : ' (cache on)';
    return [
      await load(`bare Fastify route${suffix}`, bare.url, ['/bare'], { duration }),
      await load(`tracker page by Section${suffix}`, base, sectionPaths, { duration }),
      await load(`tracker page, overdue${suffix}`, base, overduePaths, { duration }),
      await load(`public session summary${suffix}`, base, summaryPaths, { duration }),
    ];
  } finally {
    await stop(app.child);
    await stop(bare.child);
  }
}

async function measureCsv(
  csv: string,
): Promise<{ rows: number; previewMs: number; applyMs: number; againMs: number; changed: number }> {
  const opened = await openDatabase(loadConfig(), () => undefined, { migrate: false });
  const db = opened.database.db;
  try {
    const user = await db.execute<{ id: string }>(sql`
      INSERT INTO users (email, name, status) VALUES ('bench-secretariat@example.org', 'Bench', 'active')
      ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name RETURNING id`);
    const actor: Actor = {
      userId: user.rows[0].id,
      email: 'bench-secretariat@example.org',
      name: 'Bench',
      roles: [{ role: 'secretariat', scopeOrgId: null }],
      mfa: true,
    };
    const ctx = () => ({ db, actor, locale: 'en' as const, now: new Date(), requestId: 'bench' });
    let t0 = performance.now();
    const preview = await previewBulkUpdate(ctx(), { filename: 'bench.csv', content: csv });
    const previewMs = performance.now() - t0;
    t0 = performance.now();
    const applied = await applyBulkUpdate(ctx(), { id: preview.id });
    const applyMs = performance.now() - t0;
    // The same file again, uploaded anew: every row is recorded already.
    t0 = performance.now();
    const again = await previewBulkUpdate(ctx(), { filename: 'bench.csv', content: csv });
    const second = await applyBulkUpdate(ctx(), { id: again.id });
    const againMs = performance.now() - t0;
    if (second.changes.length !== 0) throw new Error('the second application changed something');
    return {
      rows: csv.split('\n').length - 1,
      previewMs: Math.round(previewMs),
      applyMs: Math.round(applyMs),
      againMs: Math.round(againMs),
      changed: applied.changes.length,
    };
  } finally {
    await opened.close();
  }
}

/** EXPLAIN ANALYZE of the tracker's queries as the use case sends them, for an anonymous reader. */
async function explain(sections: string[]): Promise<void> {
  const opened = await openDatabase(loadConfig(), () => undefined, { migrate: false });
  const pool = opened.database.pool;
  const query = pool.query.bind(pool) as (
    q: unknown,
    v?: unknown,
  ) => Promise<{ rows: Record<string, string>[] }>;
  let last: { text: string; values: unknown[] } | null = null;
  // Catch the statement the use case sends, then explain it with the same parameters.
  (pool as unknown as { query: unknown }).query = (
    q: { text?: string; values?: unknown[] },
    v?: unknown[],
  ) => {
    if (q?.text?.includes('FROM talks_actions a JOIN talks_sessions'))
      last = { text: q.text, values: q.values ?? v ?? [] };
    return query(q, v);
  };
  try {
    const section = sections[Math.floor(sections.length / 2)];
    for (const filters of [
      { section },
      { overdue: true },
      { overdue: true, section },
      { section, sort: 'progress' as const },
    ]) {
      const ctx = {
        db: opened.database.db,
        actor: null,
        locale: 'en' as const,
        now: new Date(),
        requestId: 'bench',
      };
      const t0 = performance.now();
      await listActions(ctx, { ...filters, limit: 50 });
      const ms = performance.now() - t0;
      const captured = last as { text: string; values: unknown[] } | null;
      if (!captured) throw new Error('no query seen');
      const plan = await query(`EXPLAIN (ANALYZE, COSTS OFF) ${captured.text}`, captured.values);
      console.log(`\n## ${JSON.stringify(filters)}: ${ms.toFixed(1)} ms in the use case`);
      // Long literal arrays (a Section's members) shortened.
      console.log(plan.rows.map((r) => r['QUERY PLAN'].replace(/'\{[^}]{200,}\}'/g, "'{…}'")).join('\n'));
    }
  } finally {
    await opened.close();
  }
}

if (!reuse) await fs.rm(dataDir, { recursive: true, force: true });
await generate();
const t = await targets();
if (explainOnly) {
  await explain(t.sections);
  process.exit(0);
}
const loads = [...(await measureLoads(t, '64')), ...(await measureLoads(t, '0'))];
const csv = await measureCsv(t.csv);

const table: (LoadResult & { p95VsBare: number; rpsVsBare: number })[] = [];
let bare: LoadResult | undefined;
for (const r of loads) {
  if (r.name.startsWith('bare')) bare = r;
  table.push({
    ...r,
    p95VsBare: +(r.p95 / bare!.p95).toFixed(2),
    rpsVsBare: +(r.rps / bare!.rps).toFixed(3),
  });
}
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  scale,
  data: { sessions: SESSIONS, recommendations: RECOMMENDATIONS, actions: ACTIONS },
  connections: 50,
  durationSeconds: duration,
  load: table,
  csvUpdate: csv,
};
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile(
  `bench/results/talks-tracker${scale === 1 ? '' : `-scale-${scale}`}.json`,
  JSON.stringify(summary, null, 2),
);
console.log('| measurement | p50 ms | p95 ms | req/s | p95 ÷ bare | req/s ÷ bare | errors/non-2xx |');
console.log('|---|---|---|---|---|---|---|');
for (const r of table)
  console.log(
    `| ${r.name} | ${r.p50} | ${r.p95} | ${Math.round(r.rps)} | ${r.p95VsBare} | ${r.rpsVsBare} | ${r.errors}/${r.non2xx} |`,
  );
console.log(
  `\nCSV update of ${csv.rows} rows through the use case: preview ${csv.previewMs} ms, apply ${csv.applyMs} ms (${csv.changed} changes); the same file again ${csv.againMs} ms, nothing changed`,
);
console.log(
  `data: ${SESSIONS} sessions, ${RECOMMENDATIONS} recommendations, ${ACTIONS} actions (scale ${scale})`,
);
