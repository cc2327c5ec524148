import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/pool.ts';
import type { DbOrTx, Tx } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import type { UseCaseRun } from '../../core/module/use-case.ts';
import { type AccountRef, accountKey, ensureAccounts } from './accounts.ts';
import { GENESIS, transactionBody } from './hash.ts';
import type { TransactionKind } from './schema.ts';

export interface PostingLine {
  account: AccountRef;
  amount: number;
}

export interface Posting {
  kind: TransactionKind;
  idempotencyKey: string;
  /** The fingerprint of the request (see hash.ts requestHash): a retry must bring the same one. */
  requestHash: string;
  lines: PostingLine[];
  memo?: string | null;
  providerOrgId?: string | null;
  receiverOrgId?: string | null;
  needId?: string | null;
  reversalOf?: string | null;
  createdBy?: string | null;
  approvedBy?: string | null;
  fxRate?: string | null;
  fxCurrency?: string | null;
  valueDate?: string;
}

export interface Posted {
  transactionId: string;
  seq: number;
  /** True when the key had already been used: nothing was posted this time. */
  replay: boolean;
}

/** The use case's `uc.audit`: each posting records its event in the posting's own transaction. */
export type RecordAudit = UseCaseRun<unknown>['audit'];

const CHAIN_HEAD = 1;

/** The PostgreSQL error code behind a driver (or Drizzle-wrapped) error. */
export function pgCode(e: unknown): { code?: string; constraint?: string } {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  if (err?.code && /^[0-9A-Z]{5}$/.test(err.code)) return err;
  return err?.cause ?? {};
}

/**
 * Serialise requests carrying the same key. Callers that read under the key before posting (the
 * approvals, the reversals) take it first; a posting takes it again in its own savepoint.
 */
