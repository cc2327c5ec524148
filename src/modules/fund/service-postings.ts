import { sql } from 'drizzle-orm';
import { audit } from '../../core/audit/audit.ts';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx, Tx } from '../../core/db/tx.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { requireRole, requireScope } from '../../core/policy/policy.ts';
import type { Role } from '../../core/policy/roles.ts';
import { parseInput } from '../../core/validation/input.ts';
import { type AccountRef, grant, pool } from './accounts.ts';
import { fundConfig } from './config.ts';
import { minorDigits } from './currencies.ts';
import { requestHash } from './hash.ts';
import { findPosted, lockIdempotencyKey, type PostingLine, pgCode, postTransaction } from './post.ts';
import type { TransactionKind } from './schema.ts';
import {
  contributionInput,
  expenditureInput,
  feeInput,
  type GrantInput,
  grantInput,
  pledgeInput,
  refundInput,
  reversalInput,
} from './service-input.ts';

/** Who keeps the books; and who may also move money to communities (the aid centre allocates). */
export const TREASURY: Role[] = ['treasurer', 'admin'];
export const GRANT_MAKERS: Role[] = ['treasurer', 'admin', 'secretariat', 'aid_coordinator'];

/** Set from the configuration when the routes are registered (FUND_APPROVAL_THRESHOLD_MINOR). */

export interface PostResult {
  transactionId: string;
  status: 'posted';
}

function authorise(ctx: Ctx, roles: Role[]) {
  const actor = requireRole(ctx, roles);
  requireScope(ctx, 'write');
  return actor;
}

const ref = (kind: AccountRef['kind'], orgId: string | null, currency: string): AccountRef => ({
  kind,
  orgId,
  currency,
});
const pair = (from: AccountRef, to: AccountRef, amount: number): PostingLine[] => [
  { account: from, amount: -amount },
  { account: to, amount },
];

/** Money received from a contributor; when it came in another currency, the conversion and its rate. */
export async function recordContribution(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(contributionInput, input);
  const lines = v.convertedTo
    ? [
        ...pair(
          ref('contributor', v.contributorOrgId, v.currency),
          ref('fx', null, v.currency),
          v.amountMinor,
        ),
        ...pair(
          ref('fx', null, v.convertedTo.currency),
          pool(v.convertedTo.currency),
          v.convertedTo.amountMinor,
        ),
      ]
    : pair(ref('contributor', v.contributorOrgId, v.currency), pool(v.currency), v.amountMinor);
  return post(ctx, 'contribution', v, lines, {
    providerOrgId: v.contributorOrgId,
    valueDate: v.valueDate,
    ...(v.convertedTo
      ? {
          fxCurrency: v.convertedTo.currency,
          fxRate: rate(v.amountMinor, v.currency, v.convertedTo.amountMinor, v.convertedTo.currency),
        }
      : {}),
  });
}

/** A promise of money: recorded and shown, never counted as funds (memorandum accounts). */
export async function recordPledge(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(pledgeInput, input);
  const lines = pair(
    ref('pledge', v.contributorOrgId, v.currency),
    ref('pledges', null, v.currency),
    v.amountMinor,
  );
  return post(ctx, 'pledge', v, lines, { providerOrgId: v.contributorOrgId, valueDate: v.valueDate });
}

/**
 * Commit money of the pool to a community's grant. `insufficient_funds` when the pool cannot
 * cover it. With `tx`, inside the caller's transaction (in a savepoint: a refusal leaves the
 * caller's transaction usable). Call it before any `audit()` of that transaction.
 */
export async function commitGrant(
  ctx: Ctx,
  input: GrantInput,
  tx?: Tx,
): Promise<{ transactionId: string; status: 'posted' }> {
  authorise(ctx, GRANT_MAKERS);
  const v = parseInput(grantInput, input);
  const lines = pair(pool(v.currency), grant(v.communityOrgId, v.currency), v.amountMinor);
  return post(ctx, 'grant_commitment', v, lines, { receiverOrgId: v.communityOrgId, needId: v.needId }, tx);
}

/**
 * Pay a community out of its grant. Above the approval threshold the payment waits for a second
 * treasurer (`pending_approval` with the approval's id); the same key asked again returns the
 * same answer, and once approved, the posted transaction.
 */
