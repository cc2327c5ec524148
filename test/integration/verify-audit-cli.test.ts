import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/core/audit/audit.ts';
import { createTestDatabase } from '../support/database.ts';
import { runCli } from '../support/process.ts';

/** `peacetalks verify audit`, the command an operator runs, on a real database: intact, then tampered. */
describe('peacetalks verify audit', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const env = () => ({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 1; i <= 6; i++) {
      await database.db.transaction((tx) =>
        audit(
          tx,
          { actor: null, now: new Date(), requestId: 'test' },
          { action: 'update', entity: 'organisation', entityId: `o${i}`, after: { population: i * 1000 } },
        ),
      );
    }
  });
  afterAll(async () => database?.drop());

  it('reports an intact chain with exit code 0', async () => {
    const r = await runCli(['verify', 'audit'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit log OK: 6 events');
  });

  it('names the first tampered event and exits with 2', async () => {
    const ids = (
      await database.db.execute<{ id: number }>(sql`SELECT id FROM audit_events ORDER BY id`)
    ).rows.map((r) => Number(r.id));
    const target = ids[3];
    // The table refuses updates; someone with the database owner's rights can still switch that off.
    await database.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await database.db.execute(
      sql`UPDATE audit_events SET after = '{"population": 1}'::jsonb WHERE id = ${target}`,
    );
    await database.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    const r = await runCli(['verify', 'audit'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`audit log BROKEN at event ${target}`);
    expect(r.stdout).toContain('3 events before it are intact');
  });

  it('detects a deleted event', async () => {
    await database.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    const first = Number(
      (await database.db.execute<{ id: number }>(sql`SELECT min(id) AS id FROM audit_events`)).rows[0].id,
    );
    await database.db.execute(sql`DELETE FROM audit_events WHERE id = ${first + 1}`);
    await database.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    const r = await runCli(['verify', 'audit'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`audit log BROKEN at event ${first + 2}`);
  });
});

/** The command seals what was written just before it, and sees an event slipped into the chain. */
describe('peacetalks verify audit on events not sealed yet', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const env = () => ({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const write = (i: number) =>
    database.db.transaction((tx) =>
      audit(
        tx,
        { actor: null, now: new Date(), requestId: 'test' },
        { action: 'update', entity: 'x', entityId: `e${i}` },
      ),
    );
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('seals the events just written, then reports them intact', async () => {
    for (let i = 1; i <= 3; i++) await write(i);
    const r = await runCli(['verify', 'audit'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('audit log OK: 3 events, chain intact\n');
    const sealed = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_events WHERE seq IS NOT NULL AND hash IS NOT NULL`,
    );
    expect(sealed.rows[0].n).toBe(3);
  });

  it('names an event inserted with a made-up place and hash', async () => {
    await write(4);
    // Inserting needs no switched-off trigger: a forged event must be caught by its hash.
    const forged = await database.db.execute<{ id: number }>(sql`
      INSERT INTO audit_events (at, action, entity, seq, prev_hash, hash)
      SELECT now(), 'update', 'x', max(seq) + 1, (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), 'forged'
      FROM audit_events RETURNING id`);
    const r = await runCli(['verify', 'audit'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`audit log BROKEN at event ${Number(forged.rows[0].id)}`);
    expect(r.stdout).toContain('3 events before it are intact');
  });
});
