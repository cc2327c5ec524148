import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { fundSettings } from './service-postings.ts';

export { approveDisbursement, listApprovals, rejectDisbursement } from './service-approvals.ts';
export {
  commitGrant,
  disburseGrant,
  fundBalanceFor,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
} from './service-postings.ts';

/** The Solidarity Fund: ledger, public accounts, treasurer pages, exports. */
export async function fundRoutes(_app: FastifyInstance, services: AppServices): Promise<void> {
  fundSettings.approvalThresholdMinor = services.config.FUND_APPROVAL_THRESHOLD_MINOR;
}
