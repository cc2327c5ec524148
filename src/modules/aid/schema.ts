import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../directory/schema.ts';

/**
 * The IASC humanitarian clusters (the global cluster system), the categories of needs and offers.
 * Codes as HDX/OCHA abbreviate them, lower-cased.
 */
export const clusters = [
  'cccm',
  'early_recovery',
  'education',
  'emergency_telecom',
  'food_security',
  'health',
  'logistics',
  'nutrition',
  'protection',
  'shelter',
  'wash',
] as const;
export type Cluster = (typeof clusters)[number];

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof priorities)[number];

export const needStatuses = [
  'open',
  'partly_covered',
  'fully_covered',
  'partly_delivered',
  'delivered',
] as const;
export type NeedStatus = (typeof needStatuses)[number];

export const offerKinds = ['goods', 'money'] as const;
export const offerSources = ['member', 'fund'] as const;
export const offerStatuses = ['open', 'withdrawn'] as const;

export const shipmentStatuses = ['preparing', 'in_transit', 'delivered', 'returned', 'cancelled'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export const corridorStatuses = ['open', 'restricted', 'closed'] as const;
export type CorridorStatus = (typeof corridorStatuses)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true });
const qty = (name: string) => bigint(name, { mode: 'number' });

/**
 * A need of a community. `allocated_qty` and `delivered_qty` are kept by the allocation and
 * delivery use cases in the same transaction as their rows, under a row lock of the need; the
 * CHECK constraints are the last line against over-allocation, whatever the code does.
 */
export const aidNeeds = pgTable(
  'aid_needs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityOrgId: uuid('community_org_id')
      .notNull()
      .references(() => organisations.id),
    category: text('category').notNull().$type<Cluster>(),
    item: text('item').notNull(),
    itemNorm: text('item_norm').notNull().generatedAlwaysAs(sql`lower(f_unaccent(item))`),
    quantity: qty('quantity').notNull(),
    unit: text('unit').notNull(),
    priority: text('priority').notNull().$type<Priority>(),
    neededBy: date('needed_by'),
    description: text('description'),
    // Place: the community's coordinates unless a more precise public place is given.
    placeName: text('place_name'),
    lat: doublePrecision('lat'),
    lon: doublePrecision('lon'),
    allocatedQty: qty('allocated_qty').notNull().default(0),
    deliveredQty: qty('delivered_qty').notNull().default(0),
    status: text('status').notNull().default('open').$type<NeedStatus>(),
    verifiedAt: ts('verified_at'),
    verifiedBy: uuid('verified_by'),
    postedBy: uuid('posted_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('aid_needs_status_idx').on(t.status, t.priority, t.neededBy),
    index('aid_needs_community_idx').on(t.communityOrgId, t.createdAt),
    index('aid_needs_created_idx').on(t.createdAt, t.id),
    check('aid_needs_quantity_ck', sql`quantity > 0`),
    check('aid_needs_allocated_ck', sql`allocated_qty >= 0 AND allocated_qty <= quantity`),
    check('aid_needs_delivered_ck', sql`delivered_qty >= 0 AND delivered_qty <= quantity`),
    check('aid_needs_lat_ck', sql`lat IS NULL OR lat BETWEEN -90 AND 90`),
    check('aid_needs_lon_ck', sql`lon IS NULL OR lon BETWEEN -180 AND 180`),
  ],
);

/**
 * An offer: goods in kind (quantity in `unit`) or money (`amount_minor` in `currency`). `total`
 * is the offer's measure (quantity or amount) and `allocated` what allocations took of it.
 */
