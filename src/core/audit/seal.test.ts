import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.ts';
import type { DbOrTx } from '../db/tx.ts';
import { audit } from './audit.ts';
import { eventHash } from './hash.ts';
import { sealAudit, startAuditSealer } from './seal.ts';
import { verifyAudit } from './verify.ts';

const ctx = () => ({ actor: null, now: new Date(), requestId: 'test' });
const write = (db: DbOrTx, entityId: string) =>
  db.transaction((tx) =>
    audit(tx, ctx(), { action: 'update', entity: 'thing', entityId, after: { entityId } }),
  );

/** A promise and its resolver: holds a transaction open until the test lets it go. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => {
    open = r;
  });
  return { p, open };
}

class Rollback extends Error {}

describe('sealing the audit log', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  const chain = async () =>
    (
      await database.db.execute<{ id: number; seq: number | null }>(
        sql`SELECT id, seq FROM audit_events ORDER BY seq NULLS LAST, id`,
      )
    ).rows.map((r) => ({ id: Number(r.id), seq: r.seq === null ? null : Number(r.seq) }));

  /** Run `fn` with the append-only trigger off, verify inside, then undo everything. */
  const tampered = async (fn: (tx: DbOrTx) => Promise<unknown>) => {
    let result: Awaited<ReturnType<typeof verifyAudit>> | undefined;
    await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
        await fn(tx);
        result = await verifyAudit(tx, undefined, { seal: false });
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return result!;
  };

  it('writes events unsealed and seals them in batches, in one gap-free chain', async () => {
    for (let i = 0; i < 12; i++) await write(database.db, `b${i}`);
    expect((await chain()).every((e) => e.seq === null)).toBe(true);
    expect(await verifyAudit(database.db, undefined, { seal: false })).toEqual({
      ok: true,
      checked: 0,
      unsealed: 12,
    });
    expect(await sealAudit(database.db, { batch: 5 })).toBe(12);
    expect((await chain()).map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await sealAudit(database.db)).toBe(0);
    expect(await verifyAudit(database.db)).toEqual({ ok: true, checked: 12 });
  });

  it('gives an event committed after a later one was sealed a later place, and it verifies', async () => {
    const held = gate();
    const written = gate();
    const slow = database.db.transaction(async (tx) => {
      await audit(tx, ctx(), { action: 'update', entity: 'thing', entityId: 'slow' });
      written.open();
      await held.p;
    });
    await written.p;
    await write(database.db, 'fast');
    await sealAudit(database.db);
    const before = await chain();
    const fast = before.find((e) => e.seq !== null && e.seq === Math.max(...before.map((x) => x.seq ?? 0)))!;
    // The slow event has the lower id but is not committed yet: the sealer did not see it.
    expect(before.some((e) => e.seq === null)).toBe(false);
    held.open();
    await slow;
    const slowRow = (await chain()).find((e) => e.seq === null)!;
    expect(slowRow.id).toBeLessThan(fast.id);
    expect(await sealAudit(database.db)).toBe(1);
    const after = await chain();
    expect(after.find((e) => e.id === slowRow.id)!.seq).toBe(fast.seq! + 1);
    expect(await verifyAudit(database.db)).toMatchObject({ ok: true, checked: after.length });
  });

  it('never seals an event twice when sealers race with writers', async () => {
    const writes = Promise.all(Array.from({ length: 40 }, (_, i) => write(database.db, `r${i}`)));
    const sealers = Promise.all(Array.from({ length: 4 }, () => sealAudit(database.db, { batch: 3 })));
    await Promise.all([writes, sealers]);
    await sealAudit(database.db, { wait: true });
    const rows = await chain();
    expect(rows.map((e) => e.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(await verifyAudit(database.db)).toMatchObject({ ok: true, checked: rows.length });
  });

  it('refuses every update but the one-time seal of an unsealed event, and deletes', async () => {
    const sealed = (await chain())[0].id;
    // drizzle wraps the database's error: its message is the cause's.
    const refused = (q: ReturnType<typeof sql>) =>
      expect(database.db.execute(q)).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/append-only/) },
      });
    await refused(sql`UPDATE audit_events SET hash = 'x' WHERE id = ${sealed}`);
    await refused(
      sql`UPDATE audit_events SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = ${sealed}`,
    );
    await refused(sql`DELETE FROM audit_events WHERE id = ${sealed}`);
    await refused(sql`TRUNCATE audit_events`);
    await write(database.db, 'unsealed');
    const id = (await chain()).find((e) => e.seq === null)!.id;
    const next = (await chain()).length;
    await refused(sql`UPDATE audit_events SET entity = 'other' WHERE id = ${id}`);
    await refused(sql`UPDATE audit_events SET seq = ${next} WHERE id = ${id}`);
    await refused(
      sql`UPDATE audit_events SET seq = ${next}, prev_hash = 'a', hash = 'b', after = '{}' WHERE id = ${id}`,
    );
    // The seal itself (done here by hand, then undone) is the one update let through.
    await database.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`UPDATE audit_events SET seq = ${next}, prev_hash = 'a', hash = 'b' WHERE id = ${id}`,
        );
        await expect(tx.execute(sql`UPDATE audit_events SET hash = 'c' WHERE id = ${id}`)).rejects.toThrow();
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(await sealAudit(database.db)).toBe(1);
  });

  it('detects a changed, a removed, a reordered and an inserted event', async () => {
    expect((await verifyAudit(database.db)).ok).toBe(true);
    const rows = await chain();
    const at = (seq: number) => rows[seq - 1].id;

    const changed = await tampered((tx) =>
      tx.execute(sql`UPDATE audit_events SET after = '{"n": 1}' WHERE seq = 5`),
    );
    expect(changed).toMatchObject({ ok: false, checked: 4, firstBroken: { id: at(5) } });
    expect(changed.firstBroken!.reason).toMatch(/hash/);

    const removed = await tampered((tx) => tx.execute(sql`DELETE FROM audit_events WHERE seq = 3`));
    expect(removed).toMatchObject({ ok: false, checked: 2, firstBroken: { id: at(4) } });
    expect(removed.firstBroken!.reason).toMatch(/missing/);

    // Closing the gap does not help: the link of the event after it is broken.
    const closed = await tampered(async (tx) => {
      await tx.execute(sql`DELETE FROM audit_events WHERE seq = 3`);
      await tx.execute(sql`UPDATE audit_events SET seq = -seq WHERE seq > 3`);
      await tx.execute(sql`UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0`);
    });
    expect(closed).toMatchObject({ ok: false, checked: 2, firstBroken: { id: at(4) } });
    expect(closed.firstBroken!.reason).toMatch(/link/);

    const swapped = await tampered(async (tx) => {
      await tx.execute(sql`UPDATE audit_events SET seq = -1 WHERE seq = 6`);
      await tx.execute(sql`UPDATE audit_events SET seq = 6 WHERE seq = 7`);
      await tx.execute(sql`UPDATE audit_events SET seq = 7 WHERE seq = -1`);
    });
    expect(swapped).toMatchObject({ ok: false, checked: 5, firstBroken: { id: at(7) } });

    // An event slipped in after position 8 with a correct hash of its own, the later ones moved up.
    const inserted = await tampered(async (tx) => {
      await tx.execute(sql`UPDATE audit_events SET seq = -seq WHERE seq > 8`);
      await tx.execute(sql`UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0`);
      const prev = await tx.execute<{ hash: string }>(sql`SELECT hash FROM audit_events WHERE seq = 8`);
      const when = new Date().toISOString();
      const id = 1_000_000;
      const hash = eventHash(prev.rows[0].hash, {
        ...{ id, at: when, actorId: null, action: 'update', entity: 'thing', entityId: 'forged' },
        ...{ before: null, after: null },
      });
      await tx.execute(sql`
        INSERT INTO audit_events (id, at, action, entity, entity_id, seq, prev_hash, hash)
        VALUES (${id}, ${when}, 'update', 'thing', 'forged', 9, ${prev.rows[0].hash}, ${hash})`);
    });
    expect(inserted).toMatchObject({ ok: false, checked: 9, firstBroken: { id: at(9) } });

    // One placed before the first, or after the last with a made-up hash.
    const first = await tampered((tx) =>
      tx.execute(sql`INSERT INTO audit_events (at, action, entity, seq, prev_hash, hash)
        VALUES (now(), 'update', 'thing', 0, ${'0'.repeat(64)}, 'forged')`),
    );
    expect(first).toMatchObject({ ok: false, checked: 0 });
    const last = await tampered((tx) =>
      tx.execute(sql`INSERT INTO audit_events (at, action, entity, seq, prev_hash, hash)
        SELECT now(), 'update', 'thing', max(seq) + 1, (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), 'forged'
        FROM audit_events`),
    );
    expect(last).toMatchObject({ ok: false, checked: rows.length });
    expect(last.firstBroken!.reason).toMatch(/hash/);

    // Everything above was undone.
    expect(await verifyAudit(database.db)).toEqual({ ok: true, checked: rows.length });
  });

  it('seals in the background until stopped, and once more on stop', async () => {
    const sealer = startAuditSealer(database, { intervalMs: 20 });
    await write(database.db, 'background');
    sealer.wake();
    while ((await chain()).some((e) => e.seq === null)) await new Promise((r) => setTimeout(r, 10));
    await sealer.stop();
    await write(database.db, 'after stop');
    await new Promise((r) => setTimeout(r, 60));
    expect((await chain()).filter((e) => e.seq === null)).toHaveLength(1);

    const another = startAuditSealer(database, { intervalMs: 60_000 });
    await write(database.db, 'just before close');
    await another.stop();
    expect((await chain()).filter((e) => e.seq === null)).toHaveLength(0);
    expect((await verifyAudit(database.db)).ok).toBe(true);
  });
});
