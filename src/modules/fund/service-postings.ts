import { sql } from 'drizzle-orm';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx, Tx } from '../../core/db/tx.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../core/module/use-case.ts';
import { requireActor, requireRole, requireScope } from '../../core/policy/policy.ts';
import type { Role } from '../../core/policy/roles.ts';
import { type AccountRef, grant, pool } from './accounts.ts';
import { fundConfig } from './config.ts';
import { minorDigits } from './currencies.ts';
import { requestHash } from './hash.ts';
import { findPosted, isTx, lockIdempotencyKey, type PostingLine, pgCode, postTransaction } from './post.ts';
import type { TransactionKind } from './schema.ts';
import {
  contributionInput,
  expenditureInput,
  feeInput,
  grantInput,
  pledgeInput,
  refundInput,
  reversalInput,
} from './service-input.ts';

/** Who keeps the books; and who may also move money to communities (the aid centre allocates). */
export const TREASURY: Role[] = ['treasurer', 'admin'];
export const GRANT_MAKERS: Role[] = ['treasurer', 'admin', 'secretariat', 'aid_coordinator'];

export interface PostResult {
  transactionId: string;
  status: 'posted';
}

/** `allow` of the fund's writes: one of the roles, and a token (if any) that may write. */
export const writersOf = (roles: Role[]) => (ctx: Ctx) => {
  requireRole(ctx, roles);
  requireScope(ctx, 'write');
};

const ref = (kind: AccountRef['kind'], orgId: string | null, currency: string): AccountRef => ({
  kind,
  orgId,
  currency,
});
const pair = (from: AccountRef, to: AccountRef, amount: number): PostingLine[] => [
  { account: from, amount: -amount },
  { account: to, amount },
];

/**
 * A posting use case: the body posts through the group commit (post.ts), which opens its own
 * transactions and writes each posting's audit event in the posting's transaction.
 */
const posting = {
  kind: 'write',
  audit: 'fund_transaction',
  ownTransaction: true,
} as const;

/** Money received from a contributor; when it came in another currency, the conversion and its rate. */
export const recordContribution = defineUseCase({
  ...posting,
  name: 'fund.recordContribution',
  allow: writersOf(TREASURY),
  input: contributionInput,
  run: async (uc) => {
    const v = uc.input;
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
    return post(uc, 'contribution', lines, {
      providerOrgId: v.contributorOrgId,
      valueDate: v.valueDate,
      ...(v.convertedTo
        ? {
            fxCurrency: v.convertedTo.currency,
            fxRate: rate(v.amountMinor, v.currency, v.convertedTo.amountMinor, v.convertedTo.currency),
          }
        : {}),
    });
  },
});

/** A promise of money: recorded and shown, never counted as funds (memorandum accounts). */
export const recordPledge = defineUseCase({
  ...posting,
  name: 'fund.recordPledge',
  allow: writersOf(TREASURY),
  input: pledgeInput,
  run: async (uc) => {
    const v = uc.input;
    const lines = pair(
      ref('pledge', v.contributorOrgId, v.currency),
      ref('pledges', null, v.currency),
      v.amountMinor,
    );
    return post(uc, 'pledge', lines, { providerOrgId: v.contributorOrgId, valueDate: v.valueDate });
  },
});

/**
 * Commit money of the pool to a community's grant. `insufficient_funds` when the pool cannot cover
 * it. The aid centre calls it (and `disburseGrant`) with `ctx.db` its own transaction: the posting
 * is then made in a savepoint of it, so a refusal leaves the caller's transaction usable and the
 * posting rolls back with the caller's.
 */
export const commitGrant = defineUseCase({
  ...posting,
  name: 'fund.commitGrant',
  allow: writersOf(GRANT_MAKERS),
  input: grantInput,
  run: async (uc): Promise<PostResult> => {
    const v = uc.input;
    const lines = pair(pool(v.currency), grant(v.communityOrgId, v.currency), v.amountMinor);
    return post(uc, 'grant_commitment', lines, { receiverOrgId: v.communityOrgId, needId: v.needId });
  },
});

