import { defineModule } from '../../core/module/manifest.ts';
import { registerLedgerCommands } from './cli.ts';
import { fundConfig } from './config.ts';
import { fundRoutes } from './routes.ts';

export const auditEntities = ['fund_transaction', 'fund_approval'] as const;

export const fundErrors = {
  insufficient_funds: 409,
  idempotency_mismatch: 422,
  second_approver_required: 403,
} as const;
export const fundRoles = ['treasurer'] as const;

declare module '../../core/audit/entities.ts' {
  interface ModuleAuditEntities extends Record<(typeof auditEntities)[number], true> {}
}
declare module '../../core/errors.ts' {
  interface ModuleErrorCodes extends Record<keyof typeof fundErrors, true> {}
}
declare module '../../core/policy/roles.ts' {
  interface ModuleRoles extends Record<(typeof fundRoles)[number], true> {}
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
  auditEntities,
});
