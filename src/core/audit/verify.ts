import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/tx.ts';
import { eventHash, GENESIS } from './hash.ts';
import { sealAudit } from './seal.ts';

export interface VerifyResult {
  ok: boolean;
  /** Sealed events found intact (before the first broken one, if any). */
  checked: number;
  firstBroken?: { id: number; reason: string };
  /** Events not sealed yet (committed after the seal this ran first); absent when there are none. */
  unsealed?: number;
}

/**
 * Seal what is committed (unless `seal: false`), then walk the chain by its positions from the
 * first: report the first event whose position, link or hash is wrong. A changed event fails its
 * hash; a removed one leaves a gap in the positions (and a broken link); an inserted one either
 * takes a position already there (the positions are unique), leaves a gap, or breaks the link of
 * the event after it.
 */
export async function verifyAudit(
  db: DbOrTx,
  onProgress?: (checked: number, total: number) => void,
  opts: { seal?: boolean } = {},
): Promise<VerifyResult> {
  // Waits for a sealer at work, so that every event committed before this call is checked.
  if (opts.seal !== false) await sealAudit(db, { wait: true });
  const total = Number(
    (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM audit_events WHERE seq IS NOT NULL`))
      .rows[0].n,
  );
  let prev = GENESIS;
  // Below any position, so that a forged event placed at 0 or below is seen, not skipped.
  let lastSeq = Number.MIN_SAFE_INTEGER;
  let checked = 0;
  const batch = 5000;
  for (;;) {
    const rows = await db.execute<{
      id: number;
      seq: number;
      at: string;
      actor_id: string | null;
      action: string;
      entity: string;
      entity_id: string | null;
      before: unknown;
      after: unknown;
      prev_hash: string | null;
      hash: string | null;
    }>(sql`SELECT id, seq, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash
           FROM audit_events WHERE seq > ${lastSeq} ORDER BY seq LIMIT ${batch}`);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const id = Number(r.id);
      const seq = Number(r.seq);
      const broken = (reason: string): VerifyResult => ({ ok: false, checked, firstBroken: { id, reason } });
      if (seq !== checked + 1)
        return broken(
          seq > checked + 1
            ? `${seq - checked - 1} event(s) missing before this one (chain position ${seq}, expected ${checked + 1})`
            : `chain position ${seq} out of place (expected ${checked + 1})`,
        );
      if (r.prev_hash !== prev) return broken('link to the previous event does not match');
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
      if (expected !== r.hash) return broken('content does not match its hash');
      prev = r.hash;
      lastSeq = seq;
      checked++;
    }
    onProgress?.(checked, total);
  }
  const unsealed = Number(
    (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM audit_events WHERE seq IS NULL`))
      .rows[0].n,
  );
  return unsealed > 0 ? { ok: true, checked, unsealed } : { ok: true, checked };
}
