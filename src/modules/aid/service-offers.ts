import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { hasAnyRole, requireActor } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { actsFor, checkRead, checkWrite, isCentre, organisationPlace } from './access.ts';
import { postOfferInput } from './input.ts';
import { type Cluster, clusters } from './schema.ts';

export interface Offer {
  id: string;
  kind: 'goods' | 'money';
  source: 'member' | 'fund';
  offererOrgId: string | null;
  offererName: string | null;
  category: Cluster;
  item: string;
  unit: string | null;
  currency: string | null;
  total: number;
  allocated: number;
  remaining: number;
  availableFrom: string | null;
  placeName: string | null;
  lat: number | null;
  lon: number | null;
  note: string | null;
  status: 'open' | 'withdrawn';
  createdAt: string;
  version: number;
}

const OFFER_COLUMNS = sql`f.id, f.kind, f.source, f.offerer_org_id, o.name AS offerer_name, f.category, f.item,
  f.unit, f.currency, f.total, f.allocated, f.remaining, f.available_from::text AS available_from, f.place_name,
  f.lat, f.lon, f.note, f.status, f.created_at, f.version`;
const OFFER_FROM = sql`aid_offers f ${joinOrganisation('o', sql`f.offerer_org_id`)}`;

export function offerOf(r: any): Offer {
  return {
    id: r.id,
    kind: r.kind,
    source: r.source,
    offererOrgId: r.offerer_org_id,
    offererName: r.offerer_name ?? null,
    category: r.category,
    item: r.item,
    unit: r.unit,
    currency: r.currency,
    total: Number(r.total),
    allocated: Number(r.allocated),
    remaining: Number(r.remaining),
    availableFrom: r.available_from ?? null,
    placeName: r.place_name,
    lat: r.lat,
    lon: r.lon,
    note: r.note,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    version: Number(r.version),
  };
}

/**
 * A member organisation offers goods (or money) for itself; the Solidarity Fund's money is
 * offered by a treasurer or the centre. Money is always in integer minor units.
 */
export const postOffer = defineUseCase({
  name: 'aid.postOffer',
  kind: 'write',
  audit: 'aid_offer',
  allow: checkWrite,
  input: postOfferInput,
  async run(uc) {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    if (input.source === 'fund') {
      if (input.kind !== 'money')
        throw invalidField('kind', 'fund_offers_money', 'the Solidarity Fund offers money');
      if (!isCentre(actor) && !hasAnyRole(actor, ['treasurer']))
        throw new AppError('forbidden', { needed: ['treasurer'] });
    } else {
      if (!input.offererOrgId) throw invalidField('offererOrgId', 'required');
      if (!isCentre(actor) && !actsFor(actor, input.offererOrgId))
        throw new AppError('forbidden', { needed: ['member'] });
    }
    if (input.kind === 'goods' && (!input.quantity || !input.unit))
      throw invalidField('quantity', 'required', 'goods need a quantity and unit');
    if (input.kind === 'money' && (!input.amountMinor || !input.currency))
      throw invalidField('amountMinor', 'required', 'money needs an amount and currency');
    if ((input.lat == null) !== (input.lon == null))
      throw invalidField('lat', 'lat_lon_together', 'latitude and longitude go together');
    const org =
      input.source === 'member' && input.offererOrgId
        ? await organisationPlace(ctx.db, input.offererOrgId, 'offererOrgId')
        : null;
    const goods = input.kind === 'goods';
    const r = await ctx.db.execute<{ id: string }>(sql`
      INSERT INTO aid_offers (kind, source, offerer_org_id, category, item, unit, currency, total, available_from,
        place_name, lat, lon, note, posted_by, created_at, updated_at)
      VALUES (${input.kind}, ${input.source}, ${org?.id ?? null}, ${input.category}, ${input.item},
        ${goods ? input.unit : null}, ${goods ? null : input.currency}, ${goods ? input.quantity : input.amountMinor},
        ${input.availableFrom ?? null}, ${input.placeName || null}, ${input.lat ?? org?.lat ?? null},
        ${input.lon ?? org?.lon ?? null}, ${input.note || null}, ${actor.userId}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
      RETURNING id`);
    const id = r.rows[0].id;
    await uc.audit({ action: 'create', entityId: id, after: input });
    return loadOffer(ctx.db, id);
  },
});

async function loadOffer(db: Ctx['db'], id: string): Promise<Offer> {
  const r = await db.execute(sql`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE f.id = ${id}`);
  if (!r.rows[0]) throw notFound('offer');
  return offerOf(r.rows[0]);
}

export const getOffer = defineUseCase({
  name: 'aid.getOffer',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: uuid }),
  run: ({ ctx, input }) => loadOffer(ctx.db, input.id),
});

/** Withdraw what is left of an offer (allocations already made stand). */
export const withdrawOffer = defineUseCase({
  name: 'aid.withdrawOffer',
  kind: 'write',
  audit: 'aid_offer',
  allow: checkWrite,
  input: z.object({ id: uuid, version: z.coerce.number().int().positive() }).strict(),
  async run(uc) {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const r = await ctx.db.execute(
      sql`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE f.id = ${input.id} FOR UPDATE OF f`,
    );
    if (!r.rows[0]) throw notFound('offer');
    const before = offerOf(r.rows[0]);
    const mayWithdraw =
      isCentre(actor) ||
      (before.offererOrgId ? actsFor(actor, before.offererOrgId) : hasAnyRole(actor, ['treasurer']));
    if (!mayWithdraw) throw new AppError('forbidden');
    if (before.version !== input.version)
      throw new AppError('conflict', { reason: 'stale_version', current: before.version });
    if (before.status !== 'open')
      throw new AppError('invalid_transition', { from: before.status, to: 'withdrawn' });
    await ctx.db.execute(sql`UPDATE aid_offers SET status = 'withdrawn', version = version + 1,
      updated_at = ${ctx.now.toISOString()} WHERE id = ${input.id}`);
    await uc.audit({ action: 'withdraw', entityId: input.id, before: { status: before.status } });
    return loadOffer(ctx.db, input.id);
  },
});

const offerFilters = z
  .object({
    kind: z.enum(['goods', 'money']).optional(),
    category: z.enum(clusters).optional(),
    open: z.boolean().optional(),
    offererOrgId: uuid.optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const listOffers = defineUseCase({
  name: 'aid.listOffers',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: offerFilters,
  async run({ ctx, input: f }): Promise<Offer[]> {
    const conds = [sql`TRUE`];
    if (f.kind) conds.push(sql`f.kind = ${f.kind}`);
    if (f.category) conds.push(sql`f.category = ${f.category}`);
    if (f.offererOrgId) conds.push(sql`f.offerer_org_id = ${f.offererOrgId}`);
    if (f.open) conds.push(sql`f.status = 'open' AND f.total > f.allocated`);
    const r =
      await ctx.db.execute(sql`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE ${sql.join(conds, sql` AND `)}
      ORDER BY f.created_at DESC, f.id DESC LIMIT ${Math.min(f.limit ?? 100, 500)}`);
    return r.rows.map(offerOf);
  },
});
