import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../core/db/tx.ts';
import { GENESIS, type HashedTransaction, transactionHash } from './hash.ts';

export interface LedgerDifference {
  check: 'chain' | 'hash' | 'sequence' | 'zero_sum' | 'lines' | 'head' | 'balance' | 'monthly';
  reason: string;
  seq?: number;
  transactionId?: string;
  accountId?: string;
  month?: string;
  expected?: string | number;
  found?: string | number | null;
}

export interface LedgerVerifyResult {
  ok: boolean;
  transactions: number;
  lines: number;
  accounts: number;
  firstDifference?: LedgerDifference;
}

export interface LedgerProgress {
  phase: 'chain' | 'balances' | 'monthly';
  done: number;
  total: number;
}

const BATCH = 5000;

type Row = {
  id: string;
  seq: number;
  kind: string;
  posted_at: Date;
  value_date: string;
  memo: string | null;
  provider_org_id: string | null;
  receiver_org_id: string | null;
  need_id: string | null;
  idempotency_key: string;
  reversal_of: string | null;
  created_by: string | null;
  approved_by: string | null;
  fx_rate: string | null;
  fx_currency: string | null;
  prev_hash: string;
  hash: string;
  account_id: string | null;
  currency: string | null;
  amount: number | null;
  line_seq: number | null;
};

/**
 * Recompute the ledger from its lines and report the first difference: the hash chain (in order,
 * without gaps), every transaction's zero sum per currency, the chain head, then every maintained
 * balance and monthly aggregate against the sum of the lines (in SQL, one pass each).
 */
