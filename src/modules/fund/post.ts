import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { audit } from '../../core/audit/audit.ts';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx, Tx } from '../../core/db/tx.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { type AccountRef, accountKey, ensureAccounts } from './accounts.ts';
import { GENESIS, type HashedTransaction, transactionHash } from './hash.ts';
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

const CHAIN_HEAD = 1;

/** The PostgreSQL error code behind a driver (or Drizzle-wrapped) error. */
export function pgCode(e: unknown): { code?: string; constraint?: string } {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  if (err?.code && /^[0-9A-Z]{5}$/.test(err.code)) return err;
  return err?.cause ?? {};
}

/**
 * The first result posted under this key, if any. Run after the key's lock is held, so that a
 * concurrent request with the same key has either committed (and is seen) or not started.
 */
export async function lockIdempotencyKey(db: DbOrTx, key: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`fund:${key}`}, 0))`);
}

export async function findPosted(
  db: DbOrTx,
  key: string,
  hash: string,
): Promise<{ transactionId: string; seq: number } | null> {
  const found = await db.execute<{ id: string; seq: string; request_hash: string }>(
    sql`SELECT id, seq, request_hash FROM fund_transactions WHERE idempotency_key = ${key}`,
  );
  const row = found.rows[0];
  if (!row) return null;
  if (row.request_hash !== hash) throw new AppError('idempotency_mismatch', { idempotencyKey: key });
  return { transactionId: row.id, seq: Number(row.seq) };
}

/**
 * Post one balanced transaction: the one way money moves in the ledger. In one database
 * transaction (a savepoint inside the caller's, when given): the idempotency key's lock, the
 * audit event (whose lock also orders every posting), the balance rows locked in a fixed order
 * and checked against their rules, the chain head, then the transaction, its lines, the balances
 * and the monthly aggregates in one statement.
 */
export async function postTransaction(ctx: Ctx, p: Posting, outer?: Tx): Promise<Posted> {
  const run = (tx: Tx) => postIn(tx, ctx, p);
  try {
    if (outer) return await outer.transaction(run);
    return await inTransaction(ctx.db, run);
  } catch (e) {
    const { code, constraint } = pgCode(e);
    if (code === '23503') throw new AppError('unknown_reference', { constraint });
    if (code === '23505' && constraint === 'fund_transactions_reversal_uq')
      throw new AppError('conflict', { reason: 'already_reversed' });
    if (code === '23514' && constraint === 'fund_balances_rule_ck') throw new AppError('insufficient_funds');
    throw e;
  }
}

async function postIn(tx: Tx, ctx: Ctx, p: Posting): Promise<Posted> {
  await lockIdempotencyKey(tx, p.idempotencyKey);
  const existing = await findPosted(tx, p.idempotencyKey, p.requestHash);
  if (existing) return { ...existing, replay: true };

  const ids = await ensureAccounts(
    tx,
    p.lines.map((l) => l.account),
  );
  const deltas = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const l of p.lines) {
    const id = ids.get(accountKey(l.account))!;
    deltas.set(id, (deltas.get(id) ?? 0) + l.amount);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const id = randomUUID();
  const postedAt = ctx.now.toISOString();
  const lines = p.lines.map((l) => ({
    accountId: ids.get(accountKey(l.account))!,
    currency: l.account.currency,
    amount: l.amount,
  }));

  // The audit event first: its lock is the one every change of the platform takes, so taking it
  // before any balance row means a caller that already audited in its transaction cannot deadlock
  // with a concurrent posting.
  await audit(tx, ctx, {
    action: 'create',
    entity: 'fund.transaction',
    entityId: id,
    after: {
      kind: p.kind,
      idempotencyKey: p.idempotencyKey,
      memo: p.memo ?? null,
      reversalOf: p.reversalOf ?? null,
      approvedBy: p.approvedBy ?? null,
      lines,
    },
  });

  const accountIds = [...deltas.keys()].sort();
  const locked = await tx.execute<{ account_id: string; balance: string; rule: string }>(sql`
    SELECT account_id, balance, rule FROM fund_balances
    WHERE account_id = ANY(${sql.param(accountIds)}::uuid[]) ORDER BY account_id FOR UPDATE`);
  for (const row of locked.rows) {
    const after = Number(row.balance) + deltas.get(row.account_id)!;
    if ((row.rule === 'non_negative' && after < 0) || (row.rule === 'non_positive' && after > 0)) {
      const ref = p.lines.find((l) => ids.get(accountKey(l.account)) === row.account_id)!.account;
      throw new AppError('insufficient_funds', {
        account: ref.kind,
        orgId: ref.orgId,
        currency: ref.currency,
        available: Math.abs(Number(row.balance)),
      });
    }
  }

  const head = await chainHead(tx);
  const valueDate = p.valueDate ?? postedAt.slice(0, 10);
  const hashed: HashedTransaction = {
    seq: head.seq,
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
    lines,
  };
  const hash = transactionHash(head.prevHash, hashed);
  const month = `${postedAt.slice(0, 7)}-01`;
  const deltaIds = accountIds;
  const deltaAmounts = accountIds.map((a) => deltas.get(a)!);
  const deltaCounts = accountIds.map((a) => counts.get(a)!);
  await tx.execute(sql`
    WITH t AS (
      INSERT INTO fund_transactions (id, seq, kind, posted_at, value_date, memo, provider_org_id, receiver_org_id,
        need_id, idempotency_key, request_hash, reversal_of, created_by, approved_by, fx_rate, fx_currency, prev_hash, hash)
      VALUES (${id}, ${head.seq}, ${p.kind}, ${postedAt}, ${valueDate}, ${hashed.memo}, ${hashed.providerOrgId},
        ${hashed.receiverOrgId}, ${hashed.needId}, ${p.idempotencyKey}, ${p.requestHash}, ${hashed.reversalOf},
        ${hashed.createdBy}, ${hashed.approvedBy}, ${hashed.fxRate}, ${hashed.fxCurrency}, ${head.prevHash}, ${hash})
      RETURNING id
    ),
    l AS (
      INSERT INTO fund_lines (transaction_id, seq, account_id, currency, amount, posted_at)
      SELECT t.id, ${head.seq}, x.account_id, x.currency, x.amount, ${postedAt}
      FROM t, unnest(${sql.param(lines.map((x) => x.accountId))}::uuid[], ${sql.param(lines.map((x) => x.currency))}::text[],
        ${sql.param(lines.map((x) => x.amount))}::int8[]) AS x(account_id, currency, amount)
    ),
    d AS (
      SELECT * FROM unnest(${sql.param(deltaIds)}::uuid[], ${sql.param(deltaAmounts)}::int8[], ${sql.param(deltaCounts)}::int4[])
        AS d(account_id, delta, n)
    ),
    b AS (
      UPDATE fund_balances fb SET balance = fb.balance + d.delta, line_count = fb.line_count + d.n, updated_at = ${postedAt}
      FROM d WHERE fb.account_id = d.account_id
    ),
    m AS (
      INSERT INTO fund_monthly (account_id, month, net, line_count)
      SELECT d.account_id, ${month}::date, d.delta, d.n FROM d
      ON CONFLICT (account_id, month) DO UPDATE SET net = fund_monthly.net + excluded.net, line_count = fund_monthly.line_count + excluded.line_count
    )
    UPDATE fund_chain_head SET hash = ${hash} WHERE id = ${CHAIN_HEAD}`);
  return { transactionId: id, seq: head.seq, replay: false };
}

/** Take the next place in the chain (locking its head until commit) and the hash before it. */
async function chainHead(tx: Tx): Promise<{ seq: number; prevHash: string }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await tx.execute<{ seq: string; hash: string }>(
      sql`UPDATE fund_chain_head SET seq = seq + 1 WHERE id = ${CHAIN_HEAD} RETURNING seq, hash`,
    );
    if (r.rows[0]) return { seq: Number(r.rows[0].seq), prevHash: r.rows[0].hash };
    // The first posting ever: the head is created here, not by the migration, so that a restore
    // finds the table empty.
    await tx.execute(
      sql`INSERT INTO fund_chain_head (id, seq, hash) VALUES (${CHAIN_HEAD}, 0, ${GENESIS}) ON CONFLICT DO NOTHING`,
    );
  }
  throw new Error('fund chain head missing');
}