export const aidOffers = pgTable(
  'aid_offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull().$type<(typeof offerKinds)[number]>(),
    source: text('source').notNull().$type<(typeof offerSources)[number]>(),
    offererOrgId: uuid('offerer_org_id').references(() => organisations.id),
    category: text('category').notNull().$type<Cluster>(),
    item: text('item').notNull(),
    itemNorm: text('item_norm').notNull().generatedAlwaysAs(sql`lower(f_unaccent(item))`),
    unit: text('unit'),
    currency: text('currency'),
    total: qty('total').notNull(),
    allocated: qty('allocated').notNull().default(0),
    remaining: qty('remaining').notNull().generatedAlwaysAs(sql`total - allocated`),
    availableFrom: date('available_from'),
    placeName: text('place_name'),
    lat: doublePrecision('lat'),
    lon: doublePrecision('lon'),
    note: text('note'),
    status: text('status').notNull().default('open').$type<(typeof offerStatuses)[number]>(),
    postedBy: uuid('posted_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // The matching prefilters: open offers with something left, by category, by item spelling, by place.
    index('aid_offers_open_category_idx')
      .on(t.category, t.availableFrom)
      .where(sql`status = 'open' AND total > allocated`),
    index('aid_offers_open_item_idx').on(t.itemNorm).where(sql`status = 'open' AND total > allocated`),
    // GiST, not GIN: it gives the nearest spellings first (KNN on trigram distance), so the
    // matching reads a few hundred rows however many offers share a word with the need.
    index('aid_offers_open_item_trgm_gist_idx')
      .using('gist', sql`${t.itemNorm} gist_trgm_ops`)
      .where(sql`status = 'open' AND total > allocated`),
    index('aid_offers_open_place_idx')
      .using('gist', sql`point(${t.lon}, ${t.lat})`)
      .where(sql`status = 'open' AND total > allocated AND lat IS NOT NULL AND lon IS NOT NULL`),
    index('aid_offers_offerer_idx').on(t.offererOrgId, t.createdAt),
    index('aid_offers_created_idx').on(t.createdAt, t.id),
    check('aid_offers_total_ck', sql`total > 0`),
    check('aid_offers_allocated_ck', sql`allocated >= 0 AND allocated <= total`),
    check(
      'aid_offers_kind_ck',
      sql`(kind = 'goods' AND unit IS NOT NULL AND currency IS NULL) OR (kind = 'money' AND currency ~ '^[A-Z]{3}$' AND unit IS NULL)`,
    ),
    check('aid_offers_source_ck', sql`source = 'fund' OR offerer_org_id IS NOT NULL`),
    check('aid_offers_lat_ck', sql`lat IS NULL OR lat BETWEEN -90 AND 90`),
    check('aid_offers_lon_ck', sql`lon IS NULL OR lon BETWEEN -180 AND 180`),
  ],
);

/**
 * Part of an offer given to a need. `quantity` is in the need's unit (what of the need it
 * covers); `amount_minor` is what a money offer gives for it. `lost_qty` is what a delivery
 * confirmed short: it is owed to the need again.
 */
export const aidAllocations = pgTable(
  'aid_allocations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    offerId: uuid('offer_id')
      .notNull()
      .references(() => aidOffers.id),
    needId: uuid('need_id')
      .notNull()
      .references(() => aidNeeds.id),
    quantity: qty('quantity').notNull(),
    amountMinor: qty('amount_minor'),
    currency: text('currency'),
    shippedQty: qty('shipped_qty').notNull().default(0),
    receivedQty: qty('received_qty').notNull().default(0),
    lostQty: qty('lost_qty').notNull().default(0),
    // Money from the Solidarity Fund: the ledger's grant commitment and disbursement.
    grantTransactionId: uuid('grant_transaction_id'),
    paymentTransactionId: uuid('payment_transaction_id'),
    paymentStatus: text('payment_status'), // pending_approval | posted
    paymentApprovalId: uuid('payment_approval_id'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('aid_allocations_need_idx').on(t.needId),
    index('aid_allocations_offer_idx').on(t.offerId),
    check('aid_allocations_quantity_ck', sql`quantity > 0`),
    check('aid_allocations_amount_ck', sql`amount_minor IS NULL OR amount_minor > 0`),
    check('aid_allocations_shipped_ck', sql`shipped_qty >= 0 AND shipped_qty <= quantity`),
    check('aid_allocations_received_ck', sql`received_qty >= 0 AND received_qty + lost_qty <= quantity`),
  ],
);

/** Named routes for aid. The exact waypoints (`path`) are restricted: coordinators and staff only. */
export const aidCorridors = pgTable(
  'aid_corridors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    originName: text('origin_name').notNull(),
    destinationName: text('destination_name').notNull(),
    // Public ends: the cities (their public coordinates) the corridor runs between.
    originOrgId: uuid('origin_org_id').references(() => organisations.id),
    destinationOrgId: uuid('destination_org_id').references(() => organisations.id),
    // Exact route, [[lon, lat], …]: restricted.
    path: jsonb('path').$type<[number, number][]>(),
    status: text('status').notNull().$type<CorridorStatus>(),
    note: text('note'),
    lastVerifiedAt: ts('last_verified_at'),
    lastVerifiedBy: uuid('last_verified_by'),
    lastVerifiedByName: text('last_verified_by_name'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('aid_corridors_name_uq').on(t.name)],
);

