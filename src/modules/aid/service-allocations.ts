import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { requireActor } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead, requireCentre } from './access.ts';
import { commitFundGrant, disburseFundGrant } from './fund-bridge.ts';
import { allocateInput } from './input.ts';
import { NEED_STATUS_SQL } from './need-status.ts';

export interface Allocation {
  id: string;
  offerId: string;
  needId: string;
  kind: 'goods' | 'money';
  offererName: string | null;
  source: 'member' | 'fund';
  item: string;
  unit: string;
  quantity: number;
  amountMinor: number | null;
  currency: string | null;
  shippedQty: number;
  receivedQty: number;
  lostQty: number;
  grantTransactionId: string | null;
  paymentTransactionId: string | null;
  paymentStatus: string | null;
  createdAt: string;
}

const ALLOCATION_COLUMNS = sql`a.id, a.offer_id, a.need_id, f.kind, f.source, o.name AS offerer_name, f.item, n.unit,
  a.quantity, a.amount_minor, a.currency, a.shipped_qty, a.received_qty, a.lost_qty, a.grant_transaction_id,
  a.payment_transaction_id, a.payment_status, a.created_at`;
const ALLOCATION_FROM = sql`aid_allocations a JOIN aid_offers f ON f.id = a.offer_id JOIN aid_needs n ON n.id = a.need_id
  ${joinOrganisation('o', sql`f.offerer_org_id`)}`;

function allocationOf(r: any): Allocation {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.id,
    offerId: r.offer_id,
    needId: r.need_id,
    kind: r.kind,
    source: r.source,
    offererName: r.offerer_name ?? null,
    item: r.item,
    unit: r.unit,
    quantity: Number(r.quantity),
    amountMinor: num(r.amount_minor),
    currency: r.currency,
    shippedQty: Number(r.shipped_qty),
    receivedQty: Number(r.received_qty),
    lostQty: Number(r.lost_qty),
    grantTransactionId: r.grant_transaction_id,
    paymentTransactionId: r.payment_transaction_id,
    paymentStatus: r.payment_status,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Recompute a need's totals-derived status after its totals changed (same transaction). */
export async function refreshNeedStatus(tx: DbOrTx, needId: string): Promise<void> {
  await tx.execute(sql`UPDATE aid_needs SET status = ${sql.raw(NEED_STATUS_SQL)} WHERE id = ${needId}`);
}

/**
 * The centre gives part of an offer to a need. Both rows are locked (need first, then offer:
 * one order everywhere, so two allocations cannot deadlock) and the amounts checked under the
 * locks: of two coordinators taking the last units at once, the second waits, then sees what
 * the first took and gets `over_allocation`. The CHECK constraints on the totals back this up.
 * A money offer from the Solidarity Fund becomes a grant commitment in the fund's ledger, in
 * the same transaction.
 */
export const allocateOffer = defineUseCase({
  name: 'aid.allocateOffer',
  kind: 'write',
  audit: 'aid_allocation',
  allow: requireCentre,
  input: allocateInput,
  async run(uc): Promise<Allocation> {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const tx = ctx.db;
    const needRows = await tx.execute<{
      quantity: string;
      allocated_qty: string;
      unit: string;
      community_org_id: string;
      item: string;
    }>(sql`SELECT quantity, allocated_qty, unit, community_org_id, item FROM aid_needs
           WHERE id = ${input.needId} FOR UPDATE`);
    const need = needRows.rows[0];
    if (!need) throw new AppError('unknown_reference', { field: 'needId' });
    const offerRows = await tx.execute<{
      kind: 'goods' | 'money';
      source: 'member' | 'fund';
      unit: string | null;
      currency: string | null;
      remaining: string;
      status: string;
    }>(
      sql`SELECT kind, source, unit, currency, remaining, status FROM aid_offers WHERE id = ${input.offerId} FOR UPDATE`,
    );
    const offer = offerRows.rows[0];
    if (!offer) throw new AppError('unknown_reference', { field: 'offerId' });
    if (offer.status !== 'open') throw new AppError('conflict', { reason: 'offer_withdrawn' });
    const lacking = Number(need.quantity) - Number(need.allocated_qty);
    const remaining = Number(offer.remaining);
    if (offer.kind === 'goods') {
      if (offer.unit?.toLowerCase() !== need.unit.toLowerCase())
        throw invalidField(
          'offerId',
          'unit_mismatch',
          `the offer is in ${offer.unit}, the need in ${need.unit}`,
        );
      if (input.amountMinor != null) throw invalidField('amountMinor', 'money_only', 'only for money offers');
    } else if (input.amountMinor == null) {
      throw invalidField('amountMinor', 'required', 'required for a money offer');
    }
    const takes = offer.kind === 'goods' ? input.quantity : (input.amountMinor as number);
    if (input.quantity > lacking || takes > remaining) {
      throw new AppError('over_allocation', {
        needLacks: lacking,
        offerRemaining: remaining,
        requested: { quantity: input.quantity, amountMinor: input.amountMinor ?? null },
      });
    }
    const at = ctx.now.toISOString();
    const inserted = await tx.execute<{ id: string }>(sql`
      INSERT INTO aid_allocations (offer_id, need_id, quantity, amount_minor, currency, created_by, created_at)
      VALUES (${input.offerId}, ${input.needId}, ${input.quantity}, ${input.amountMinor ?? null},
        ${offer.kind === 'money' ? offer.currency : null}, ${actor.userId}, ${at})
      RETURNING id`);
    const id = inserted.rows[0].id;
    await tx.execute(
      sql`UPDATE aid_offers SET allocated = allocated + ${takes}, updated_at = ${at} WHERE id = ${input.offerId}`,
    );
    await tx.execute(sql`UPDATE aid_needs SET allocated_qty = allocated_qty + ${input.quantity}, updated_at = ${at}
      WHERE id = ${input.needId}`);
    await refreshNeedStatus(tx, input.needId);
    if (offer.kind === 'money' && offer.source === 'fund') {
      const grant = await commitFundGrant(ctx, {
        communityOrgId: need.community_org_id,
        amountMinor: input.amountMinor as number,
        currency: offer.currency as string,
        idempotencyKey: `aid-allocation:${id}`,
        memo: `Aid: ${need.item}`,
        needId: input.needId,
      });
      await tx.execute(
        sql`UPDATE aid_allocations SET grant_transaction_id = ${grant.transactionId} WHERE id = ${id}`,
      );
    }
    await uc.audit({ action: 'allocate', entityId: id, after: { ...input, kind: offer.kind } });
    return loadAllocation(tx, id);
  },
});

async function loadAllocation(db: Ctx['db'], id: string): Promise<Allocation> {
  const r = await db.execute(sql`SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM} WHERE a.id = ${id}`);
  if (!r.rows[0]) throw notFound('allocation');
  return allocationOf(r.rows[0]);
}

export const listAllocations = defineUseCase({
  name: 'aid.listAllocations',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ needId: uuid.optional(), offerId: uuid.optional() }).strict(),
  async run({ ctx, input: f }): Promise<Allocation[]> {
    const conds = [sql`TRUE`];
    if (f.needId) conds.push(sql`a.need_id = ${f.needId}`);
    if (f.offerId) conds.push(sql`a.offer_id = ${f.offerId}`);
    const r = await ctx.db.execute(sql`SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM}
      WHERE ${sql.join(conds, sql` AND `)} ORDER BY a.created_at, a.id LIMIT 500`);
    return r.rows.map(allocationOf);
  },
});

