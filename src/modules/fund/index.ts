export { fundModule } from './module.ts';
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
