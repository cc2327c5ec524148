import { sql } from 'drizzle-orm';
import { CHANGES_CHANNEL } from '../cache/response-cache.ts';
import type { Ctx } from '../context.ts';
import type { DbOrTx } from '../db/tx.ts';
import { eventHash, GENESIS } from './hash.ts';

// One lock for the whole chain: each event needs the hash of the one before it.
const AUDIT_CHAIN_LOCK = 7_320_021;

export interface AuditInput {
  action: string; // create | update | archive | read_restricted | login | ...
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Round-trip through JSON so that what we hash is exactly what jsonb will give back. */
const normalise = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/**
 * Append an audit event. Call it with the transaction of the change it records, so that the
 * change and its audit event are committed together or not at all.
 */
export async function audit(
  db: DbOrTx,
  ctx: Pick<Ctx, 'actor' | 'now' | 'requestId'>,
  input: AuditInput,
): Promise<void> {
  // The lock and the read are two statements on purpose: a statement's snapshot is taken when it
  // starts, so reading the last hash in the statement that waits for the lock could miss the event
  // its previous holder just committed.
  await db.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const head = await db.execute<{ hash: string | null; id: number }>(sql`
    SELECT (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS hash,
           nextval(pg_get_serial_sequence('audit_events', 'id'))::int8 AS id`);
  const prevHash = head.rows[0].hash ?? GENESIS;
  const id = Number(head.rows[0].id);
  const at = ctx.now.toISOString();
  const before = normalise(input.before);
  const after = normalise(input.after);
  const fields = {
    id,
    at,
    actorId: ctx.actor?.userId ?? null,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId ?? null,
    before,
    after,
  };
  const hash = eventHash(prevHash, fields);
  // Tell every app instance that something changed, when (and only if) this transaction commits:
  // their caches of public pages are emptied (see core/cache). Events that change nothing
  // anyone reads publicly do not. One statement with the insert: one round trip less per change.
  const channel = QUIET_ACTIONS.has(input.action) ? null : CHANGES_CHANNEL;
  await db.execute(sql`
    WITH ins AS (
      INSERT INTO audit_events (id, at, actor_id, actor_label, action, entity, entity_id, before, after, request_id, prev_hash, hash)
      VALUES (${id}, ${at}, ${fields.actorId}, ${ctx.actor?.email ?? null}, ${fields.action}, ${fields.entity}, ${fields.entityId},
        ${before === null ? null : JSON.stringify(before)}::jsonb, ${after === null ? null : JSON.stringify(after)}::jsonb,
        ${ctx.requestId ?? null}, ${prevHash}, ${hash})
      RETURNING id)
    SELECT pg_notify(${channel}::text, ${input.entity}) FROM ins WHERE ${channel}::text IS NOT NULL`);
}

const QUIET_ACTIONS = new Set(['read_restricted', 'login', 'logout', 'mfa_passed', 'request_password_reset']);
