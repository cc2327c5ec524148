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