export async function disburseGrant(
  ctx: Ctx,
  input: GrantInput,
  tx?: Tx,
): Promise<{ transactionId: string | null; status: 'posted' | 'pending_approval'; approvalId?: string }> {
  const actor = authorise(ctx, GRANT_MAKERS);
  const v = parseInput(grantInput, input);
  const hash = requestHash({ op: 'disbursement', ...withoutKey(v) });
  if (v.amountMinor <= fundConfig.get().FUND_APPROVAL_THRESHOLD_MINOR) {
    const lines = disbursementLines(v.communityOrgId, v.currency, v.amountMinor);
    return post(ctx, 'disbursement', v, lines, { receiverOrgId: v.communityOrgId, needId: v.needId }, tx);
  }
  const run = async (t: Tx) => {
    await lockIdempotencyKey(t, v.idempotencyKey);
    const posted = await findPosted(t, v.idempotencyKey, hash);
    if (posted) return { transactionId: posted.transactionId, status: 'posted' as const };
    const existing = await t.execute<{ id: string; status: string; request_hash: string }>(
      sql`SELECT id, status, request_hash FROM fund_approvals WHERE idempotency_key = ${v.idempotencyKey}`,
    );
    const row = existing.rows[0];
    if (row) {
      if (row.request_hash !== hash)
        throw new AppError('idempotency_mismatch', { idempotencyKey: v.idempotencyKey });
      if (row.status === 'rejected')
        throw new AppError('invalid_transition', { approvalId: row.id, status: 'rejected' });
      return { transactionId: null, status: 'pending_approval' as const, approvalId: row.id };
    }
    // Not a reservation: the second approver's posting checks the grant again, under its locks.
    const available = await fundBalanceFor(t, v.communityOrgId, v.currency);
    if (available < v.amountMinor)
      throw new AppError('insufficient_funds', { account: 'grant', orgId: v.communityOrgId, available });
    const created = await t.execute<{ id: string }>(sql`
      INSERT INTO fund_approvals (idempotency_key, request_hash, community_org_id, amount_minor, currency, memo, need_id,
        requested_by, requested_at, payload)
      VALUES (${v.idempotencyKey}, ${hash}, ${v.communityOrgId}, ${v.amountMinor}, ${v.currency}, ${v.memo ?? null},
        ${v.needId ?? null}, ${actor.userId}, ${ctx.now.toISOString()}, ${JSON.stringify(withoutKey(v))}::jsonb)
      RETURNING id`);
    const approvalId = created.rows[0].id;
    await audit(t, ctx, {
      action: 'create',
      entity: 'fund.approval',
      entityId: approvalId,
      after: { kind: 'disbursement', ...withoutKey(v) },
    });
    return { transactionId: null, status: 'pending_approval' as const, approvalId };
  };
  try {
    return tx ? await tx.transaction(run) : await inTransaction(ctx.db, run);
  } catch (e) {
    if (pgCode(e).code === '23503') throw new AppError('unknown_reference', { field: 'communityOrgId' });
    throw e;
  }
}

export const disbursementLines = (orgId: string, currency: string, amount: number) =>
  pair(grant(orgId, currency), ref('disbursed', orgId, currency), amount);

/** Goods bought directly: out of a community's grant when one is named, else out of the pool. */
export async function recordExpenditure(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(expenditureInput, input);
  const from = v.communityOrgId ? grant(v.communityOrgId, v.currency) : pool(v.currency);
  const lines = pair(from, ref('expenditure', v.communityOrgId ?? null, v.currency), v.amountMinor);
  return post(ctx, 'expenditure', v, lines, {
    receiverOrgId: v.supplierOrgId ?? v.communityOrgId ?? null,
    valueDate: v.valueDate,
  });
}

export async function recordFee(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(feeInput, input);
  const lines = pair(pool(v.currency), ref('fees', null, v.currency), v.amountMinor);
  return post(ctx, 'fee', v, lines, { receiverOrgId: v.bankOrgId ?? null, valueDate: v.valueDate });
}

/** Money given back to a contributor: never more than it gave (its account stays at or below zero). */
export async function refundContribution(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(refundInput, input);
  const lines = pair(pool(v.currency), ref('contributor', v.contributorOrgId, v.currency), v.amountMinor);
  return post(ctx, 'refund', v, lines, { receiverOrgId: v.contributorOrgId });
}

