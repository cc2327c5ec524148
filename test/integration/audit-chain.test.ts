import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/core/audit/audit.ts';
import { eventHash, GENESIS } from '../../src/core/audit/hash.ts';
import { sealAudit, startAuditSealer } from '../../src/core/audit/seal.ts';
import { verifyAudit } from '../../src/core/audit/verify.ts';
import { migrationsFolder } from '../../src/core/db/migrate.ts';
import { connect } from '../../src/core/db/pool.ts';
import { adminUrl, createTestDatabase, urlFor } from '../support/database.ts';
import { root } from '../support/process.ts';

/**
 * The audit chain with writers that take no lock: many connections writing at once while
 * sealers race, and a writing (and sealing) process killed with SIGKILL in the middle.
 */
describe('the audit chain under concurrent writers', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.execute(sql`CREATE TABLE scratch_counters (id int PRIMARY KEY, n int NOT NULL)`);
    await database.db.execute(sql`INSERT INTO scratch_counters SELECT g, 0 FROM generate_series(0, 19) g`);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await database?.drop();
  });

  const positions = async () =>
    (
      await database.db.execute<{ n: number; distinct: number; min: number | null; max: number | null }>(sql`
        SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct, min(seq) AS min, max(seq) AS max
        FROM audit_events WHERE seq IS NOT NULL`)
    ).rows[0];

  it('200 audited writes from 20 connections, sealed while they run: one gap-free chain that verifies', async () => {
    const writers = connect(database.url, 20);
    // Two app instances' sealers, each with its own pool, racing for the seal lock.
    const sealerPools = [connect(database.url, 2), connect(database.url, 2)];
    const sealers = sealerPools.map((p) => startAuditSealer(p, { intervalMs: 1, batch: 7 }));
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          writers.db.transaction(async (tx) => {
            await tx.execute(sql`UPDATE scratch_counters SET n = n + 1 WHERE id = ${i % 20}`);
            await audit(
              tx,
              { actor: null, now: new Date(), requestId: `w${i}` },
              { action: 'update', entity: 'scratch_counter', entityId: String(i % 20), after: { i } },
            );
          }),
        ),
      );
    } finally {
      await Promise.all(sealers.map((s) => s.stop()));
      await writers.close();
      for (const p of sealerPools) await p.close();
    }
    expect(await verifyAudit(database.db)).toEqual({ ok: true, checked: 200 });
    expect(await positions()).toEqual({ n: 200, distinct: 200, min: 1, max: 200 });
  });

  it('a writing and sealing process killed with SIGKILL leaves a chain that verifies once a new sealer ran', async () => {
    const start = await positions();
    // The real audit() and sealer in a process of their own: eight writers one commit after another,
    // each commit acknowledged on stdout, and a sealer every millisecond.
    const script = `
      const { connect } = await import(${JSON.stringify(path.join(root, 'src/core/db/pool.ts'))});
      const { audit } = await import(${JSON.stringify(path.join(root, 'src/core/audit/audit.ts'))});
      const { startAuditSealer } = await import(${JSON.stringify(path.join(root, 'src/core/audit/seal.ts'))});
      const database = connect(process.env.DATABASE_URL, 10);
      startAuditSealer(database, { intervalMs: 1, batch: 5 });
      let n = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (;;) {
          const id = 'k' + n++;
          await database.db.transaction((tx) =>
            audit(tx, { actor: null, now: new Date(), requestId: id }, { action: 'update', entity: 'killed', entityId: id }));
          process.stdout.write('ok ' + id + '\\n');
        }
      }));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_OPTIONS$)/.test(k)),
        ),
        DATABASE_URL: database.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        if ((out.match(/^ok /gm) ?? []).length >= 300) resolve();
      });
      void exited.then(() => reject(new Error(`writer exited early: ${err}`)));
    });
    // Some events are sealed by then, others committed and not yet, others in flight.
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const acknowledged = [...out.matchAll(/^ok (\S+)$/gm)].map((m) => m[1]);

    // Waits for the killed process's sealer, if it held the lock, to be rolled back by the server.
    await sealAudit(database.db, { wait: true });
    const result = await verifyAudit(database.db);
    expect(result.ok).toBe(true);
    expect(result.unsealed).toBeUndefined();
    const rows = await database.db.execute<{ entity_id: string; seq: number | null }>(
      sql`SELECT entity_id, seq FROM audit_events WHERE entity = 'killed'`,
    );
    const stored = new Map(rows.rows.map((r) => [r.entity_id, r.seq]));
    for (const id of acknowledged) expect(stored.get(id), `event ${id}`).toEqual(expect.any(Number));
    const end = await positions();
    expect(end.n).toBe(start.n + rows.rows.length);
    expect(end).toEqual({ n: end.n, distinct: end.n, min: 1, max: end.n });
    expect(result.checked).toBe(end.n);
  });
});

/** The migration that brought sealing: events chained before it keep their hashes and get their places. */
describe('the audit_seal migration on a database with events', () => {
  const name = `audit_mig_${process.pid}_${Date.now()}`;
  const dir = path.join(root, '.tmp', name);
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('places the events chained in id order, with gaps in the ids, and the chain goes on', async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    // The migrations before this one: the same folder with the journal cut before 0009_audit_seal.
    await fs.cp(migrationsFolder, dir, { recursive: true });
    const journalFile = path.join(dir, 'meta/_journal.json');
    const journal = JSON.parse(await fs.readFile(journalFile, 'utf8'));
    const at = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith('_audit_seal'));
    journal.entries = journal.entries.slice(0, at);
    await fs.writeFile(journalFile, JSON.stringify(journal));
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      await client.query('SET client_min_messages = warning');
      await migrate(drizzle({ client }), { migrationsFolder: dir });
      // Events as the old audit() wrote them: chained in id order; ids lost to rollbacks leave gaps.
      let prev = GENESIS;
      for (const id of [1, 2, 4, 7, 8]) {
        const e = {
          ...{ id, at: new Date(Date.UTC(2026, 0, id)).toISOString(), actorId: null, action: 'update' },
          ...{ entity: 'organisation', entityId: `o${id}`, before: null, after: { n: id, name: 'Kyiv' } },
        };
        const hash = eventHash(prev, e);
        await client.query(
          `INSERT INTO audit_events (id, at, action, entity, entity_id, after, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [id, e.at, e.action, e.entity, e.entityId, JSON.stringify(e.after), prev, hash],
        );
        prev = hash;
      }
      await client.query(`SELECT setval('audit_events_id_seq', 8)`);
      await migrate(drizzle({ client }), { migrationsFolder });
    } finally {
      await client.end();
    }
    const database = connect(urlFor(name), 2);
    try {
      const rows = await database.db.execute<{ id: number; seq: number }>(
        sql`SELECT id, seq FROM audit_events ORDER BY id`,
      );
      expect(rows.rows.map((r) => [Number(r.id), Number(r.seq)])).toEqual([
        [1, 1],
        [2, 2],
        [4, 3],
        [7, 4],
        [8, 5],
      ]);
      expect(await verifyAudit(database.db, undefined, { seal: false })).toEqual({ ok: true, checked: 5 });
      await database.db.transaction((tx) =>
        audit(tx, { actor: null, now: new Date(), requestId: 'after' }, { action: 'create', entity: 'x' }),
      );
      expect(await verifyAudit(database.db)).toEqual({ ok: true, checked: 6 });
      await expect(database.db.execute(sql`UPDATE audit_events SET seq = 10 WHERE id = 1`)).rejects.toThrow();
    } finally {
      await database.close();
    }
  });
});
