import type { Ctx } from '../../core/context.ts';
import { commitGrant, disburseGrant } from '../fund/index.ts';

/**
 * Where the aid centre meets the Solidarity Fund's ledger: a money offer of the fund allocated
 * to a need is a grant commitment; its payment a disbursement. `ctx.db` is the aid use case's
 * transaction, and the fund posts inside it, so a refusal (`insufficient_funds`) leaves no
 * allocation behind. Idempotency keys are derived from the allocation: a retry posts nothing more.
 */
interface GrantInput {
  communityOrgId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  memo?: string;
  needId?: string;
}

export const commitFundGrant = (ctx: Ctx, input: GrantInput) => commitGrant(ctx, input);
export const disburseFundGrant = (ctx: Ctx, input: GrantInput) => disburseGrant(ctx, input);