export interface DisburseResult {
  transactionId: string | null;
  status: 'posted' | 'pending_approval';
  approvalId?: string;
}

/**
 * Pay a community out of its grant. At or above the approval threshold the payment waits for a second
 * treasurer (`pending_approval` with the approval's id); the same key asked again returns the
 * same answer, and once approved, the posted transaction.
 */
export const disburseGrant = defineUseCase({
  ...posting,
  name: 'fund.disburseGrant',
  allow: writersOf(GRANT_MAKERS),
  input: grantInput,
  run: async (uc): Promise<DisburseResult> => {
    const { ctx, input: v } = uc;
    const actor = requireActor(ctx);
    // At the threshold itself the payment already waits: the rule is "from this amount", not "above it".
    if (v.amountMinor < fundConfig.get().FUND_APPROVAL_THRESHOLD_MINOR) {
      const lines = disbursementLines(v.communityOrgId, v.currency, v.amountMinor);
      return post(uc, 'disbursement', lines, { receiverOrgId: v.communityOrgId, needId: v.needId });
    }
    const hash = requestHash({ op: 'disbursement', ...withoutKey(v) });
    const ask = async (t: Tx): Promise<DisburseResult> => {
      await lockIdempotencyKey(t, v.idempotencyKey);
      const posted = await findPosted(t, v.idempotencyKey, hash);
      if (posted) {
        uc.unchanged();
        return { transactionId: posted.transactionId, status: 'posted' };
      }
      const existing = await t.execute<{ id: string; status: string; request_hash: string }>(
        sql`SELECT id, status, request_hash FROM fund_approvals WHERE idempotency_key = ${v.idempotencyKey}`,
      );
      const row = existing.rows[0];
      if (row) {
        if (row.request_hash !== hash)
          throw new AppError('idempotency_mismatch', { idempotencyKey: v.idempotencyKey });
        if (row.status === 'rejected')
          throw new AppError('invalid_transition', { approvalId: row.id, status: 'rejected' });
        uc.unchanged();
        return { transactionId: null, status: 'pending_approval', approvalId: row.id };
      }
      // Not a reservation: the second approver's posting checks the grant again, under its locks.
      const available = await fundBalanceFor(t, v.communityOrgId, v.currency);
      if (available < v.amountMinor)
        throw new AppError('insufficient_funds', { account: 'grant', orgId: v.communityOrgId, available });
      const created = await t.execute<{ id: string }>(sql`
        INSERT INTO fund_approvals (idempotency_key, request_hash, community_org_id, amount_minor, currency, memo,
          need_id, requested_by, requested_at, payload)
        VALUES (${v.idempotencyKey}, ${hash}, ${v.communityOrgId}, ${v.amountMinor}, ${v.currency}, ${v.memo ?? null},
          ${v.needId ?? null}, ${actor.userId}, ${ctx.now.toISOString()}, ${JSON.stringify(withoutKey(v))}::jsonb)
        RETURNING id`);
      const approvalId = created.rows[0].id;
      await uc.audit(
        {
          action: 'create',
          entity: 'fund_approval',
          entityId: approvalId,
          after: { kind: 'disbursement', ...withoutKey(v) },
        },
        t,
      );
      return { transactionId: null, status: 'pending_approval', approvalId };
    };
    try {
      // In the caller's transaction, a savepoint: a refusal leaves it usable.
      return isTx(ctx.db) ? await (ctx.db as Tx).transaction(ask) : await inTransaction(ctx.db, ask);
    } catch (e) {
      if (pgCode(e).code === '23503') throw new AppError('unknown_reference', { field: 'communityOrgId' });
      throw e;
    }
  },
});

