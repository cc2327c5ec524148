import type { Ctx } from '../../core/context.ts';
import type { Tx } from '../../core/db/tx.ts';
import { commitGrant, disburseGrant } from '../fund/index.ts';

/**
 * Where the aid centre meets the Solidarity Fund's ledger: a money offer of the fund allocated
 * to a need is a grant commitment; its payment a disbursement, both in the aid centre's
 * transaction. Idempotency keys are derived from the allocation, so a retry posts nothing more.
 */
export interface GrantInput {
  communityOrgId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  memo?: string;
  needId?: string;
}

export const commitFundGrant = (ctx: Ctx, input: GrantInput, tx: Tx) => commitGrant(ctx, input, tx);
export const disburseFundGrant = (ctx: Ctx, input: GrantInput, tx: Tx) => disburseGrant(ctx, input, tx);
