import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { audit } from '../src/core/audit/audit.ts';
import { eventHash, GENESIS } from '../src/core/audit/hash.ts';
import { sealAudit, startAuditSealer } from '../src/core/audit/seal.ts';
import { verifyAudit } from '../src/core/audit/verify.ts';
import { CHANGES_CHANNEL } from '../src/core/cache/response-cache.ts';
import type { Actor } from '../src/core/context.ts';
import { startEmbedded } from '../src/core/db/embedded.ts';
import { runMigrations } from '../src/core/db/migrate.ts';
import { connect, ensureDatabase } from '../src/core/db/pool.ts';
import { inTransaction } from '../src/core/db/tx.ts';
import { median } from './lib.ts';

/**
 * Audited writes against plain INSERTs (issue 8, point 5). Usage:
 *   npx tsx bench/audit-writes.ts [--connections 50] [--duration 10] [--runs 3]
 * On a fresh embedded database, `--connections` clients each run transactions one after another
 * for `--duration` seconds:
 * - plain: one single-row INSERT into a scratch table (the baseline);
 * - old: a single-row UPDATE of an organisation-like row + the audit event as written before
 *   issue 8 (one platform-wide lock held until commit, previous hash, insert; copied below);
 * - new: the same UPDATE + today's `audit()` (no lock, no hash), with the app's sealer running;
 * - new, quiet: the same with an action that sends no NOTIFY (`read_restricted`), to show what
 *   the cache's notification costs: PostgreSQL serialises the commits of transactions that
 *   NOTIFY (one lock, held through the commit's flush to disk);
 * - new, NOTIFY after commit: a quiet event, then the NOTIFY in a statement of its own once the
 *   transaction committed (not what the app does: measured to show what moving it would give).
 * Each run gives each path `--duration` seconds in ten slices taken in turn; `--runs` runs, the
 * medians are kept. Writes bench/results/audit-writes.json.
 */
const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const connections = arg('connections', 50);
const duration = arg('duration', 10);
const runs = arg('runs', 3);
const ORGS = 10_000;
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

const dataDir = path.resolve('.tmp/bench-audit');
await fs.rm(dataDir, { recursive: true, force: true });
const server = await startEmbedded({ dataDir: path.join(dataDir, 'pg'), log });
const url = await ensureDatabase(server.url, 'peacetalks');
await runMigrations(url);
const database = connect(url, connections + 5);
const { db } = database;

await db.execute(
  sql`CREATE TABLE bench_plain (id bigserial PRIMARY KEY, k text NOT NULL, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
);
await db.execute(sql`
  CREATE TABLE bench_orgs (id int PRIMARY KEY, name text NOT NULL, population bigint NOT NULL, updated_at timestamptz NOT NULL)`);
await db.execute(
  sql`INSERT INTO bench_orgs SELECT g, 'City ' || g, 1000, now() FROM generate_series(1, ${ORGS}) g`,
);
// The old algorithm's events go to a copy of the table (same columns and indexes, no trigger), so
// that the sealer never meets them.
await db.execute(sql`CREATE TABLE bench_audit_old (LIKE audit_events INCLUDING DEFAULTS INCLUDING INDEXES)`);

type AuditFn = typeof audit;

/** audit() as it was before issue 8, for this comparison only. */
const auditOld: AuditFn = async (tx, ctx, input) => {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${7_320_021})`);
  const head = await tx.execute<{ hash: string | null; id: number }>(sql`
    SELECT (SELECT hash FROM bench_audit_old ORDER BY id DESC LIMIT 1) AS hash,
           nextval(pg_get_serial_sequence('audit_events', 'id'))::int8 AS id`);
  const prevHash = head.rows[0].hash ?? GENESIS;
  const id = Number(head.rows[0].id);
  const at = ctx.now.toISOString();
  const normalise = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
  const before = normalise(input.before);
  const after = normalise(input.after);
  const fields = {
    ...{ id, at, actorId: ctx.actor?.userId ?? null, action: input.action, entity: input.entity },
    ...{ entityId: input.entityId ?? null, before, after },
  };
  const hash = eventHash(prevHash, fields);
  await tx.execute(sql`
    WITH ins AS (
      INSERT INTO bench_audit_old (id, at, actor_id, actor_label, action, entity, entity_id, before, after, request_id, prev_hash, hash)
      VALUES (${id}, ${at}, ${fields.actorId}, ${ctx.actor?.email ?? null}, ${fields.action}, ${fields.entity}, ${fields.entityId},
        ${before === null ? null : JSON.stringify(before)}::jsonb, ${after === null ? null : JSON.stringify(after)}::jsonb,
        ${ctx.requestId ?? null}, ${prevHash}, ${hash})
      RETURNING id)
    SELECT pg_notify(${CHANGES_CHANNEL}::text, ${input.entity}) FROM ins`);
};

