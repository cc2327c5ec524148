import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { anyone, defineUseCase } from '../../core/module/use-case.ts';
import { uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import type { AccountKind, TransactionKind } from './schema.ts';

/**
 * What the public reads about the fund. Every figure is a maintained balance or a monthly
 * aggregate (kept exact by each posting), so the page costs the same with a million lines.
 * The books are public: they name organisations and amounts, never the people who posted.
 */
export interface Party {
  orgId: string;
  name: string;
}
export interface ContributorFigures extends Party {
  contributed: number;
  pledged: number;
  accountId: string | null;
}
export interface CommunityFigures extends Party {
  committed: number;
  disbursed: number;
  spent: number;
  outstanding: number;
  grantAccountId: string | null;
}
export interface MonthFigures {
  month: string; // YYYY-MM
  raised: number;
  committed: number;
  disbursed: number;
}
export interface FundSummary {
  currency: string;
  currencies: string[];
  raised: number;
  committed: number;
  disbursed: number;
  spent: number;
  fees: number;
  /** Not yet committed: the pool. */
  balance: number;
  /** Committed and not yet paid. */
  outstanding: number;
  pledged: number;
  convertedIn: number;
  convertedOut: number;
  poolAccountId: string | null;
  contributors: ContributorFigures[];
  communities: CommunityFigures[];
  months: MonthFigures[];
}

type AccountRow = {
  id: string;
  kind: AccountKind;
  org_id: string | null;
  name: string | null;
  currency: string;
  balance: number;
};

/** The currency with the most money through it comes first. */
async function fundCurrencies(ctx: Ctx): Promise<string[]> {
  const r = await ctx.db.execute<{ currency: string }>(sql`
    SELECT a.currency FROM fund_accounts a JOIN fund_balances b ON b.account_id = a.id
    WHERE a.kind IN ('contributor', 'pledge')
    GROUP BY a.currency ORDER BY sum(abs(b.balance)) DESC, a.currency`);
  return r.rows.map((x) => x.currency);
}

/** The public accounts in one currency (the busiest when `currency` is not one of the fund's). */
export const fundSummary = defineUseCase({
  name: 'fund.fundSummary',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z
    .object({
      currency: z
        .string()
        .transform((s) => s.toUpperCase())
        .optional(),
    })
    .strict(),
  run: ({ ctx, input }) => summaryOf(ctx, input.currency),
});

async function summaryOf(ctx: Ctx, wanted?: string): Promise<FundSummary> {
  const currencies = await fundCurrencies(ctx);
  const currency = wanted && currencies.includes(wanted) ? wanted : (currencies[0] ?? 'EUR');
  const accounts = await ctx.db.execute<AccountRow>(sql`
    SELECT a.id, a.kind, a.org_id, o.name, a.currency, b.balance
    FROM fund_accounts a JOIN fund_balances b ON b.account_id = a.id
    ${joinOrganisation('o', sql`a.org_id`)}
    WHERE a.currency = ${currency}`);
  const s: FundSummary = {
    currency,
    currencies,
    raised: 0,
    committed: 0,
    disbursed: 0,
    spent: 0,
    fees: 0,
    balance: 0,
    outstanding: 0,
    pledged: 0,
    convertedIn: 0,
    convertedOut: 0,
    poolAccountId: null,
    contributors: [],
    communities: [],
    months: [],
  };
  const contributors = new Map<string, ContributorFigures>();
  const communities = new Map<string, CommunityFigures>();
  const contributor = (r: AccountRow) => {
    let c = contributors.get(r.org_id!);
    if (!c) {
      c = { orgId: r.org_id!, name: r.name ?? '', contributed: 0, pledged: 0, accountId: null };
      contributors.set(r.org_id!, c);
    }
    return c;
  };
  const community = (r: AccountRow) => {
    let c = communities.get(r.org_id!);
    if (!c) {
      c = {
        orgId: r.org_id!,
        name: r.name ?? '',
        committed: 0,
        disbursed: 0,
        spent: 0,
        outstanding: 0,
        grantAccountId: null,
      };
      communities.set(r.org_id!, c);
    }
    return c;
  };
  for (const r of accounts.rows) {
    const b = Number(r.balance);
    switch (r.kind) {
      case 'contributor': {
        const c = contributor(r);
        c.contributed += -b;
        c.accountId = r.id;
        s.raised += -b;
        break;
      }
      case 'pledge':
        contributor(r).pledged += -b;
        s.pledged += -b;
        break;
      case 'pool':
        s.balance += b;
        s.poolAccountId = r.id;
        break;
      case 'grant': {
        const c = community(r);
        c.outstanding += b;
        c.committed += b;
        c.grantAccountId = r.id;
        s.outstanding += b;
        s.committed += b;
        break;
      }
      case 'disbursed': {
        const c = community(r);
        c.disbursed += b;
        c.committed += b;
        s.disbursed += b;
        s.committed += b;
        break;
      }
      case 'expenditure':
        s.spent += b;
        if (r.org_id) {
          const c = community(r);
          c.spent += b;
          c.committed += b;
          s.committed += b;
        }
        break;
      case 'fees':
        s.fees += b;
        break;
      case 'fx':
        if (b < 0) s.convertedIn += -b;
        else s.convertedOut += b;
        break;
      case 'pledges':
        break;
    }
  }
  const byAmount =
    <T extends { name: string }>(f: (x: T) => number) =>
    (a: T, b: T) =>
      f(b) - f(a) || a.name.localeCompare(b.name);
  s.contributors = [...contributors.values()].sort(byAmount((x) => x.contributed + x.pledged / 1e6));
  s.communities = [...communities.values()].sort(byAmount((x) => x.committed));

  const months = await ctx.db.execute<{
    month: string;
    kind: AccountKind;
    has_org: boolean;
    net: number;
  }>(sql`
    SELECT to_char(month, 'YYYY-MM') AS month, account_kind AS kind, with_org AS has_org, net
    FROM fund_monthly_kinds
    WHERE currency = ${currency} AND account_kind IN ('contributor', 'grant', 'disbursed', 'expenditure')
    ORDER BY month`);
  const byMonth = new Map<string, MonthFigures>();
  for (const r of months.rows) {
    let m = byMonth.get(r.month);
    if (!m) {
      m = { month: r.month, raised: 0, committed: 0, disbursed: 0 };
      byMonth.set(r.month, m);
    }
    const net = Number(r.net);
    if (r.kind === 'contributor') m.raised += -net;
    if (r.kind === 'grant' || r.kind === 'disbursed' || (r.kind === 'expenditure' && r.has_org))
      m.committed += net;
    if (r.kind === 'disbursed') m.disbursed += net;
  }
  s.months = [...byMonth.values()];
  return s;
}

export interface StatementLine {
  transactionId: string;
  seq: number;
  kind: TransactionKind;
  postedAt: string;
  valueDate: string;
  memo: string | null;
  amount: number;
  balance: number;
  counterparty: string | null;
  reversalOf: string | null;
}
export interface Statement {
  account: { id: string; kind: AccountKind; orgId: string | null; orgName: string | null; currency: string };
  month: string;
  opening: number;
  closing: number;
  lines: StatementLine[];
  /** Months with movements, newest first, for the month picker. */
  months: string[];
}

/**
 * One account's month (this month when none is given): opening balance (from the monthly
 * aggregates), the lines, closing balance.
 */
export const accountStatement = defineUseCase({
  name: 'fund.accountStatement',
  kind: 'read',
  public: true,
  allow: anyone,
  input: z
    .object({
      id: uuid,
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'invalid_month' })
        .optional(),
    })
    .strict(),
  run: ({ ctx, input }) => statementOf(ctx, input.id, input.month ?? ctx.now.toISOString().slice(0, 7)),
});