export async function verifyLedger(
  db: DbOrTx,
  onProgress?: (p: LedgerProgress) => void,
): Promise<LedgerVerifyResult> {
  const counts = await db.execute<{ t: number; l: number; a: number }>(sql`
    SELECT (SELECT count(*) FROM fund_transactions)::int8 AS t, (SELECT count(*) FROM fund_lines)::int8 AS l,
      (SELECT count(*) FROM fund_accounts)::int8 AS a`);
  const total = Number(counts.rows[0].t);
  const lineTotal = Number(counts.rows[0].l);
  const accounts = Number(counts.rows[0].a);
  const result = (d?: LedgerDifference, transactions = total): LedgerVerifyResult =>
    d
      ? { ok: false, transactions, lines: lineTotal, accounts, firstDifference: d }
      : { ok: true, transactions, lines: lineTotal, accounts };

  let prev = GENESIS;
  let lastSeq = 0;
  let linesSeen = 0;
  for (;;) {
    // Transactions of the batch with their lines (a LEFT JOIN: a transaction whose lines are gone is seen too).
    const batch = await db.execute<Row>(sql`
      SELECT t.id, t.seq, t.kind, t.posted_at, t.value_date, t.memo, t.provider_org_id, t.receiver_org_id, t.need_id,
        t.idempotency_key, t.reversal_of, t.created_by, t.approved_by, t.fx_rate, t.fx_currency, t.prev_hash, t.hash,
        l.account_id, l.currency, l.amount, l.seq AS line_seq
      FROM (SELECT * FROM fund_transactions WHERE seq > ${lastSeq} ORDER BY seq LIMIT ${BATCH}) t
      LEFT JOIN fund_lines l ON l.transaction_id = t.id
      ORDER BY t.seq`);
    if (batch.rows.length === 0) break;
    let i = 0;
    const rows = batch.rows;
    while (i < rows.length) {
      const r = rows[i];
      const lines: HashedTransaction['lines'] = [];
      const sums = new Map<string, number>();
      let lineSeqOk = true;
      for (; i < rows.length && rows[i].id === r.id; i++) {
        const l = rows[i];
        if (l.account_id === null) continue;
        const amount = Number(l.amount);
        lines.push({ accountId: l.account_id, currency: l.currency!, amount });
        sums.set(l.currency!, (sums.get(l.currency!) ?? 0) + amount);
        if (Number(l.line_seq) !== Number(r.seq)) lineSeqOk = false;
      }
      const seq = Number(r.seq);
      const at = { seq, transactionId: r.id };
      if (seq !== lastSeq + 1)
        return result({
          check: 'sequence',
          reason: 'a transaction is missing from the chain',
          ...at,
          expected: lastSeq + 1,
          found: seq,
        });
      if (r.prev_hash !== prev)
        return result({ check: 'chain', reason: 'link to the previous transaction does not match', ...at });
      const expected = transactionHash(prev, {
        seq,
        id: r.id,
        kind: r.kind,
        postedAt: new Date(r.posted_at).toISOString(),
        valueDate: r.value_date,
        memo: r.memo,
        providerOrgId: r.provider_org_id,
        receiverOrgId: r.receiver_org_id,
        needId: r.need_id,
        idempotencyKey: r.idempotency_key,
        reversalOf: r.reversal_of,
        createdBy: r.created_by,
        approvedBy: r.approved_by,
        fxRate: r.fx_rate,
        fxCurrency: r.fx_currency,
        lines,
      });
      if (expected !== r.hash)
        return result({ check: 'hash', reason: 'the transaction or its lines do not match its hash', ...at });
      if (lines.length < 2)
        return result({ check: 'lines', reason: 'a transaction needs at least two lines', ...at });
      if (!lineSeqOk)
        return result({ check: 'lines', reason: 'a line is filed under another place in the chain', ...at });
      for (const [currency, sum] of sums)
        if (sum !== 0)
          return result({
            check: 'zero_sum',
            reason: `the lines do not sum to zero in ${currency}`,
            ...at,
            expected: 0,
            found: sum,
          });
      prev = r.hash;
      lastSeq = seq;
      linesSeen += lines.length;
    }
    onProgress?.({ phase: 'chain', done: lastSeq, total });
  }
  if (lastSeq !== total)
    return result({
      check: 'sequence',
      reason: 'transactions outside the chain',
      expected: total,
      found: lastSeq,
    });
  if (linesSeen !== lineTotal)
    return result({
      check: 'lines',
      reason: 'lines that belong to no transaction',
      expected: linesSeen,
      found: lineTotal,
    });
  const head = await db.execute<{ seq: number; hash: string }>(
    sql`SELECT seq, hash FROM fund_chain_head WHERE id = 1`,
  );
  const h = head.rows[0];
  if (total > 0 || h) {
    if (!h || Number(h.seq) !== lastSeq || h.hash !== prev)
      return result({
        check: 'head',
        reason: 'the chain head does not point at the last transaction',
        expected: `${lastSeq}:${prev}`,
        found: h ? `${h.seq}:${h.hash}` : null,
      });
  }

  onProgress?.({ phase: 'balances', done: 0, total: accounts });
  const balance = await db.execute<{
    account_id: string;
    kept: number | null;
    summed: number;
    kept_n: number | null;
    n: number;
  }>(sql`
    SELECT a.id AS account_id, b.balance AS kept, coalesce(s.total, 0)::int8 AS summed,
      b.line_count AS kept_n, coalesce(s.n, 0)::int8 AS n
    FROM fund_accounts a
    LEFT JOIN fund_balances b ON b.account_id = a.id
    LEFT JOIN (SELECT account_id, sum(amount) AS total, count(*) AS n FROM fund_lines GROUP BY account_id) s
      ON s.account_id = a.id
    WHERE b.balance IS DISTINCT FROM coalesce(s.total, 0) OR b.line_count IS DISTINCT FROM coalesce(s.n, 0)
    ORDER BY a.created_at, a.id LIMIT 1`);
  const b = balance.rows[0];
  if (b)
    return result({
      check: 'balance',
      reason: 'the kept balance differs from the sum of the lines',
      accountId: b.account_id,
      expected: Number(b.summed),
      found: b.kept === null ? null : Number(b.kept),
    });
  onProgress?.({ phase: 'balances', done: accounts, total: accounts });

  const monthly = await db.execute<{
    account_id: string;
    month: string;
    kept: number | null;
    summed: number | null;
  }>(sql`
    SELECT coalesce(s.account_id, m.account_id) AS account_id, coalesce(s.month, m.month)::text AS month,
      m.net AS kept, s.total AS summed
    FROM (SELECT account_id, date_trunc('month', posted_at AT TIME ZONE 'UTC')::date AS month, sum(amount)::int8 AS total,
            count(*)::int AS n
          FROM fund_lines GROUP BY 1, 2) s
    FULL JOIN fund_monthly m ON m.account_id = s.account_id AND m.month = s.month
    WHERE m.net IS DISTINCT FROM s.total OR m.line_count IS DISTINCT FROM s.n
    ORDER BY 2, 1 LIMIT 1`);
  const m = monthly.rows[0];
  if (m)
    return result({
      check: 'monthly',
      reason: 'the monthly aggregate differs from the sum of the lines',
      accountId: m.account_id,
      month: m.month,
      expected: m.summed === null ? 0 : Number(m.summed),
      found: m.kept === null ? null : Number(m.kept),
    });
  const kinds = await db.execute<{ key: string; kept: number | null; summed: number | null }>(sql`
    SELECT concat_ws(' ', coalesce(s.currency, k.currency), coalesce(s.month, k.month)::text, coalesce(s.kind, k.account_kind),
        coalesce(s.with_org, k.with_org)::text) AS key,
      k.net AS kept, s.total AS summed
    FROM (SELECT a.currency, date_trunc('month', l.posted_at AT TIME ZONE 'UTC')::date AS month, a.kind,
            a.org_id IS NOT NULL AS with_org, sum(l.amount)::int8 AS total, count(*)::int AS n
          FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id GROUP BY 1, 2, 3, 4) s
    FULL JOIN fund_monthly_kinds k ON k.currency = s.currency AND k.month = s.month AND k.account_kind = s.kind
      AND k.with_org = s.with_org
    WHERE k.net IS DISTINCT FROM s.total OR k.line_count IS DISTINCT FROM s.n
    ORDER BY 1 LIMIT 1`);
  const k = kinds.rows[0];
  if (k)
    return result({
      check: 'monthly',
      reason: `the monthly total by kind of account (${k.key}) differs from the sum of the lines`,
      expected: k.summed === null ? 0 : Number(k.summed),
      found: k.kept === null ? null : Number(k.kept),
    });
  onProgress?.({ phase: 'monthly', done: 1, total: 1 });
  return result();
}