export async function lockIdempotencyKey(db: DbOrTx, key: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`fund:${key}`}, 0))`);
}

/** The first result posted under this key, if any; the same key with another request is refused. */
export async function findPosted(
  db: DbOrTx,
  key: string,
  hash: string,
): Promise<{ transactionId: string; seq: number } | null> {
  const found = await db.execute<{ id: string; seq: number; request_hash: string }>(
    sql`SELECT id, seq, request_hash FROM fund_transactions WHERE idempotency_key = ${key}`,
  );
  return checkFound(found.rows[0], key, hash);
}

function checkFound(
  row: { id: string; seq: number; request_hash: string } | undefined,
  key: string,
  hash: string,
) {
  if (!row) return null;
  if (row.request_hash !== hash) throw new AppError('idempotency_mismatch', { idempotencyKey: key });
  return { transactionId: row.id, seq: Number(row.seq) };
}

/** Thrown inside the posting's savepoint to undo its audit event when the key was already used. */
class Replay {
  constructor(readonly found: { transactionId: string; seq: number }) {}
}

/**
 * Post one balanced transaction: the one way money moves in the ledger. `record` writes its audit
 * event, in the posting's transaction.
 * - With `ctx.db` a transaction (reversals, approvals, the aid centre allocating and committing at
 *   once): inside it, in a savepoint, so that a refusal leaves the caller's transaction usable.
 * - Otherwise the posting joins the process's next group commit (see PostingQueue).
 */
export async function postTransaction(ctx: Ctx, p: Posting, record: RecordAudit): Promise<Posted> {
  const refs = p.lines.map((l) => l.account);
  if (!isTx(ctx.db)) {
    const ids = await knownAccounts(ctx.db as Db, refs).catch(async (e) => {
      throw await mapError(e, ctx.db, p, new Map());
    });
    return queueOf(ctx.db as Db).post(ctx, p, ids, record);
  }
  const db = ctx.db as Tx;
  let ids = new Map<string, string>();
  try {
    // Accounts are opened in the savepoint too: an unknown organisation leaves the caller's transaction usable.
    return await db.transaction(async (sp) => {
      ids = await ensureAccounts(sp, refs);
      return postIn(sp, ctx, p, ids, record);
    });
  } catch (e) {
    if (e instanceof Replay) return { ...e.found, replay: true };
    throw await mapError(e, db, p, ids);
  }
}

// Accounts are never deleted: once seen, an account's id is kept for the life of the pool.
const accountIds = new WeakMap<Db, Map<string, string>>();
async function knownAccounts(db: Db, refs: AccountRef[]): Promise<Map<string, string>> {
  let known = accountIds.get(db);
  if (!known) {
    known = new Map();
    accountIds.set(db, known);
  }
  if (refs.every((r) => known.has(accountKey(r)))) return known;
  const found = await ensureAccounts(db, refs);
  for (const [k, id] of found) known.set(k, id);
  return known;
}

export const isTx = (db: DbOrTx) => typeof (db as { rollback?: unknown }).rollback === 'function';

/**
 * The steps of a posting, in its own savepoint: the audit event (undone with the savepoint when
 * the key turns out to be used already), the idempotency key, then one statement that takes the
 * chain head, hashes (sha256 in PostgreSQL, of the previous hash, the place and the canonical text
 * computed here), inserts the transaction and its lines, and updates the balances — whose CHECK
 * constraint refuses any protected balance below zero — and the monthly totals.
 */
async function postIn(
  tx: Tx,
  ctx: Ctx,
  p: Posting,
  ids: Map<string, string>,
  record: RecordAudit,
): Promise<Posted> {
  const id = randomUUID();
  const postedAt = ctx.now.toISOString();
  const lines = p.lines.map((l) => ({
    accountId: ids.get(accountKey(l.account))!,
    currency: l.account.currency,
    amount: l.amount,
  }));
  await record(
    {
      action: 'create',
      entity: 'fund_transaction',
      entityId: id,
      after: {
        kind: p.kind,
        idempotencyKey: p.idempotencyKey,
        memo: p.memo ?? null,
        reversalOf: p.reversalOf ?? null,
        approvedBy: p.approvedBy ?? null,
        lines,
      },
    },
    tx,
  );
  // The key's lock and the read are two statements on purpose: a statement's snapshot is taken
  // when it starts, so a read in the statement that waits for the lock could miss the posting its
  // previous holder just committed under the same key (two instances retrying one request).
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`fund:${p.idempotencyKey}`}, 0))`);
  const found = await tx.execute<{ id: string; seq: number; request_hash: string }>(
    sql`SELECT id, seq, request_hash FROM fund_transactions WHERE idempotency_key = ${p.idempotencyKey}`,
  );
  const replay = checkFound(found.rows[0], p.idempotencyKey, p.requestHash);
  if (replay) throw new Replay(replay);

  const valueDate = p.valueDate ?? postedAt.slice(0, 10);
  const fields = {
    id,
    kind: p.kind,
    postedAt,
    valueDate,
    memo: p.memo ?? null,
    providerOrgId: p.providerOrgId ?? null,
    receiverOrgId: p.receiverOrgId ?? null,
    needId: p.needId ?? null,
    idempotencyKey: p.idempotencyKey,
    reversalOf: p.reversalOf ?? null,
    createdBy: p.createdBy ?? ctx.actor?.userId ?? null,
    approvedBy: p.approvedBy ?? null,
    fxRate: p.fxRate ?? null,
    fxCurrency: p.fxCurrency ?? null,
  };
  const body = transactionBody({ ...fields, lines });
  const deltas = new Map<string, { delta: number; n: number }>();
  for (const l of lines) {
    const d = deltas.get(l.accountId) ?? { delta: 0, n: 0 };
    d.delta += l.amount;
    d.n++;
    deltas.set(l.accountId, d);
  }
  const accountIds = [...deltas.keys()].sort();
  const month = `${postedAt.slice(0, 7)}-01`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await tx.execute<{ seq: number }>(sql`
      WITH old AS (SELECT seq, hash FROM fund_chain_head WHERE id = ${CHAIN_HEAD} FOR UPDATE),
      h AS (
        UPDATE fund_chain_head c SET seq = old.seq + 1,
          hash = encode(sha256(convert_to(old.hash || E'\\n' || (old.seq + 1)::text || E'\\n' || ${body}, 'UTF8')), 'hex')
        FROM old WHERE c.id = ${CHAIN_HEAD}
        RETURNING c.seq, c.hash, old.hash AS prev
      ),
      t AS (
        INSERT INTO fund_transactions (id, seq, kind, posted_at, value_date, memo, provider_org_id, receiver_org_id,
          need_id, idempotency_key, request_hash, reversal_of, created_by, approved_by, fx_rate, fx_currency, prev_hash, hash)
        SELECT ${id}, h.seq, ${p.kind}, ${postedAt}, ${valueDate}, ${fields.memo}, ${fields.providerOrgId},
          ${fields.receiverOrgId}, ${fields.needId}, ${p.idempotencyKey}, ${p.requestHash}, ${fields.reversalOf},
          ${fields.createdBy}, ${fields.approvedBy}, ${fields.fxRate}, ${fields.fxCurrency}, h.prev, h.hash
        FROM h
        RETURNING id, seq
      ),
      l AS (
        INSERT INTO fund_lines (transaction_id, seq, account_id, currency, amount, posted_at)
        SELECT t.id, t.seq, x.account_id, x.currency, x.amount, ${postedAt}
        FROM t, unnest(${sql.param(lines.map((x) => x.accountId))}::uuid[], ${sql.param(lines.map((x) => x.currency))}::text[],
          ${sql.param(lines.map((x) => x.amount))}::int8[]) AS x(account_id, currency, amount)
      ),
      d AS (
        SELECT d.account_id, d.delta, d.n, a.currency, a.kind, a.org_id IS NOT NULL AS with_org
        FROM t, unnest(${sql.param(accountIds)}::uuid[], ${sql.param(accountIds.map((a) => deltas.get(a)!.delta))}::int8[],
          ${sql.param(accountIds.map((a) => deltas.get(a)!.n))}::int4[]) AS d(account_id, delta, n)
        JOIN fund_accounts a ON a.id = d.account_id
      ),
      b AS (
        UPDATE fund_balances fb SET balance = fb.balance + d.delta, line_count = fb.line_count + d.n, updated_at = ${postedAt}
        FROM d WHERE fb.account_id = d.account_id
      ),
      m AS (
        INSERT INTO fund_monthly (account_id, month, net, line_count)
        SELECT d.account_id, ${month}::date, d.delta, d.n FROM d
        ON CONFLICT (account_id, month) DO UPDATE
          SET net = fund_monthly.net + excluded.net, line_count = fund_monthly.line_count + excluded.line_count
      ),
      k AS (
        INSERT INTO fund_monthly_kinds (currency, month, account_kind, with_org, net, line_count)
        SELECT d.currency, ${month}::date, d.kind, d.with_org, sum(d.delta), sum(d.n) FROM d
        GROUP BY d.currency, d.kind, d.with_org
        ON CONFLICT (currency, month, account_kind, with_org) DO UPDATE
          SET net = fund_monthly_kinds.net + excluded.net, line_count = fund_monthly_kinds.line_count + excluded.line_count
      )
      SELECT seq FROM t`);
    if (r.rows[0]) return { transactionId: id, seq: Number(r.rows[0].seq), replay: false };
    // The first posting ever: the head is created here, not by the migration, so that a restore
    // finds the table empty.
    await tx.execute(
      sql`INSERT INTO fund_chain_head (id, seq, hash) VALUES (${CHAIN_HEAD}, 0, ${GENESIS}) ON CONFLICT DO NOTHING`,
    );
  }
  throw new Error('fund chain head missing');
}

