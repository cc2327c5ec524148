import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { fundApi } from './api.ts';
import { fundPages } from './pages.tsx';
import { fundExportRoutes } from './routes-exports.ts';
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
export { verifyLedger } from './verify.ts';

/** The Solidarity Fund: ledger, public accounts, treasurer pages, exports. */
export async function fundRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  fundSettings.approvalThresholdMinor = services.config.FUND_APPROVAL_THRESHOLD_MINOR;
  await fundApi(app, services);
  await fundPages(app, services);
  await fundExportRoutes(app, services);
}
