import { defineModule } from '../../core/module/manifest.ts';
import { registerLedgerCommands } from './cli.ts';
import { fundConfig } from './config.ts';
import { fundRoutes } from './routes.ts';
import { fundExports } from './routes-exports.ts';
import { approveDisbursement, listApprovals, rejectDisbursement } from './service-approvals.ts';
import { organisationChoices } from './service-choices.ts';
import { findReversal, getTransaction, listTransactions } from './service-ledger.ts';
import {
  commitGrant,
  disburseGrant,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
} from './service-postings.ts';
import { accountStatement, fundSummary } from './service-reports.ts';

export const auditEntities = ['fund_transaction', 'fund_approval'] as const;

export const fundErrors = {
  insufficient_funds: 409,
  idempotency_mismatch: 422,
  second_approver_required: 403,
} as const;
export const fundRoles = ['treasurer'] as const;

declare module '../../core/module/parts.ts' {
  interface Parts {
    fund: { errors: typeof fundErrors; roles: typeof fundRoles; auditEntities: typeof auditEntities };
  }
}

/** The Solidarity Fund: ledger, public accounts, treasurer pages, exports. */
export const fundModule = defineModule({
  name: 'fund',
  description: 'The Solidarity Fund: a double-entry ledger with public accounts',
  routes: [fundRoutes],
  locales: new URL('./locales', import.meta.url),
  nav: [{ href: '/fund', label: 'nav.fund', order: 40 }],
  errors: fundErrors,
  roles: fundRoles,
  config: fundConfig,
  commands: registerLedgerCommands,
  exports: fundExports,
  auditEntities,
  useCases: [
    recordContribution,
    recordPledge,
    commitGrant,
    disburseGrant,
    recordExpenditure,
    recordFee,
    refundContribution,
    reverseTransaction,
    approveDisbursement,
    rejectDisbursement,
    fundSummary,
    listTransactions,
    getTransaction,
    findReversal,
    accountStatement,
    listApprovals,
    organisationChoices,
  ],
});
