import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/audit/hash.ts';

export const GENESIS = '0'.repeat(64);

/** What a transaction's hash covers: everything that gives it meaning, and its place in the chain. */
export interface HashedTransaction {
  seq: number;
  id: string;
  kind: string;
  postedAt: string;
  valueDate: string;
  memo: string | null;
  providerOrgId: string | null;
  receiverOrgId: string | null;
  needId: string | null;
  idempotencyKey: string;
  reversalOf: string | null;
  createdBy: string | null;
  approvedBy: string | null;
  fxRate: string | null;
  fxCurrency: string | null;
  lines: { accountId: string; currency: string; amount: number }[];
}

/** Lines in a fixed order, so that the hash does not depend on the order they were read back in. */
export const sortLines = (lines: HashedTransaction['lines']) =>
  [...lines].sort((a, b) =>
    a.accountId !== b.accountId
      ? a.accountId < b.accountId
        ? -1
        : 1
      : a.currency !== b.currency
        ? a.currency < b.currency
          ? -1
          : 1
        : a.amount - b.amount,
  );

/**
 * The canonical text of a transaction without its place in the chain: the database appends it
 * to the previous hash and the place when it takes the chain head, in the same statement.
 */
export function transactionBody(t: Omit<HashedTransaction, 'seq'>): string {
  return canonicalJson({
    ...t,
    postedAt: new Date(t.postedAt).toISOString(),
    lines: sortLines(t.lines).map((l) => [l.accountId, l.currency, l.amount]),
  });
}

/** sha256(previous hash, place in the chain, canonical text): what PostgreSQL computes on posting. */
export function transactionHash(prevHash: string, t: HashedTransaction): string {
  const { seq, ...rest } = t;
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(String(seq))
    .update('\n')
    .update(transactionBody(rest))
    .digest('hex');
}

/** The fingerprint of a request, to tell a retry from a different request under the same key. */
export function requestHash(payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}
