import { sql } from 'drizzle-orm';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
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
export async function fundCurrencies(ctx: Ctx): Promise<string[]> {
  const r = await ctx.db.execute<{ currency: string }>(sql`
    SELECT a.currency FROM fund_accounts a JOIN fund_balances b ON b.account_id = a.id
    WHERE a.kind IN ('contributor', 'pledge')
    GROUP BY a.currency ORDER BY sum(abs(b.balance)) DESC, a.currency`);
  return r.rows.map((x) => x.currency);
}

export async function fundSummary(ctx: Ctx, wanted?: string): Promise<FundSummary> {
  const currencies = await fundCurrencies(ctx);
  const currency = wanted && currencies.includes(wanted) ? wanted : (currencies[0] ?? 'EUR');
  const accounts = await ctx.db.execute<AccountRow>(sql`
    SELECT a.id, a.kind, a.org_id, o.name, a.currency, b.balance
    FROM fund_accounts a JOIN fund_balances b ON b.account_id = a.id
    LEFT JOIN organisations o ON o.id = a.org_id
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

/** One account's month: opening balance (from the monthly aggregates), the lines, closing balance. */
export async function accountStatement(ctx: Ctx, accountId: string, month: string): Promise<Statement> {
  const acc = await ctx.db.execute<{
    id: string;
    kind: AccountKind;
    org_id: string | null;
    name: string | null;
    currency: string;
  }>(
    sql`SELECT a.id, a.kind, a.org_id, o.name, a.currency FROM fund_accounts a
        LEFT JOIN organisations o ON o.id = a.org_id WHERE a.id = ${accountId}`,
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
      coalesce(po.name, ro.name) AS counterparty
    FROM fund_lines l JOIN fund_transactions t ON t.id = l.transaction_id
    LEFT JOIN organisations po ON po.id = t.provider_org_id AND po.id IS DISTINCT FROM ${a.org_id}::uuid
    LEFT JOIN organisations ro ON ro.id = t.receiver_org_id AND ro.id IS DISTINCT FROM ${a.org_id}::uuid
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

/**
 * Transactions newest first, keyset-paginated by their place in the chain (`before` = a seq).
 * One query for the page's transactions, one for their lines.
 */
export async function listTransactions(
  ctx: Ctx,
  q: { before?: number; after?: number; limit?: number; kind?: TransactionKind; ascending?: boolean } = {},
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
    LEFT JOIN organisations po ON po.id = t.provider_org_id
    LEFT JOIN organisations ro ON ro.id = t.receiver_org_id
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
        FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id LEFT JOIN organisations o ON o.id = a.org_id
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

export async function getTransaction(ctx: Ctx, id: string): Promise<LedgerTransaction> {
  const r = await ctx.db.execute<{ seq: number }>(sql`SELECT seq FROM fund_transactions WHERE id = ${id}`);
  if (!r.rows[0]) throw new AppError('not_found', { resource: 'fund.transaction' });
  const seq = Number(r.rows[0].seq);
  const page = await listTransactions(ctx, { after: seq - 1, limit: 1, ascending: true });
  return page.items[0];
}
