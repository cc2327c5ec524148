import { defineModule } from '../../core/module/manifest.ts';
import { aidExports } from './export-routes.ts';
import { capacityTable, deliveriesTable, needsTable } from './exports.ts';
import { needLinkKind } from './link-kind.ts';
import { aidRoutes } from './routes.ts';
import { allocateOffer, listAllocations, recordPayment } from './service-allocations.ts';
import { listCapacity, reportCapacity } from './service-capacity.ts';
import { createCorridor, getCorridor, listCorridors, verifyCorridor } from './service-corridors.ts';
import { aidSummary } from './service-dashboard.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, listNeeds, postNeed, verifyNeed } from './service-needs.ts';
import { getOffer, listOffers, postOffer, withdrawOffer } from './service-offers.ts';
import { organisationChoices } from './service-places.ts';
import {
  confirmDelivery,
  createShipment,
  getShipment,
  listFlaggedDeliveries,
  listShipments,
  resolveFollowUp,
  transitionShipment,
} from './service-shipments.ts';

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

declare module '../../core/module/parts.ts' {
  interface Parts {
    aid: { errors: typeof aidErrors; roles: typeof aidRoles; auditEntities: typeof auditEntities };
  }
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
  exports: aidExports,
  auditEntities,
  useCases: [
    postNeed,
    verifyNeed,
    getNeed,
    listNeeds,
    postOffer,
    withdrawOffer,
    getOffer,
    listOffers,
    allocateOffer,
    recordPayment,
    listAllocations,
    proposeOffers,
    createShipment,
    transitionShipment,
    confirmDelivery,
    resolveFollowUp,
    getShipment,
    listShipments,
    listFlaggedDeliveries,
    createCorridor,
    verifyCorridor,
    getCorridor,
    listCorridors,
    reportCapacity,
    listCapacity,
    aidSummary,
    organisationChoices,
    needsTable,
    deliveriesTable,
    capacityTable,
  ],
});