/** Database refusals as the fund's errors; which balance would have crossed its rule, and by how much. */
async function mapError(e: unknown, db: DbOrTx, p: Posting, ids: Map<string, string>): Promise<unknown> {
  const { code, constraint } = pgCode(e);
  if (code === '23503') return new AppError('unknown_reference', { constraint });
  if (code === '23505' && constraint === 'fund_transactions_reversal_uq')
    return new AppError('conflict', { reason: 'already_reversed' });
  if (code === '40P01' || code === '40001') return new AppError('conflict', { reason: 'retry' });
  if (code === '23514' && constraint === 'fund_balances_rule_ck') {
    const rows = await db
      .execute<{ account_id: string; balance: number; rule: string }>(
        sql`SELECT account_id, balance, rule FROM fund_balances WHERE account_id = ANY(${sql.param([...new Set(ids.values())])}::uuid[])`,
      )
      .catch(() => ({ rows: [] }));
    for (const row of rows.rows) {
      const line = p.lines.find((l) => ids.get(accountKey(l.account)) === row.account_id)!;
      const delta = p.lines
        .filter((l) => ids.get(accountKey(l.account)) === row.account_id)
        .reduce((s, l) => s + l.amount, 0);
      const after = Number(row.balance) + delta;
      if ((row.rule === 'non_negative' && after < 0) || (row.rule === 'non_positive' && after > 0))
        return new AppError('insufficient_funds', {
          account: line.account.kind,
          orgId: line.account.orgId,
          currency: line.account.currency,
          available: Math.abs(Number(row.balance)),
        });
    }
    return new AppError('insufficient_funds');
  }
  return e;
}

interface Job {
  ctx: Ctx;
  p: Posting;
  ids: Map<string, string>;
  record: RecordAudit;
  resolve: (r: Posted) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit. The hash chain puts postings one after another, and each database commit waits
 * for its write to reach the disk: one posting per commit would make the disk's flush time the
 * fund's speed limit. Postings that arrive while a commit is under way wait for the next one and
 * are then posted together in one database transaction, each in its own savepoint (a refusal
 * undoes that posting only), and answered only once their commit succeeded.
 */
class PostingQueue {
  private waiting: Job[] = [];
  private running = false;
  constructor(private readonly db: Db) {}

  post(ctx: Ctx, p: Posting, ids: Map<string, string>, record: RecordAudit): Promise<Posted> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ctx, p, ids, record, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, 200);
        const outcomes: ({ ok: Posted } | { error: unknown })[] = [];
        try {
          await this.db.transaction(async (tx) => {
            for (const job of batch) {
              try {
                outcomes.push({
                  ok: await tx.transaction((sp) =>
                    postIn(sp, { ...job.ctx, db: tx }, job.p, job.ids, job.record),
                  ),
                });
              } catch (e) {
                if (e instanceof Replay) outcomes.push({ ok: { ...e.found, replay: true } });
                else outcomes.push({ error: await mapError(e, tx, job.p, job.ids) });
              }
            }
          });
        } catch (e) {
          // The commit itself failed: nothing of the batch is known to be posted; a retry with the same keys is safe.
          for (const job of batch) job.reject(e);
          continue;
        }
        batch.forEach((job, i) => {
          const o = outcomes[i];
          if ('ok' in o) job.resolve(o.ok);
          else job.reject(o.error);
        });
      }
    } finally {
      this.running = false;
    }
  }
}

const queues = new WeakMap<Db, PostingQueue>();
function queueOf(db: Db): PostingQueue {
  let q = queues.get(db);
  if (!q) {
    q = new PostingQueue(db);
    queues.set(db, q);
  }
  return q;
}