export const disbursementLines = (orgId: string, currency: string, amount: number) =>
  pair(grant(orgId, currency), ref('disbursed', orgId, currency), amount);

/** Goods bought directly: out of a community's grant when one is named, else out of the pool. */
export const recordExpenditure = defineUseCase({
  ...posting,
  name: 'fund.recordExpenditure',
  allow: writersOf(TREASURY),
  input: expenditureInput,
  run: async (uc) => {
    const v = uc.input;
    const from = v.communityOrgId ? grant(v.communityOrgId, v.currency) : pool(v.currency);
    const lines = pair(from, ref('expenditure', v.communityOrgId ?? null, v.currency), v.amountMinor);
    return post(uc, 'expenditure', lines, {
      receiverOrgId: v.supplierOrgId ?? v.communityOrgId ?? null,
      valueDate: v.valueDate,
    });
  },
});

export const recordFee = defineUseCase({
  ...posting,
  name: 'fund.recordFee',
  allow: writersOf(TREASURY),
  input: feeInput,
  run: async (uc) => {
    const v = uc.input;
    const lines = pair(pool(v.currency), ref('fees', null, v.currency), v.amountMinor);
    return post(uc, 'fee', lines, { receiverOrgId: v.bankOrgId ?? null, valueDate: v.valueDate });
  },
});

/** Money given back to a contributor: never more than it gave (its account stays at or below zero). */
export const refundContribution = defineUseCase({
  ...posting,
  name: 'fund.refundContribution',
  allow: writersOf(TREASURY),
  input: refundInput,
  run: async (uc) => {
    const v = uc.input;
    const lines = pair(pool(v.currency), ref('contributor', v.contributorOrgId, v.currency), v.amountMinor);
    return post(uc, 'refund', lines, { receiverOrgId: v.contributorOrgId });
  },
});

/**
 * Correct a mistake: a new transaction with every line of the original negated, linked to it.
 * Once. In the kit's transaction: the original is read and the reversal posted under one key lock.
 */
export const reverseTransaction = defineUseCase({
  name: 'fund.reverseTransaction',
  kind: 'write',
  audit: 'fund_transaction',
  allow: writersOf(TREASURY),
  input: reversalInput,
  run: async (uc): Promise<PostResult> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
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
    if (replay) {
      uc.unchanged();
      return { transactionId: replay.transactionId, status: 'posted' };
    }
    if (o.reversed) throw new AppError('conflict', { reason: 'already_reversed' });
    const r = await postTransaction(
      ctx,
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
      uc.audit,
    );
    if (r.replay) uc.unchanged();
    return { transactionId: r.transactionId, status: 'posted' };
  },
});

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

/** Post the use case's input as `kind`; a retry under the same key posts (and records) nothing. */
async function post(
  uc: UseCaseRun<{ idempotencyKey: string; memo?: string | null }>,
  kind: TransactionKind,
  lines: PostingLine[],
  extra: {
    providerOrgId?: string | null;
    receiverOrgId?: string | null;
    needId?: string | null;
    valueDate?: string;
    fxRate?: string;
    fxCurrency?: string;
  },
): Promise<PostResult> {
  const v = uc.input;
  const r = await postTransaction(
    uc.ctx,
    {
      kind,
      idempotencyKey: v.idempotencyKey,
      requestHash: requestHash({ op: kind, ...withoutKey(v) }),
      lines,
      memo: v.memo ?? null,
      ...extra,
    },
    uc.audit,
  );
  if (r.replay) uc.unchanged();
  return { transactionId: r.transactionId, status: 'posted' };
}

/** Units of `to` for one unit of `from`, to 10 significant digits (the amounts themselves stay exact). */
function rate(fromMinor: number, from: string, toMinor: number, to: string): string {
  const major = (m: number, c: string) => m / 10 ** minorDigits(c);
  return Number((major(toMinor, to) / major(fromMinor, from)).toPrecision(10)).toString();
}