/**
 * Pay a money allocation from the Solidarity Fund: a disbursement from the community's grant
 * account. Above the fund's threshold it waits for a second approver; once posted, the money
 * counts as delivered to the need.
 */
export const recordPayment = defineUseCase({
  name: 'aid.recordPayment',
  kind: 'write',
  audit: 'aid_allocation',
  allow: requireCentre,
  input: z.object({ id: uuid }).strict(),
  async run(uc): Promise<Allocation> {
    const { ctx } = uc;
    const allocationId = uc.input.id;
    const tx = ctx.db;
    const r = await tx.execute<{
      need_id: string;
      quantity: string;
      amount_minor: string | null;
      currency: string | null;
      payment_status: string | null;
      source: string;
      community_org_id: string;
      item: string;
    }>(sql`SELECT a.need_id, a.quantity, a.amount_minor, a.currency, a.payment_status, f.source, n.community_org_id, n.item
      FROM aid_allocations a JOIN aid_offers f ON f.id = a.offer_id JOIN aid_needs n ON n.id = a.need_id
      WHERE a.id = ${allocationId} FOR UPDATE OF a`);
    const a = r.rows[0];
    if (!a) throw notFound('allocation');
    if (a.source !== 'fund' || a.amount_minor === null)
      throw new AppError('invalid_transition', { reason: 'not_fund_money' });
    // A payment waiting for the fund's second approver may be asked again: the same idempotency key
    // returns the posted disbursement once it is approved, and posts nothing twice.
    if (a.payment_status === 'posted')
      throw new AppError('invalid_transition', { from: 'posted', to: 'posted' });
    const paid = await disburseFundGrant(ctx, {
      communityOrgId: a.community_org_id,
      amountMinor: Number(a.amount_minor),
      currency: a.currency as string,
      idempotencyKey: `aid-payment:${allocationId}`,
      memo: `Aid: ${a.item}`,
      needId: a.need_id,
    });
    await tx.execute(sql`UPDATE aid_allocations SET payment_status = ${paid.status},
      payment_transaction_id = ${paid.transactionId}, payment_approval_id = ${paid.approvalId ?? null} WHERE id = ${allocationId}`);
    if (paid.status === 'posted') await markPaid(tx, allocationId, a.need_id, Number(a.quantity), ctx.now);
    await uc.audit({ action: 'pay', entityId: allocationId, after: paid });
    return loadAllocation(tx, allocationId);
  },
});

/** Money that was paid covers its share of the need as if delivered. */
async function markPaid(tx: DbOrTx, allocationId: string, needId: string, quantity: number, now: Date) {
  await tx.execute(sql`UPDATE aid_allocations SET received_qty = quantity WHERE id = ${allocationId}`);
  await tx.execute(sql`UPDATE aid_needs SET delivered_qty = delivered_qty + ${quantity}, updated_at = ${now.toISOString()}
    WHERE id = ${needId}`);
  await refreshNeedStatus(tx, needId);
}
