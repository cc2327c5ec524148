import { sql } from 'drizzle-orm';
import type { Database } from '../db/pool.ts';
import type { DbOrTx } from '../db/tx.ts';
import { notifyChange, QUIET_ACTIONS } from './audit.ts';
import { eventHash, GENESIS } from './hash.ts';

/**
 * The sealer: writers insert audit events unsealed and without any lock (audit.ts); this puts the
 * committed ones into the hash chain afterwards, in batches, one sealer at a time. The chain's
 * order is the order of sealing, not of ids: an event whose transaction commits after events
 * with higher ids were sealed simply gets a later place. Only committed events are ever visible
 * to the sealer, so an event is sealed exactly once and nothing is left behind by a writer that
 * dies (its event never existed) or by a sealer that dies (its transaction rolls back).
 */

// Taken only by sealers, never by writers: they run one at a time, the writers never wait.
export const AUDIT_SEAL_LOCK = 7_320_022;
export const SEAL_BATCH = 5000;

export interface SealOptions {
  /** Events sealed per transaction. */
  batch?: number;
  /** Wait for a sealer at work instead of leaving it to it (verify, so that it sees every event). */
  wait?: boolean;
  /** Checked between batches: stop early (the app shutting down). */
  stopped?: () => boolean;
}

type UnsealedRow = {
  id: number;
  at: string;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
};

/**
 * Seal every committed unsealed event; the number sealed. Returns 0 at once when another sealer
 * holds the lock (unless `wait`): it will seal them.
 */
export async function sealAudit(db: DbOrTx, opts: SealOptions = {}): Promise<number> {
  const batch = opts.batch ?? SEAL_BATCH;
  let total = 0;
  for (;;) {
    const n = await db.transaction((tx) => sealBatch(tx, batch, opts.wait ?? false));
    if (n === null) return total;
    total += n;
    if (n < batch || opts.stopped?.()) return total;
  }
}

/** One transaction: the next `batch` unsealed events after the chain's head; null without the lock. */
async function sealBatch(tx: DbOrTx, batch: number, wait: boolean): Promise<number | null> {
  if (wait) await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_SEAL_LOCK})`);
  else {
    const got = await tx.execute<{ ok: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK}) AS ok`,
    );
    if (!got.rows[0].ok) return null;
  }
  // Read after the lock, in statements of their own: a statement's snapshot is taken when it
  // starts, so these see what the previous sealer committed before releasing the lock.
  const head = await tx.execute<{ seq: number; hash: string }>(
    sql`SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  );
  const rows = await tx.execute<UnsealedRow>(sql`
    SELECT id, at, actor_id, action, entity, entity_id, before, after
    FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT ${batch}`);
  if (rows.rows.length === 0) return 0;
  let seq = Number(head.rows[0]?.seq ?? 0);
  let prev = head.rows[0]?.hash ?? GENESIS;
  const ids: number[] = [];
  const seqs: number[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  // Hashed from the values as PostgreSQL gives them back, exactly as verify will read them.
  for (const r of rows.rows) {
    const id = Number(r.id);
    const hash = eventHash(prev, {
      id,
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
    });
    ids.push(id);
    seqs.push(++seq);
    prevs.push(prev);
    hashes.push(hash);
    prev = hash;
  }
  // The safety net of audit(): a writer that died between its commit and its notification.
  if (rows.rows.some((r) => !QUIET_ACTIONS.has(r.action))) await notifyChange(tx, 'audit_seal');
  const updated = await tx.execute(sql`
    UPDATE audit_events e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    FROM unnest(${sql.param(ids)}::int8[], ${sql.param(seqs)}::int8[], ${sql.param(prevs)}::text[],
      ${sql.param(hashes)}::text[]) AS v(id, seq, prev_hash, hash)
    WHERE e.id = v.id AND e.seq IS NULL`);
  // Cannot happen under the lock; if it did, a partial seal would leave a gap in the chain.
  if (updated.rowCount !== ids.length)
    throw new Error(`audit seal: ${updated.rowCount} of ${ids.length} events updated`);
  return ids.length;
}

export interface AuditSealer {
  /** Seal now rather than at the next tick. */
  wake(): void;
  /** Finish the pass under way, seal once more what is committed, and stop. */
  stop(): Promise<void>;
}

/**
 * Seal in the background every `intervalMs` (250 by default). Every instance of the app runs
 * one; the try-lock makes all but one of them skip each round.
 */
export function startAuditSealer(
  database: Pick<Database, 'db'>,
  opts: { intervalMs?: number; batch?: number; onError?: (e: unknown) => void } = {},
): AuditSealer {
  const intervalMs = opts.intervalMs ?? 250;
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  const pass = async () => {
    try {
      await sealAudit(database.db, { batch: opts.batch, stopped: () => stopped });
      failing = false;
    } catch (e) {
      // Report the first failure of a run of them (a database down fails every tick), not each.
      if (!failing) opts.onError?.(e);
      failing = true;
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await pass();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        // Never what keeps a process alive: the app's server or the command's work does that.
        timer = setTimeout(resolve, intervalMs).unref();
      });
      clearTimeout(timer);
      wakeUp = undefined;
    }
  })();
  let stopping: Promise<void> | undefined;
  return {
    wake: () => wakeUp?.(),
    stop() {
      stopped = true;
      wakeUp?.();
      // What was committed just before the close gets its place now rather than at the next start.
      stopping ??= loop.then(pass);
      return stopping;
    },
  };
}