export const aidShipments = pgTable(
  'aid_shipments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    corridorId: uuid('corridor_id').references(() => aidCorridors.id),
    destinationOrgId: uuid('destination_org_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status').notNull().default('preparing').$type<ShipmentStatus>(),
    reference: text('reference'),
    note: text('note'),
    dispatchedAt: ts('dispatched_at'),
    closedAt: ts('closed_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('aid_shipments_status_idx').on(t.status, t.createdAt),
    index('aid_shipments_destination_idx').on(t.destinationOrgId),
  ],
);

/** What a shipment carries, per allocation; `received_qty` once the community confirmed it. */
export const aidShipmentItems = pgTable(
  'aid_shipment_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => aidShipments.id),
    allocationId: uuid('allocation_id')
      .notNull()
      .references(() => aidAllocations.id),
    quantity: qty('quantity').notNull(),
    receivedQty: qty('received_qty'),
  },
  (t) => [
    uniqueIndex('aid_shipment_items_uq').on(t.shipmentId, t.allocationId),
    index('aid_shipment_items_allocation_idx').on(t.allocationId),
    check('aid_shipment_items_quantity_ck', sql`quantity > 0`),
    check('aid_shipment_items_received_ck', sql`received_qty IS NULL OR received_qty >= 0`),
  ],
);

/**
 * The receiving community's confirmation of a shipment. A difference between what was sent and
 * what arrived sets `flagged`; the centre closes the follow-up with `resolved_*`.
 */
export const aidDeliveries = pgTable(
  'aid_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => aidShipments.id),
    sentQty: qty('sent_qty').notNull(),
    receivedQty: qty('received_qty').notNull(),
    flagged: boolean('flagged').notNull().default(false),
    note: text('note'),
    confirmedBy: uuid('confirmed_by'),
    confirmedAt: ts('confirmed_at').notNull(),
    resolvedAt: ts('resolved_at'),
    resolvedBy: uuid('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    uniqueIndex('aid_deliveries_shipment_uq').on(t.shipmentId),
    index('aid_deliveries_flagged_idx').on(t.confirmedAt).where(sql`flagged AND resolved_at IS NULL`),
    index('aid_deliveries_confirmed_idx').on(t.confirmedAt, t.id),
  ],
);

/**
 * Reception capacity of a border LRG for displaced people, as of a date: AGGREGATES ONLY.
 * There is deliberately no column where a person could be named.
 */
export const aidCapacity = pgTable(
  'aid_capacity',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    asOf: date('as_of').notNull(),
    childrenAvailable: integer('children_available').notNull().default(0),
    childrenUsed: integer('children_used').notNull().default(0),
    womenAvailable: integer('women_available').notNull().default(0),
    womenUsed: integer('women_used').notNull().default(0),
    youngAvailable: integer('young_available').notNull().default(0),
    youngUsed: integer('young_used').notNull().default(0),
    elderlyAvailable: integer('elderly_available').notNull().default(0),
    elderlyUsed: integer('elderly_used').notNull().default(0),
    totalAvailable: integer('total_available').notNull().default(0),
    totalUsed: integer('total_used').notNull().default(0),
    reportedBy: uuid('reported_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('aid_capacity_org_date_uq').on(t.orgId, t.asOf),
    index('aid_capacity_date_idx').on(t.asOf),
    check(
      'aid_capacity_nonnegative_ck',
      sql`LEAST(children_available, children_used, women_available, women_used, young_available, young_used, elderly_available, elderly_used, total_available, total_used) >= 0`,
    ),
    // The groups overlap (a girl is a child and, in the table, may be counted with women), but none exceeds the total.
    check(
      'aid_capacity_groups_ck',
      sql`GREATEST(children_available, women_available, young_available, elderly_available) <= total_available
          AND GREATEST(children_used, women_used, young_used, elderly_used) <= total_used`,
    ),
  ],
);
