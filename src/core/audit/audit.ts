import { sql } from 'drizzle-orm';
import { CHANGES_CHANNEL } from '../cache/response-cache.ts';
import type { Ctx } from '../context.ts';
import { type DbOrTx, onCommit } from '../db/tx.ts';

export interface AuditInput {
  action: string; // create | update | archive | read_restricted | login | ...
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** The value as jsonb text; SQL NULL for nothing (undefined, null, or what JSON has no text for). */
const jsonText = (v: unknown): string | null => {
  const text = v === undefined ? undefined : JSON.stringify(v);
  return text === undefined || text === 'null' ? null : text;
};

/**
 * Append an audit event. Call it with the transaction of the change it records, so that the
 * change and its audit event are committed together or not at all.
 *
 * The event is written unsealed, with no lock: its place in the hash chain, the previous hash and
 * its own hash are set after its commit by the sealer (seal.ts), in commit order. Chaining here
 * would need the previous event's hash, that is one lock held by every writing transaction of the
 * platform until its commit.
 */
export async function audit(
  db: DbOrTx,
  ctx: Pick<Ctx, 'actor' | 'now' | 'requestId'>,
  input: AuditInput,
): Promise<void> {
  const insert = sql`INSERT INTO audit_events (at, actor_id, actor_label, action, entity, entity_id, before, after, request_id)
      VALUES (${ctx.now.toISOString()}, ${ctx.actor?.userId ?? null}, ${ctx.actor?.email ?? null}, ${input.action},
        ${input.entity}, ${input.entityId ?? null},
        ${jsonText(input.before)}::jsonb, ${jsonText(input.after)}::jsonb,
        ${ctx.requestId ?? null})`;
  // Tell every app instance that something changed, once this transaction has committed: their
  // caches of public pages are emptied (see core/cache). Events that change nothing anyone reads
  // publicly do not. A NOTIFY inside the transaction would hold PostgreSQL's one notification lock
  // until the commit is on disk, which orders every write of the platform again; so it is sent just
  // after the commit, on the pool, once per transaction. The sealer notifies too, as a safety net
  // for a process that dies between the two (seal.ts).
  if (QUIET_ACTIONS.has(input.action)) {
    await db.execute(insert);
    return;
  }
  if (onCommit(db, 'audit.notify', (root) => notifyChange(root, input.entity))) {
    await db.execute(insert);
    return;
  }
  // A transaction opened elsewhere: notify inside it, in one statement with the insert.
  await db.execute(sql`WITH ins AS (${insert} RETURNING id)
    SELECT pg_notify(${CHANGES_CHANNEL}::text, ${input.entity}) FROM ins`);
}

/** Send the change notification (outside any transaction). */
export async function notifyChange(db: DbOrTx, entity: string): Promise<void> {
  await db.execute(sql`SELECT pg_notify(${CHANGES_CHANNEL}::text, ${entity})`);
}

export const QUIET_ACTIONS = new Set([
  'read_restricted',
  'login',
  'logout',
  'mfa_passed',
  'request_password_reset',
]);
