import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../directory/schema.ts';

/**
 * The Solidarity Fund's double-entry ledger. Every account is in one currency; a transaction
 * is lines whose amounts (integer minor units) sum to zero per currency. Balances are signed:
 * money held by the fund is positive (pool, grants), money that came from outside is negative
 * (a contributor's account is minus what it gave), money that left is positive on the account
 * of where it went (paid to a community, spent, fees). So every public figure is a balance.
 */
export const accountKinds = [
  'pool', // the fund's money not yet committed (protected: never below zero)
  'grant', // committed to a community, not yet paid (protected: never below zero)
  'contributor', // minus what a contributor gave
  'disbursed', // paid to a community
  'expenditure', // goods bought directly for a community (or for the fund)
  'fees', // bank and transfer fees
  'fx', // clearing of a currency conversion
  'pledge', // minus what a contributor pledged (memorandum: not money)
  'pledges', // the fund's pledges receivable (memorandum)
] as const;
export type AccountKind = (typeof accountKinds)[number];

export const transactionKinds = [
  'pledge',
  'contribution',
  'grant_commitment',
  'disbursement',
  'expenditure',
  'fee',
  'refund',
  'reversal',
] as const;
export type TransactionKind = (typeof transactionKinds)[number];

/** What a balance may never cross: the rules of the fund, kept by a CHECK as the last guard. */
export const balanceRules = ['non_negative', 'non_positive', 'none'] as const;
export type BalanceRule = (typeof balanceRules)[number];

export const fundAccounts = pgTable(
  'fund_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // kind:currency or kind:org:currency: one account per purpose, found without a lookup table.
    key: text('key').notNull().unique(),
    kind: text('kind').notNull().$type<AccountKind>(),
    orgId: uuid('org_id').references(() => organisations.id),
    currency: text('currency').notNull(),
    rule: text('rule').notNull().$type<BalanceRule>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('fund_accounts_id_currency_uq').on(t.id, t.currency),
    index('fund_accounts_kind_idx').on(t.kind, t.currency),
    index('fund_accounts_org_idx').on(t.orgId),
    check('fund_accounts_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** Balance of every account, kept exact in the transaction of each posting. */
export const fundBalances = pgTable(
  'fund_balances',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => fundAccounts.id),
    rule: text('rule').notNull().$type<BalanceRule>(),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    lineCount: bigint('line_count', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'fund_balances_rule_ck',
      sql`${t.rule} = 'none' OR (${t.rule} = 'non_negative' AND ${t.balance} >= 0) OR (${t.rule} = 'non_positive' AND ${t.balance} <= 0)`,
    ),
  ],
);

/** Net change of every account per calendar month (UTC): the public page's chart and statements' opening balances. */
export const fundMonthly = pgTable(
  'fund_monthly',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => fundAccounts.id),
    month: date('month').notNull(),
    net: bigint('net', { mode: 'number' }).notNull().default(0),
    lineCount: integer('line_count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.month] }), index('fund_monthly_month_idx').on(t.month)],
);

export const fundTransactions = pgTable(
  'fund_transactions',
  {
    id: uuid('id').primaryKey(),
    // Position in the hash chain: 1, 2, 3… without gaps.
    seq: bigint('seq', { mode: 'number' }).notNull().unique(),
    kind: text('kind').notNull().$type<TransactionKind>(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
    valueDate: date('value_date').notNull(),
    memo: text('memo'),
    providerOrgId: uuid('provider_org_id').references(() => organisations.id),
    receiverOrgId: uuid('receiver_org_id').references(() => organisations.id),
    needId: uuid('need_id'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    // SHA-256 of the request as it was first made: the same key with another request is refused.
    requestHash: text('request_hash').notNull(),
    // References the original transaction (a deferrable foreign key in the migration, so a restore may load rows in any order).
    reversalOf: uuid('reversal_of'),
    createdBy: uuid('created_by'),
    approvedBy: uuid('approved_by'),
    // When money changed currency: units of `fx_currency` for one unit of the transaction's first currency.
    fxRate: text('fx_rate'),
    fxCurrency: text('fx_currency'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('fund_transactions_reversal_uq').on(t.reversalOf),
    index('fund_transactions_posted_idx').on(t.postedAt),
    index('fund_transactions_kind_idx').on(t.kind, t.seq),
  ],
);

export const fundLines = pgTable(
  'fund_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => fundTransactions.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    accountId: uuid('account_id').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // A line's currency is its account's: enforced by the database, not trusted.
    foreignKey({
      columns: [t.accountId, t.currency],
      foreignColumns: [fundAccounts.id, fundAccounts.currency],
      name: 'fund_lines_account_currency_fk',
    }),
    index('fund_lines_transaction_idx').on(t.transactionId),
    index('fund_lines_account_idx').on(t.accountId, t.postedAt, t.seq),
    check('fund_lines_amount_ck', sql`${t.amount} <> 0`),
  ],
);

/** The head of the hash chain: one row, locked by each posting so that postings chain one after another. */
export const fundChainHead = pgTable('fund_chain_head', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

export const approvalStatuses = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/** A disbursement at or above the threshold, waiting for a second treasurer. */
export const fundApprovals = pgTable(
  'fund_approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    requestHash: text('request_hash').notNull(),
    communityOrgId: uuid('community_org_id')
      .notNull()
      .references(() => organisations.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    memo: text('memo'),
    needId: uuid('need_id'),
    status: text('status').notNull().$type<ApprovalStatus>().default('pending'),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    transactionId: uuid('transaction_id').references(() => fundTransactions.id),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
  },
  (t) => [index('fund_approvals_status_idx').on(t.status, t.requestedAt)],
);

/**
 * Net change per currency, month and kind of account (with or without an organisation): the
 * public chart in a few hundred rows however large the ledger, kept exact by each posting.
 */
export const fundMonthlyKinds = pgTable(
  'fund_monthly_kinds',
  {
    currency: text('currency').notNull(),
    month: date('month').notNull(),
    accountKind: text('account_kind').notNull().$type<AccountKind>(),
    withOrg: boolean('with_org').notNull(),
    net: bigint('net', { mode: 'number' }).notNull().default(0),
    lineCount: integer('line_count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.currency, t.month, t.accountKind, t.withOrg] })],
);
