import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/core/audit/audit.ts';
import { sealAudit, startAuditSealer } from '../../src/core/audit/seal.ts';
import { verifyAudit } from '../../src/core/audit/verify.ts';
import { connect } from '../../src/core/db/pool.ts';
import { createTestDatabase } from '../support/database.ts';
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
