import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { anyone, defineUseCase } from '../../core/module/use-case.ts';
import { uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { type AccountKind, type TransactionKind, transactionKinds } from './schema.ts';

/** The ledger as the public reads it: transactions with their lines, parties and hashes. */
export interface LedgerTransaction {
  id: string;
  seq: number;
  kind: TransactionKind;
  postedAt: string;
  valueDate: string;
  memo: string | null;
  providerOrgId: string | null;
  providerName: string | null;
  receiverOrgId: string | null;
  receiverName: string | null;
  needId: string | null;
  reversalOf: string | null;
  fxRate: string | null;
  fxCurrency: string | null;
  /** The amount that moved, in the currency of the transaction's first line (see `lines` for all). */
  amountMinor: number;
  currency: string;
  lines: {
    accountId: string;
    accountKind: AccountKind;
    orgId: string | null;
    orgName: string | null;
    currency: string;
    amount: number;
  }[];
  hash: string;
  prevHash: string;
}

const seq = z.number().int().min(0);
export const transactionsQuery = z
  .object({
    before: seq.optional(),
    after: seq.optional(),
    limit: z.number().int().optional(),
    kind: z.enum(transactionKinds).optional(),
    ascending: z.boolean().optional(),
  })
  .strict();

/**
 * Transactions newest first, keyset-paginated by their place in the chain (`before` = a seq).
 * The books are public.
 */
export const listTransactions = defineUseCase({
  name: 'fund.listTransactions',
  kind: 'read',
  public: true,
  allow: anyone,
  input: transactionsQuery,
  run: ({ ctx, input }) => transactionsPage(ctx, input),
});

/** One query for the page's transactions, one for their lines. */
async function transactionsPage(
  ctx: Ctx,
  q: z.output<typeof transactionsQuery>,
): Promise<{ items: LedgerTransaction[]; next: number | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 10000);
  const asc = !!q.ascending;
  const rows = await ctx.db.execute<{
    id: string;
    seq: number;
    kind: TransactionKind;
    posted_at: Date;
    value_date: string;
    memo: string | null;
    provider_org_id: string | null;
    provider_name: string | null;
    receiver_org_id: string | null;
    receiver_name: string | null;
    need_id: string | null;
    reversal_of: string | null;
    fx_rate: string | null;
    fx_currency: string | null;
    hash: string;
    prev_hash: string;
  }>(sql`
    SELECT t.id, t.seq, t.kind, t.posted_at, t.value_date, t.memo, t.provider_org_id, po.name AS provider_name,
      t.receiver_org_id, ro.name AS receiver_name, t.need_id, t.reversal_of, t.fx_rate, t.fx_currency, t.hash, t.prev_hash
    FROM fund_transactions t
    ${joinOrganisation('po', sql`t.provider_org_id`)}
    ${joinOrganisation('ro', sql`t.receiver_org_id`)}
    WHERE true
      ${q.kind ? sql`AND t.kind = ${q.kind}` : sql``}
      ${q.before !== undefined ? sql`AND t.seq < ${q.before}` : sql``}
      ${q.after !== undefined ? sql`AND t.seq > ${q.after}` : sql``}
    ORDER BY t.seq ${asc ? sql`ASC` : sql`DESC`} LIMIT ${limit + 1}`);
  const page = rows.rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  const lines = ids.length
    ? await ctx.db.execute<{
        transaction_id: string;
        account_id: string;
        kind: AccountKind;
        org_id: string | null;
        org_name: string | null;
        currency: string;
        amount: number;
      }>(sql`
        SELECT l.transaction_id, l.account_id, a.kind, a.org_id, o.name AS org_name, l.currency, l.amount
        FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id ${joinOrganisation('o', sql`a.org_id`)}
        WHERE l.transaction_id = ANY(${sql.param(ids)}::uuid[]) ORDER BY l.id`)
    : { rows: [] };
  const byTx = new Map<string, LedgerTransaction['lines']>();
  for (const l of lines.rows) {
    const list = byTx.get(l.transaction_id) ?? [];
    list.push({
      accountId: l.account_id,
      accountKind: l.kind,
      orgId: l.org_id,
      orgName: l.org_name,
      currency: l.currency,
      amount: Number(l.amount),
    });
    byTx.set(l.transaction_id, list);
  }
  const items = page.map((r) => {
    const ls = byTx.get(r.id) ?? [];
    const first = ls.find((l) => l.amount > 0) ?? ls[0];
    return {
      id: r.id,
      seq: Number(r.seq),
      kind: r.kind,
      postedAt: new Date(r.posted_at).toISOString(),
      valueDate: r.value_date,
      memo: r.memo,
      providerOrgId: r.provider_org_id,
      providerName: r.provider_name,
      receiverOrgId: r.receiver_org_id,
      receiverName: r.receiver_name,
      needId: r.need_id,
      reversalOf: r.reversal_of,
      fxRate: r.fx_rate,
      fxCurrency: r.fx_currency,
      amountMinor: first ? Math.abs(first.amount) : 0,
      currency: first?.currency ?? '',
      lines: ls,
      hash: r.hash,
      prevHash: r.prev_hash,
    };
  });
  return { items, next: rows.rows.length > limit ? page[page.length - 1].seq : null };
}

/** One transaction with its lines and hashes. */
export const getTransaction = defineUseCase({
  name: 'fund.getTransaction',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ id: uuid }).strict(),
  run: async ({ ctx, input }): Promise<LedgerTransaction> => {
    const r = await ctx.db.execute<{ seq: number }>(
      sql`SELECT seq FROM fund_transactions WHERE id = ${input.id}`,
    );
    if (!r.rows[0]) throw new AppError('not_found', { resource: 'fund.transaction' });
    const page = await transactionsPage(ctx, { after: Number(r.rows[0].seq) - 1, limit: 1, ascending: true });
    return page.items[0];
  },
});

/** The transaction that reverses this one, if any. */
export const findReversal = defineUseCase({
  name: 'fund.findReversal',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z.object({ id: uuid }).strict(),
  run: async ({ ctx, input }): Promise<string | null> => {
    const r = await ctx.db.execute<{ id: string }>(
      sql`SELECT id FROM fund_transactions WHERE reversal_of = ${input.id}`,
    );
    return r.rows[0]?.id ?? null;
  },
});
