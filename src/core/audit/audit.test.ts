import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.ts';
import { audit } from './audit.ts';
import { verifyAudit } from './verify.ts';

describe('audit log', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  const ctx = () => ({ actor: null, now: new Date(), requestId: 'test' });

  it('chains events and verifies them', async () => {
    for (let i = 0; i < 5; i++) {
      await database.db.transaction((tx) =>
        audit(tx, ctx(), {
          action: 'create',
          entity: 'thing',
          entityId: String(i),
          after: { n: i, b: { z: 1, a: 'é' } },
        }),
      );
    }
    const r = await verifyAudit(database.db);
    expect(r).toEqual({ ok: true, checked: 5 });
  });

  it('keeps the chain linear under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction((tx) =>
          audit(tx, ctx(), { action: 'update', entity: 'thing', entityId: `c${i}` }),
        ),
      ),
    );
    expect((await verifyAudit(database.db)).ok).toBe(true);
  });

  it('refuses updates and deletes', async () => {
    await expect(database.db.execute(sql`UPDATE audit_events SET action = 'x'`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
  });

  it('detects a tampered row and names it', async () => {
    await database.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await database.db.execute(sql`UPDATE audit_events SET after = '{"n": 99}'::jsonb WHERE id = 3`);
    const r = await verifyAudit(database.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(3);
  });
});
