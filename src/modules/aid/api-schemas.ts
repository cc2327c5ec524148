import { z } from 'zod';
import { clusters, corridorStatuses, needStatuses, priorities, shipmentStatuses } from './schema.ts';

/** Response schemas of the aid centre's API (what the OpenAPI document shows). */

export const tags = ['aid'];
export const P = '/api/v1/aid';
export const bool = z.enum(['true', 'false']);

const iso = z.string().describe('ISO 8601 time in UTC');
const day = z.string().describe('YYYY-MM-DD');

export const need = z.object({
  id: z.uuid(),
  communityOrgId: z.uuid(),
  communityName: z.string(),
  country: z.string().nullable(),
  category: z.enum(clusters),
  item: z.string(),
  quantity: z.number().int(),
  unit: z.string(),
  priority: z.enum(priorities),
  neededBy: day.nullable(),
  description: z.string().nullable(),
  placeName: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  allocatedQty: z.number().int().describe('Allocated and not lost in delivery'),
  deliveredQty: z.number().int(),
  lacking: z.number().int().describe('What allocations may still cover'),
  status: z.enum(needStatuses),
  verifiedAt: iso.nullable(),
  verifiedByName: z.string().nullable(),
  createdAt: iso,
  version: z.number().int(),
});

export const offer = z.object({
  id: z.uuid(),
  kind: z.enum(['goods', 'money']),
  source: z.enum(['member', 'fund']),
  offererOrgId: z.uuid().nullable(),
  offererName: z.string().nullable(),
  category: z.enum(clusters),
  item: z.string(),
  unit: z.string().nullable(),
  currency: z.string().nullable(),
  total: z.number().int().describe('Goods: quantity in `unit`; money: amount in minor units of `currency`'),
  allocated: z.number().int(),
  remaining: z.number().int(),
  availableFrom: day.nullable(),
  placeName: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  note: z.string().nullable(),
  status: z.enum(['open', 'withdrawn']),
  createdAt: iso,
  version: z.number().int(),
});

export const allocation = z.object({
  id: z.uuid(),
  offerId: z.uuid(),
  needId: z.uuid(),
  kind: z.enum(['goods', 'money']),
  source: z.enum(['member', 'fund']),
  offererName: z.string().nullable(),
  item: z.string(),
  unit: z.string(),
  quantity: z.number().int(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  shippedQty: z.number().int(),
  receivedQty: z.number().int(),
  lostQty: z.number().int(),
  grantTransactionId: z.string().nullable(),
  paymentTransactionId: z.string().nullable(),
  paymentStatus: z.string().nullable(),
  createdAt: iso,
});

export const needDetail = need.extend({ allocations: z.array(allocation) });

export const proposal = z.object({
  offer,
  score: z.number(),
  itemFit: z.enum(['exact', 'similar', 'category']),
  similarity: z.number(),
  distanceKm: z.number().nullable(),
  inTime: z.boolean(),
  canCover: z.number().int().nullable(),
});

const delivery = z.object({
  id: z.uuid(),
  shipmentId: z.uuid(),
  sentQty: z.number().int(),
  receivedQty: z.number().int(),
  flagged: z.boolean().describe('What arrived differs from what was sent: to follow up'),
  note: z.string().nullable(),
  confirmedAt: iso,
  resolvedAt: iso.nullable(),
  resolutionNote: z.string().nullable(),
});
export const flaggedDelivery = delivery.extend({
  destinationName: z.string(),
  reference: z.string().nullable(),
});
export { delivery };

export const shipment = z.object({
  id: z.uuid(),
  corridorId: z.uuid().nullable(),
  corridorName: z.string().nullable(),
  destinationOrgId: z.uuid(),
  destinationName: z.string(),
  status: z.enum(shipmentStatuses),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  dispatchedAt: iso.nullable(),
  closedAt: iso.nullable(),
  createdAt: iso,
  version: z.number().int(),
  items: z.array(
    z.object({
      id: z.uuid(),
      allocationId: z.uuid(),
      needId: z.uuid(),
      item: z.string(),
      unit: z.string(),
      quantity: z.number().int(),
      receivedQty: z.number().int().nullable(),
    }),
  ),
  delivery: delivery.nullable(),
});

export const shipmentSummary = z.object({
  id: z.uuid(),
  status: z.enum(shipmentStatuses),
  destinationOrgId: z.uuid(),
  destinationName: z.string(),
  corridorName: z.string().nullable(),
  reference: z.string().nullable(),
  items: z.number().int(),
  sentQty: z.number().int(),
  createdAt: iso,
  version: z.number().int(),
});

const lonLat = z.tuple([z.number(), z.number()]);
export const corridor = z.object({
  id: z.uuid(),
  name: z.string(),
  originName: z.string(),
  destinationName: z.string(),
  origin: lonLat.nullable().describe('[lon, lat] of the origin city (public)'),
  destination: lonLat.nullable(),
  status: z.enum(corridorStatuses),
  note: z.string().nullable(),
  lastVerifiedAt: iso.nullable(),
  lastVerifiedByName: z.string().nullable(),
  version: z.number().int(),
  path: z
    .array(lonLat)
    .nullable()
    .optional()
    .describe('Exact route: present only for aid coordinators and staff; each read is audited'),
});

const counts = z.object({ available: z.number().int(), used: z.number().int() });
export const capacityReport = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: z.string(),
  country: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  asOf: day,
  groups: z.object({ children: counts, women: counts, young: counts, elderly: counts, total: counts }),
  updatedAt: iso,
});
