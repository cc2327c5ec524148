import { defineModule } from '../../core/module/manifest.ts';
import { needLinkKind } from './link-kind.ts';
import { aidRoutes } from './routes.ts';

export const auditEntities = [
  'aid_need',
  'aid_offer',
  'aid_allocation',
  'aid_shipment',
  'aid_delivery',
  'aid_corridor',
  'aid_capacity',
] as const;

export const aidErrors = { over_allocation: 409, personal_data_refused: 422 } as const;
export const aidRoles = ['aid_coordinator'] as const;

declare module '../../core/audit/entities.ts' {
  interface ModuleAuditEntities extends Record<(typeof auditEntities)[number], true> {}
}
declare module '../../core/errors.ts' {
  interface ModuleErrorCodes extends Record<keyof typeof aidErrors, true> {}
}
declare module '../../core/policy/roles.ts' {
  interface ModuleRoles extends Record<(typeof aidRoles)[number], true> {}
}

/** The aid centre: needs, offers, matching, shipments, corridors, reception capacity. */
export const aidModule = defineModule({
  name: 'aid',
  description: 'Humanitarian needs and offers between cities, matched, shipped and confirmed',
  routes: [aidRoutes],
  locales: new URL('./locales', import.meta.url),
  nav: [{ href: '/aid', label: 'nav.aid', order: 30 }],
  errors: aidErrors,
  roles: aidRoles,
  linkKinds: [needLinkKind],
  auditEntities,
});