async function statementOf(ctx: Ctx, accountId: string, month: string): Promise<Statement> {
  const acc = await ctx.db.execute<{
    id: string;
    kind: AccountKind;
    org_id: string | null;
    name: string | null;
    currency: string;
  }>(
    sql`SELECT a.id, a.kind, a.org_id, o.name, a.currency FROM fund_accounts a
        ${joinOrganisation('o', sql`a.org_id`)} WHERE a.id = ${accountId}`,
  );
  const a = acc.rows[0];
  if (!a) throw new AppError('not_found', { resource: 'fund.account' });
  const start = `${month}-01`;
  const opening = await ctx.db.execute<{ total: number | null }>(
    sql`SELECT sum(net)::int8 AS total FROM fund_monthly WHERE account_id = ${accountId} AND month < ${start}::date`,
  );
  const lines = await ctx.db.execute<{
    transaction_id: string;
    seq: number;
    kind: TransactionKind;
    posted_at: Date;
    value_date: string;
    memo: string | null;
    amount: number;
    reversal_of: string | null;
    counterparty: string | null;
  }>(sql`
    SELECT l.transaction_id, l.seq, t.kind, l.posted_at, t.value_date, t.memo, l.amount, t.reversal_of,
      coalesce(
        CASE WHEN t.provider_org_id IS DISTINCT FROM ${a.org_id}::uuid THEN po.name END,
        CASE WHEN t.receiver_org_id IS DISTINCT FROM ${a.org_id}::uuid THEN ro.name END
      ) AS counterparty
    FROM fund_lines l JOIN fund_transactions t ON t.id = l.transaction_id
    ${joinOrganisation('po', sql`t.provider_org_id`)}
    ${joinOrganisation('ro', sql`t.receiver_org_id`)}
    WHERE l.account_id = ${accountId}
      AND l.posted_at >= (${start}::date)::timestamp AT TIME ZONE 'UTC'
      AND l.posted_at < ((${start}::date + interval '1 month'))::timestamp AT TIME ZONE 'UTC'
    ORDER BY l.posted_at, l.seq
    LIMIT 5001`);
  const months = await ctx.db.execute<{ month: string }>(
    sql`SELECT to_char(month, 'YYYY-MM') AS month FROM fund_monthly WHERE account_id = ${accountId} ORDER BY month DESC LIMIT 120`,
  );
  let running = Number(opening.rows[0]?.total ?? 0);
  const open = running;
  const out: StatementLine[] = lines.rows.slice(0, 5000).map((r) => {
    running += Number(r.amount);
    return {
      transactionId: r.transaction_id,
      seq: Number(r.seq),
      kind: r.kind,
      postedAt: new Date(r.posted_at).toISOString(),
      valueDate: r.value_date,
      memo: r.memo,
      amount: Number(r.amount),
      balance: running,
      counterparty: r.counterparty,
      reversalOf: r.reversal_of,
    };
  });
  // The closing balance comes from the aggregates too, so that it is right even past 5,000 lines.
  const closing = await ctx.db.execute<{ total: number | null }>(
    sql`SELECT sum(net)::int8 AS total FROM fund_monthly WHERE account_id = ${accountId} AND month <= ${start}::date`,
  );
  return {
    account: { id: a.id, kind: a.kind, orgId: a.org_id, orgName: a.name, currency: a.currency },
    month,
    opening: open,
    closing: Number(closing.rows[0]?.total ?? 0),
    lines: out,
    months: months.rows.map((m) => m.month),
  };
}
