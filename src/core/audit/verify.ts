import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/tx.ts';
import { eventHash, GENESIS } from './hash.ts';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken?: { id: number; reason: string };
}

/** Recompute the chain from the first event; report the first event whose hash or link is wrong. */
export async function verifyAudit(
  db: DbOrTx,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyResult> {
  const total = Number(
    (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM audit_events`)).rows[0].n,
  );
  let prev = GENESIS;
  let lastId = 0;
  let checked = 0;
  const batch = 5000;
  for (;;) {
    const rows = await db.execute<{
      id: number;
      at: string;
      actor_id: string | null;
      action: string;
      entity: string;
      entity_id: string | null;
      before: unknown;
      after: unknown;
      prev_hash: string;
      hash: string;
    }>(sql`SELECT id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash
           FROM audit_events WHERE id > ${lastId} ORDER BY id LIMIT ${batch}`);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const id = Number(r.id);
      if (r.prev_hash !== prev)
        return {
          ok: false,
          checked,
          firstBroken: { id, reason: 'link to the previous event does not match' },
        };
      const expected = eventHash(prev, {
        id,
        at: r.at,
        actorId: r.actor_id,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: r.before,
        after: r.after,
      });
      if (expected !== r.hash)
        return { ok: false, checked, firstBroken: { id, reason: 'content does not match its hash' } };
      prev = r.hash;
      lastId = id;
      checked++;
    }
    onProgress?.(checked, total);
  }
  return { ok: true, checked };
}
