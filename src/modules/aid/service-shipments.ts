import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { isStaff, requireActor } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { actsFor, checkWrite, requireCentre, requireSignedIn } from './access.ts';
import { deliveryInput, resolveInput, shipmentInput, transitionInput } from './input.ts';
import { type ShipmentStatus, shipmentStatuses } from './schema.ts';
import { refreshNeedStatus } from './service-allocations.ts';

export interface ShipmentItem {
  id: string;
  allocationId: string;
  needId: string;
  item: string;
  unit: string;
  quantity: number;
  receivedQty: number | null;
}

export interface Shipment {
  id: string;
  corridorId: string | null;
  corridorName: string | null;
  destinationOrgId: string;
  destinationName: string;
  status: ShipmentStatus;
  reference: string | null;
  note: string | null;
  dispatchedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  version: number;
  items: ShipmentItem[];
  delivery: Delivery | null;
}

export interface Delivery {
  id: string;
  shipmentId: string;
  sentQty: number;
  receivedQty: number;
  flagged: boolean;
  note: string | null;
  confirmedAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/** Where a shipment may go from each status, and the action that takes it there. */
const TRANSITIONS: Record<string, { from: ShipmentStatus; to: ShipmentStatus }> = {
  dispatch: { from: 'preparing', to: 'in_transit' },
  cancel: { from: 'preparing', to: 'cancelled' },
  return: { from: 'in_transit', to: 'returned' },
};

function deliveryOf(r: any): Delivery {
  return {
    id: r.id,
    shipmentId: r.shipment_id,
    sentQty: Number(r.sent_qty),
    receivedQty: Number(r.received_qty),
    flagged: Boolean(r.flagged),
    note: r.note,
    confirmedAt: iso(r.confirmed_at)!,
    resolvedAt: iso(r.resolved_at),
    resolutionNote: r.resolution_note,
  };
}

async function loadShipment(db: Ctx['db'], id: string, forUpdate = false): Promise<Shipment> {
  const r = await db.execute(sql`SELECT s.*, c.name AS corridor_name, o.name AS destination_name
    FROM aid_shipments s ${joinOrganisation('o', sql`s.destination_org_id`, { inner: true })}
    LEFT JOIN aid_corridors c ON c.id = s.corridor_id WHERE s.id = ${id} ${forUpdate ? sql`FOR UPDATE OF s` : sql``}`);
  const s = r.rows[0] as any;
  if (!s) throw notFound('shipment');
  const items =
    await db.execute(sql`SELECT i.id, i.allocation_id, a.need_id, n.item, n.unit, i.quantity, i.received_qty
    FROM aid_shipment_items i JOIN aid_allocations a ON a.id = i.allocation_id JOIN aid_needs n ON n.id = a.need_id
    WHERE i.shipment_id = ${id} ORDER BY n.item, i.id`);
  const delivery = await db.execute(sql`SELECT * FROM aid_deliveries WHERE shipment_id = ${id}`);
  return {
    id: s.id,
    corridorId: s.corridor_id,
    corridorName: s.corridor_name,
    destinationOrgId: s.destination_org_id,
    destinationName: s.destination_name,
    status: s.status,
    reference: s.reference,
    note: s.note,
    dispatchedAt: iso(s.dispatched_at),
    closedAt: iso(s.closed_at),
    createdAt: iso(s.created_at)!,
    version: Number(s.version),
    items: items.rows.map((i: any) => ({
      id: i.id,
      allocationId: i.allocation_id,
      needId: i.need_id,
      item: i.item,
      unit: i.unit,
      quantity: Number(i.quantity),
      receivedQty: i.received_qty === null ? null : Number(i.received_qty),
    })),
    delivery: delivery.rows[0] ? deliveryOf(delivery.rows[0]) : null,
  };
}

export const getShipment = defineUseCase({
  name: 'aid.getShipment',
  kind: 'read',
  allow: requireSignedIn,
  input: z.object({ id: uuid }),
  run: ({ ctx, input }) => loadShipment(ctx.db, input.id),
});

/**
 * The centre packs goods of allocations into a shipment to one community, along a corridor
 * that is not closed. Allocations are locked in id order; what is shipped never exceeds what
 * each allocation still has to ship.
 */
export const createShipment = defineUseCase({
  name: 'aid.createShipment',
  kind: 'write',
  audit: 'aid_shipment',
  allow: requireCentre,
  input: shipmentInput,
  async run(uc): Promise<Shipment> {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const tx = ctx.db;
    const ids = input.items.map((i) => i.allocationId);
    if (new Set(ids).size !== ids.length) throw invalidField('items', 'duplicate', 'each allocation once');
    if (input.corridorId) {
      const c = await tx.execute<{ status: string }>(
        sql`SELECT status FROM aid_corridors WHERE id = ${input.corridorId}`,
      );
      if (!c.rows[0]) throw new AppError('unknown_reference', { field: 'corridorId' });
      if (c.rows[0].status === 'closed') throw new AppError('conflict', { reason: 'corridor_closed' });
    }
    const sorted = [...input.items].sort((a, b) => a.allocationId.localeCompare(b.allocationId));
    let destination: string | null = null;
    for (const item of sorted) {
      const r = await tx.execute<{
        quantity: string;
        shipped_qty: string;
        kind: string;
        community_org_id: string;
      }>(
        sql`SELECT a.quantity, a.shipped_qty, f.kind, n.community_org_id FROM aid_allocations a
            JOIN aid_offers f ON f.id = a.offer_id JOIN aid_needs n ON n.id = a.need_id
            WHERE a.id = ${item.allocationId} FOR UPDATE OF a`,
      );
      const a = r.rows[0];
      if (!a) throw new AppError('unknown_reference', { field: 'items.allocationId', id: item.allocationId });
      if (a.kind !== 'goods') throw invalidField('items', 'money_not_shipped', 'money is paid, not shipped');
      if (destination && destination !== a.community_org_id)
        throw invalidField('items', 'one_destination', 'one shipment goes to one community');
      destination = a.community_org_id;
      const left = Number(a.quantity) - Number(a.shipped_qty);
      if (item.quantity > left)
        throw new AppError('over_allocation', {
          allocationId: item.allocationId,
          leftToShip: left,
          requested: item.quantity,
        });
    }
    const at = ctx.now.toISOString();
    const s = await tx.execute<{ id: string }>(sql`
      INSERT INTO aid_shipments (corridor_id, destination_org_id, reference, note, created_by, created_at, updated_at)
      VALUES (${input.corridorId ?? null}, ${destination}, ${input.reference || null}, ${input.note || null},
        ${actor.userId}, ${at}, ${at}) RETURNING id`);
    const id = s.rows[0].id;
    for (const item of sorted) {
      await tx.execute(sql`INSERT INTO aid_shipment_items (shipment_id, allocation_id, quantity)
        VALUES (${id}, ${item.allocationId}, ${item.quantity})`);
      await tx.execute(
        sql`UPDATE aid_allocations SET shipped_qty = shipped_qty + ${item.quantity} WHERE id = ${item.allocationId}`,
      );
    }
    await uc.audit({ action: 'create', entityId: id, after: input });
    return loadShipment(tx, id);
  },
});

/** dispatch (preparing → in transit), cancel (preparing → cancelled), return (in transit → returned). */
export const transitionShipment = defineUseCase({
  name: 'aid.transitionShipment',
  kind: 'write',
  audit: 'aid_shipment',
  allow: requireCentre,
  input: transitionInput.extend({ id: uuid }),
  async run(uc): Promise<Shipment> {
    const { ctx, input } = uc;
    const { id } = input;
    const tx = ctx.db;
    const step = TRANSITIONS[input.action];
    const before = await loadShipment(tx, id, true);
    if (before.version !== input.version)
      throw new AppError('conflict', { reason: 'stale_version', current: before.version });
    if (before.status !== step.from)
      throw new AppError('invalid_transition', { from: before.status, to: step.to });
    if (input.action === 'dispatch' && before.corridorId) {
      const c = await tx.execute<{ status: string }>(
        sql`SELECT status FROM aid_corridors WHERE id = ${before.corridorId}`,
      );
      if (c.rows[0]?.status === 'closed') throw new AppError('conflict', { reason: 'corridor_closed' });
    }
    const at = ctx.now.toISOString();
    if (step.to === 'cancelled' || step.to === 'returned') {
      // The goods are back with the centre: their allocations may be shipped again.
      for (const item of before.items)
        await tx.execute(
          sql`UPDATE aid_allocations SET shipped_qty = shipped_qty - ${item.quantity} WHERE id = ${item.allocationId}`,
        );
    }
    await tx.execute(sql`UPDATE aid_shipments SET status = ${step.to}, version = version + 1, updated_at = ${at},
      dispatched_at = CASE WHEN ${step.to} = 'in_transit' THEN ${at}::timestamptz ELSE dispatched_at END,
      closed_at = CASE WHEN ${step.to} IN ('cancelled', 'returned') THEN ${at}::timestamptz ELSE closed_at END
      WHERE id = ${id}`);
    await uc.audit({
      action: input.action,
      entityId: id,
      before: { status: before.status },
      after: { status: step.to },
    });
    return loadShipment(tx, id);
  },
});

/**
 * The receiving community confirms what arrived, item by item. What arrived counts as
 * delivered to each need; what is missing is flagged for follow-up and owed to the need again.
 */
export const confirmDelivery = defineUseCase({
  name: 'aid.confirmDelivery',
  kind: 'write',
  audit: 'aid_delivery',
  allow: checkWrite,
  input: deliveryInput.extend({ id: uuid }),
  async run(uc): Promise<Shipment> {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const shipmentId = input.id;
    const tx = ctx.db;
    const s = await loadShipment(tx, shipmentId, true);
    if (!isStaff(actor) && !actsFor(actor, s.destinationOrgId))
      throw new AppError('forbidden', { reason: 'receiving_community_only' });
    if (s.status !== 'in_transit')
      throw new AppError('invalid_transition', { from: s.status, to: 'delivered' });
    const given = new Map(input.items.map((i) => [i.shipmentItemId, i.receivedQty]));
    if (
      given.size !== input.items.length ||
      given.size !== s.items.length ||
      s.items.some((i) => !given.has(i.id))
    )
      throw invalidField('items', 'every_item_once', 'every item of the shipment, once');
    const at = ctx.now.toISOString();
    let sent = 0;
    let received = 0;
    const needs = new Set<string>();
    for (const item of [...s.items].sort((a, b) => a.allocationId.localeCompare(b.allocationId))) {
      const got = given.get(item.id) as number;
      if (got > item.quantity)
        throw invalidField('items', 'more_than_sent', `more than was sent of ${item.item}`);
      const lost = item.quantity - got;
      sent += item.quantity;
      received += got;
      needs.add(item.needId);
      await tx.execute(sql`UPDATE aid_shipment_items SET received_qty = ${got} WHERE id = ${item.id}`);
      await tx.execute(sql`UPDATE aid_allocations SET received_qty = received_qty + ${got}, lost_qty = lost_qty + ${lost}
        WHERE id = ${item.allocationId}`);
      await tx.execute(sql`UPDATE aid_needs SET delivered_qty = delivered_qty + ${got},
        allocated_qty = allocated_qty - ${lost}, updated_at = ${at} WHERE id = ${item.needId}`);
    }
    for (const needId of needs) await refreshNeedStatus(tx, needId);
    const d = await tx.execute<{ id: string }>(sql`
      INSERT INTO aid_deliveries (shipment_id, sent_qty, received_qty, flagged, note, confirmed_by, confirmed_at)
      VALUES (${shipmentId}, ${sent}, ${received}, ${sent !== received}, ${input.note || null}, ${actor.userId}, ${at})
      RETURNING id`);
    await tx.execute(sql`UPDATE aid_shipments SET status = 'delivered', closed_at = ${at}, version = version + 1,
      updated_at = ${at} WHERE id = ${shipmentId}`);
    await uc.audit({
      action: 'confirm_delivery',
      entityId: d.rows[0].id,
      after: { shipmentId, sent, received, items: input.items },
    });
    return loadShipment(tx, shipmentId);
  },
});

/** The centre closes the follow-up of a flagged delivery. */
export const resolveFollowUp = defineUseCase({
  name: 'aid.resolveFollowUp',
  kind: 'write',
  audit: 'aid_delivery',
  allow: requireCentre,
  input: resolveInput.extend({ id: uuid }),
  async run(uc): Promise<Delivery> {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const deliveryId = input.id;
    const tx = ctx.db;
    const r = await tx.execute(sql`SELECT * FROM aid_deliveries WHERE id = ${deliveryId} FOR UPDATE`);
    if (!r.rows[0]) throw notFound('delivery');
    const before = deliveryOf(r.rows[0]);
    if (!before.flagged || before.resolvedAt)
      throw new AppError('invalid_transition', { reason: 'nothing_to_follow_up' });
    const done =
      await tx.execute(sql`UPDATE aid_deliveries SET resolved_at = ${ctx.now.toISOString()}, resolved_by = ${actor.userId},
      resolution_note = ${input.note || null} WHERE id = ${deliveryId} RETURNING *`);
    await uc.audit({ action: 'resolve', entityId: deliveryId, after: { note: input.note ?? null } });
    return deliveryOf(done.rows[0]);
  },
});

export interface ShipmentSummary {
  id: string;
  status: ShipmentStatus;
  destinationOrgId: string;
  destinationName: string;
  corridorName: string | null;
  reference: string | null;
  items: number;
  sentQty: number;
  createdAt: string;
  version: number;
}

const shipmentFilters = z
  .object({
    status: z.enum(shipmentStatuses).optional(),
    destinationOrgId: uuid.optional(),
    needId: uuid.optional(),
  })
  .strict();

export const listShipments = defineUseCase({
  name: 'aid.listShipments',
  kind: 'read',
  allow: requireSignedIn,
  input: shipmentFilters,
  async run({ ctx, input: f }): Promise<ShipmentSummary[]> {
    const conds = [sql`TRUE`];
    if (f.status) conds.push(sql`s.status = ${f.status}`);
    if (f.destinationOrgId) conds.push(sql`s.destination_org_id = ${f.destinationOrgId}`);
    if (f.needId)
      conds.push(sql`EXISTS (SELECT 1 FROM aid_shipment_items i JOIN aid_allocations a ON a.id = i.allocation_id
      WHERE i.shipment_id = s.id AND a.need_id = ${f.needId})`);
    const r =
      await ctx.db.execute(sql`SELECT s.id, s.status, s.destination_org_id, o.name AS destination_name,
      c.name AS corridor_name, s.reference, s.created_at, s.version,
      (SELECT count(*) FROM aid_shipment_items i WHERE i.shipment_id = s.id) AS items,
      (SELECT coalesce(sum(quantity), 0) FROM aid_shipment_items i WHERE i.shipment_id = s.id) AS sent_qty
    FROM aid_shipments s ${joinOrganisation('o', sql`s.destination_org_id`, { inner: true })} LEFT JOIN aid_corridors c ON c.id = s.corridor_id
    WHERE ${sql.join(conds, sql` AND `)} ORDER BY s.created_at DESC, s.id LIMIT 200`);
    return r.rows.map((s: any) => ({
      id: s.id,
      status: s.status,
      destinationOrgId: s.destination_org_id,
      destinationName: s.destination_name,
      corridorName: s.corridor_name,
      reference: s.reference,
      items: Number(s.items),
      sentQty: Number(s.sent_qty),
      createdAt: iso(s.created_at)!,
      version: Number(s.version),
    }));
  },
});

export interface FlaggedDelivery extends Delivery {
  destinationName: string;
  reference: string | null;
}

/** Deliveries with a difference still to follow up (the dashboard's list). */
export const listFlaggedDeliveries = defineUseCase({
  name: 'aid.listFlaggedDeliveries',
  kind: 'read',
  allow: requireSignedIn,
  input: z.object({}).strict(),
  async run({ ctx }): Promise<FlaggedDelivery[]> {
    const r = await ctx.db.execute(sql`SELECT d.*, o.name AS destination_name, s.reference
    FROM aid_deliveries d JOIN aid_shipments s ON s.id = d.shipment_id ${joinOrganisation('o', sql`s.destination_org_id`, { inner: true })}
    WHERE d.flagged AND d.resolved_at IS NULL ORDER BY d.confirmed_at DESC LIMIT 200`);
    return r.rows.map((x: any) => ({
      ...deliveryOf(x),
      destinationName: x.destination_name,
      reference: x.reference,
    }));
  },
});
