import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../core/db/tx.ts';
import type { AccountKind, BalanceRule } from './schema.ts';

/** An account as a posting names it: found (or opened) by its key. */
export interface AccountRef {
  kind: AccountKind;
  orgId: string | null;
  currency: string;
}

const RULES: Record<AccountKind, BalanceRule> = {
  pool: 'non_negative',
  grant: 'non_negative',
  contributor: 'non_positive',
  disbursed: 'non_negative',
  expenditure: 'non_negative',
  fees: 'non_negative',
  fx: 'none',
  pledge: 'non_positive',
  pledges: 'non_negative',
};

export const ruleOf = (kind: AccountKind) => RULES[kind];

export const accountKey = (a: AccountRef) =>
  a.orgId ? `${a.kind}:${a.orgId}:${a.currency}` : `${a.kind}:${a.currency}`;

export const pool = (currency: string): AccountRef => ({ kind: 'pool', orgId: null, currency });
export const grant = (orgId: string, currency: string): AccountRef => ({ kind: 'grant', orgId, currency });

/**
 * Ids of the accounts, opening those that do not exist yet (with their balance row) in one
 * statement. An account opened by a concurrent transaction that committed after this statement
 * began is not visible to it: the statement is then run again, with a fresh snapshot.
 */
export async function ensureAccounts(db: DbOrTx, refs: AccountRef[]): Promise<Map<string, string>> {
  const unique = [...new Map(refs.map((r) => [accountKey(r), r])).values()];
  const keys = unique.map(accountKey);
  for (let attempt = 0; attempt < 3; attempt++) {
    const rows = await db.execute<{ id: string; key: string }>(sql`
      WITH wanted AS (
        SELECT * FROM unnest(${sql.param(keys)}::text[], ${sql.param(unique.map((r) => r.kind))}::text[],
          ${sql.param(unique.map((r) => r.orgId))}::uuid[], ${sql.param(unique.map((r) => r.currency))}::text[],
          ${sql.param(unique.map((r) => ruleOf(r.kind)))}::text[]) AS w(key, kind, org_id, currency, rule)
      ),
      ins AS (
        INSERT INTO fund_accounts (key, kind, org_id, currency, rule)
        SELECT key, kind, org_id, currency, rule FROM wanted
        ON CONFLICT (key) DO NOTHING RETURNING id, key, rule
      ),
      bal AS (INSERT INTO fund_balances (account_id, rule) SELECT id, rule FROM ins)
      SELECT id, key FROM ins
      UNION ALL
      SELECT a.id, a.key FROM fund_accounts a WHERE a.key = ANY(${sql.param(keys)}::text[])`);
    const found = new Map(rows.rows.map((r) => [r.key, r.id]));
    if (keys.every((k) => found.has(k))) return found;
  }
  throw new Error('could not open the fund accounts');
}
