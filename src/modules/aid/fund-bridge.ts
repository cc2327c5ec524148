import type { Ctx } from '../../core/context.ts';
import type { Tx } from '../../core/db/tx.ts';

/**
 * Where the aid centre meets the Solidarity Fund's ledger (src/modules/fund): a money offer
 * of the fund allocated to a need is a grant commitment; its payment a disbursement.
 */
export interface GrantInput {
  communityOrgId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  memo?: string;
  needId?: string;
}

interface FundModule {
  commitGrant(ctx: Ctx, input: GrantInput, tx?: Tx): Promise<{ transactionId: string; status: 'posted' }>;
  disburseGrant(
    ctx: Ctx,
    input: GrantInput,
    tx?: Tx,
  ): Promise<{ transactionId: string | null; status: 'posted' | 'pending_approval'; approvalId?: string }>;
}

// TEMPORARY until the fund module exports its functions: loaded lazily.
const FUND = '../fund/index.ts';
const fund = async () => (await import(FUND)) as FundModule;

export async function commitFundGrant(ctx: Ctx, input: GrantInput, tx: Tx) {
  return (await fund()).commitGrant(ctx, input, tx);
}

export async function disburseFundGrant(ctx: Ctx, input: GrantInput, tx: Tx) {
  return (await fund()).disburseGrant(ctx, input, tx);
}