/** Correct a mistake: a new transaction with every line of the original negated, linked to it. Once. */
export async function reverseTransaction(ctx: Ctx, input: unknown): Promise<PostResult> {
  authorise(ctx, TREASURY);
  const v = parseInput(reversalInput, input);
  return inTransaction(ctx.db, async (tx) => {
    const orig = await tx.execute<{
      kind: TransactionKind;
      provider_org_id: string | null;
      receiver_org_id: string | null;
      need_id: string | null;
      reversed: boolean;
    }>(sql`SELECT kind, provider_org_id, receiver_org_id, need_id,
             EXISTS (SELECT 1 FROM fund_transactions r WHERE r.reversal_of = t.id) AS reversed
           FROM fund_transactions t WHERE id = ${v.transactionId}`);
    const o = orig.rows[0];
    if (!o) throw new AppError('not_found', { resource: 'fund.transaction' });
    if (o.kind === 'reversal') throw new AppError('invalid_transition', { reason: 'reversal_of_reversal' });
    const lines = await tx.execute<{
      kind: AccountRef['kind'];
      org_id: string | null;
      currency: string;
      amount: string;
    }>(
      sql`SELECT a.kind, a.org_id, l.currency, l.amount FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id
          WHERE l.transaction_id = ${v.transactionId}`,
    );
    const negated = lines.rows.map((l) => ({
      account: ref(l.kind, l.org_id, l.currency),
      amount: -Number(l.amount),
    }));
    // A retry of the same reversal finds its first result inside post(); another key finds this.
    const hash = requestHash({ op: 'reversal', ...withoutKey(v) });
    await lockIdempotencyKey(tx, v.idempotencyKey);
    const replay = await findPosted(tx, v.idempotencyKey, hash);
    if (replay) return { transactionId: replay.transactionId, status: 'posted' as const };
    if (o.reversed) throw new AppError('conflict', { reason: 'already_reversed' });
    const r = await postTransaction(
      { ...ctx, db: tx },
      {
        kind: 'reversal',
        idempotencyKey: v.idempotencyKey,
        requestHash: hash,
        lines: negated,
        memo: v.memo ?? null,
        providerOrgId: o.receiver_org_id,
        receiverOrgId: o.provider_org_id,
        needId: o.need_id,
        reversalOf: v.transactionId,
      },
    );
    return { transactionId: r.transactionId, status: 'posted' as const };
  });
}

/** What is committed to a community and not yet paid, in minor units of `currency`. */
export async function fundBalanceFor(db: DbOrTx, communityOrgId: string, currency: string): Promise<number> {
  const r = await db.execute<{ balance: string }>(sql`
    SELECT b.balance FROM fund_accounts a JOIN fund_balances b ON b.account_id = a.id
    WHERE a.key = ${`grant:${communityOrgId}:${currency.toUpperCase()}`}`);
  return Number(r.rows[0]?.balance ?? 0);
}

function withoutKey<T extends { idempotencyKey: string }>(v: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _k, ...rest } = v;
  return rest;
}

async function post(
  ctx: Ctx,
  kind: TransactionKind,
  v: { idempotencyKey: string; memo?: string | null },
  lines: PostingLine[],
  extra: {
    providerOrgId?: string | null;
    receiverOrgId?: string | null;
    needId?: string | null;
    valueDate?: string;
    fxRate?: string;
    fxCurrency?: string;
  },
  tx?: Tx,
): Promise<PostResult> {
  const r = await postTransaction(
    ctx,
    {
      kind,
      idempotencyKey: v.idempotencyKey,
      requestHash: requestHash({ op: kind, ...withoutKey(v) }),
      lines,
      memo: v.memo ?? null,
      ...extra,
    },
    tx,
  );
  return { transactionId: r.transactionId, status: 'posted' };
}

/** Units of `to` for one unit of `from`, to 10 significant digits (the amounts themselves stay exact). */
function rate(fromMinor: number, from: string, toMinor: number, to: string): string {
  const major = (m: number, c: string) => m / 10 ** minorDigits(c);
  return Number((major(toMinor, to) / major(fromMinor, from)).toPrecision(10)).toString();
}