const actor = { userId: randomUUID(), email: 'bench@example.org' } as Actor;
const plain = () =>
  db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO bench_plain (k, amount) VALUES (${randomUUID()}, 1)`);
  });
// As a use case runs it (core/module/use-case.ts): one inTransaction, its audit event notified after commit.
const audited = (fn: AuditFn, action: string) => () =>
  inTransaction(db, async (tx) => {
    const id = 1 + Math.floor(Math.random() * ORGS);
    const r = await tx.execute<{ population: number }>(sql`
      UPDATE bench_orgs SET population = population + 1, updated_at = now() WHERE id = ${id} RETURNING population`);
    const population = Number(r.rows[0].population);
    await fn(
      tx,
      { actor, now: new Date(), requestId: 'bench' },
      {
        action,
        entity: 'organisation',
        entityId: String(id),
        before: { population: population - 1 },
        after: { population },
      },
    );
  });

/** Run `job` from `connections` clients, each one after another, for `seconds`: transactions and time. */
async function slice(seconds: number, job: () => Promise<unknown>): Promise<{ n: number; ms: number }> {
  let n = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        await job();
        n++;
      }
    }),
  );
  return { n, ms: performance.now() - started };
}

const unsealed = async () =>
  Number(
    (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM audit_events WHERE seq IS NULL`))
      .rows[0].n,
  );

// The app's sealer, as createPlatform runs it, for the whole benchmark.
const sealer = startAuditSealer(database, { onError: (e) => log(`sealer: ${String(e)}`) });
const paths = {
  plain,
  old: audited(auditOld, 'update'),
  new: audited(audit, 'update'),
  'new, quiet': audited(audit, 'read_restricted'),
  // The same write in a transaction opened outside the kit: its notification is sent inside it.
  'new, NOTIFY inside the transaction': () =>
    db.transaction(async (tx) => {
      const id = 1 + Math.floor(Math.random() * ORGS);
      await tx.execute(
        sql`UPDATE bench_orgs SET population = population + 1, updated_at = now() WHERE id = ${id}`,
      );
      await audit(
        tx,
        { actor, now: new Date(), requestId: 'bench' },
        { action: 'update', entity: 'organisation', entityId: String(id) },
      );
    }),
} as const;
type Name = keyof typeof paths;
for (const [name, job] of Object.entries(paths)) {
  await slice(2, job);
  log(`warmed up ${name}`);
}
const results = new Map<Name, number[]>(Object.keys(paths).map((k) => [k as Name, []]));
const backlog: { atEnd: number; drainMs: number }[] = [];
// The machine is shared: each run gives every path `duration` seconds in ten slices, taken in
// turn, so that a burst of load elsewhere falls on all of them alike rather than on one.
const SLICES = 10;
for (let run = 0; run < runs; run++) {
  const totals = new Map<Name, { n: number; ms: number }>();
  let atEnd = 0;
  for (let s = 0; s < SLICES; s++) {
    for (const [name, job] of Object.entries(paths) as [Name, () => Promise<unknown>][]) {
      const r = await slice(duration / SLICES, job);
      const t = totals.get(name) ?? { n: 0, ms: 0 };
      totals.set(name, { n: t.n + r.n, ms: t.ms + r.ms });
      // What the sealer had not caught up with when the writers stopped.
      if (name === 'new') atEnd = Math.max(atEnd, await unsealed());
    }
  }
  const t0 = performance.now();
  await sealAudit(db, { wait: true });
  backlog.push({ atEnd, drainMs: Math.round(performance.now() - t0) });
  const line = [...totals].map(([name, t]) => {
    const r = t.n / (t.ms / 1000);
    results.get(name)!.push(r);
    return `${name} ${r.toFixed(0)}/s`;
  });
  log(`run ${run + 1}: ${line.join(', ')}; at most ${atEnd} events unsealed after a slice of new`);
}
await sealer.stop();
const v0 = performance.now();
const verify = await verifyAudit(db);
const verifySeconds = (performance.now() - v0) / 1000;
log(`verify: ${JSON.stringify(verify)} in ${verifySeconds.toFixed(1)} s`);

const base = median(results.get('plain')!);
const table = [...results].map(([name, xs]) => ({
  name,
  perSecond: Math.round(median(xs)),
  runs: xs.map(Math.round),
  ratio: +(median(xs) / base).toFixed(2),
}));
for (const r of table)
  log(`${r.name}: median ${r.perSecond}/s (runs ${r.runs.join(', ')}), ratio to plain ${r.ratio}`);

const summary = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version },
  connections,
  durationSeconds: duration,
  runs,
  results: table,
  sealBacklog: backlog,
  verify: { ...verify, seconds: +verifySeconds.toFixed(1) },
};
await fs.mkdir(path.resolve('bench/results'), { recursive: true });
const file = path.resolve('bench/results/audit-writes.json');
await fs.writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);
await database.close();
await server.stop();
