import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { requireActor } from '../../core/policy/policy.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead, checkWrite, organisationPlace, requireCentre, requireCentreOrMember } from './access.ts';
import { postNeedInput, verifyNeedInput } from './input.ts';
import { type Cluster, clusters, type NeedStatus, needStatuses, type Priority } from './schema.ts';

export interface Need {
  id: string;
  communityOrgId: string;
  communityName: string;
  country: string | null;
  category: Cluster;
  item: string;
  quantity: number;
  unit: string;
  priority: Priority;
  neededBy: string | null;
  description: string | null;
  placeName: string | null;
  lat: number | null;
  lon: number | null;
  allocatedQty: number;
  deliveredQty: number;
  lacking: number;
  status: NeedStatus;
  verifiedAt: string | null;
  verifiedByName: string | null;
  createdAt: string;
  version: number;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const day = (v: unknown) =>
  v ? (typeof v === 'string' ? v : new Date(v as Date).toISOString().slice(0, 10)) : null;

export const NEED_COLUMNS = sql`n.id, n.community_org_id, o.name AS community_name, o.country, n.category, n.item,
  n.quantity, n.unit, n.priority, n.needed_by::text AS needed_by, n.description, n.place_name, n.lat, n.lon,
  n.allocated_qty, n.delivered_qty, n.status, n.verified_at, u.name AS verified_by_name, n.created_at, n.version`;
export const NEED_FROM = sql`aid_needs n ${joinOrganisation('o', sql`n.community_org_id`, { inner: true })}
  LEFT JOIN users u ON u.id = n.verified_by`;

export function needOf(r: any): Need {
  return {
    id: r.id,
    communityOrgId: r.community_org_id,
    communityName: r.community_name,
    country: r.country ?? null,
    category: r.category,
    item: r.item,
    quantity: Number(r.quantity),
    unit: r.unit,
    priority: r.priority,
    neededBy: day(r.needed_by),
    description: r.description,
    placeName: r.place_name,
    lat: r.lat,
    lon: r.lon,
    allocatedQty: Number(r.allocated_qty),
    deliveredQty: Number(r.delivered_qty),
    lacking: Number(r.quantity) - Number(r.allocated_qty),
    status: r.status,
    verifiedAt: iso(r.verified_at),
    verifiedByName: r.verified_by_name ?? null,
    createdAt: iso(r.created_at)!,
    version: Number(r.version),
  };
}

/** A community's member (for their community) or the centre posts a need. */
export const postNeed = defineUseCase({
  name: 'aid.postNeed',
  kind: 'write',
  audit: 'aid_need',
  allow: checkWrite,
  input: postNeedInput,
  async run(uc) {
    const { ctx, input } = uc;
    const actor = requireCentreOrMember(ctx, input.communityOrgId);
    if ((input.lat == null) !== (input.lon == null))
      throw invalidField('lat', 'lat_lon_together', 'latitude and longitude go together');
    const org = await organisationPlace(ctx.db, input.communityOrgId, 'communityOrgId');
    const r = await ctx.db.execute<{ id: string }>(sql`
      INSERT INTO aid_needs (community_org_id, category, item, quantity, unit, priority, needed_by, description,
        place_name, lat, lon, posted_by, created_at, updated_at)
      VALUES (${org.id}, ${input.category}, ${input.item}, ${input.quantity}, ${input.unit}, ${input.priority},
        ${input.neededBy ?? null}, ${input.description || null}, ${input.placeName || null},
        ${input.lat ?? org.lat}, ${input.lon ?? org.lon}, ${actor.userId}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
      RETURNING id`);
    const id = r.rows[0].id;
    await uc.audit({ action: 'create', entityId: id, after: input });
    return loadNeed(ctx.db, id);
  },
});

async function loadNeed(db: Ctx['db'], id: string, forUpdate = false): Promise<Need> {
  const r = await db.execute(
    sql`SELECT ${NEED_COLUMNS} FROM ${NEED_FROM} WHERE n.id = ${id} ${forUpdate ? sql`FOR UPDATE OF n` : sql``}`,
  );
  if (!r.rows[0]) throw notFound('need');
  return needOf(r.rows[0]);
}

/** Needs are aid appeals: public. */
export const getNeed = defineUseCase({
  name: 'aid.getNeed',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: uuid }),
  run: ({ ctx, input }) => loadNeed(ctx.db, input.id),
});

/** The centre verifies a need (who and when are kept); optimistic on `version`. */
export const verifyNeed = defineUseCase({
  name: 'aid.verifyNeed',
  kind: 'write',
  audit: 'aid_need',
  allow: requireCentre,
  input: verifyNeedInput.extend({ id: uuid }),
  async run(uc) {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const before = await loadNeed(ctx.db, input.id, true);
    if (before.version !== input.version)
      throw new AppError('conflict', { reason: 'stale_version', current: before.version });
    if (before.verifiedAt) throw new AppError('invalid_transition', { from: 'verified', to: 'verified' });
    await ctx.db.execute(sql`UPDATE aid_needs SET verified_at = ${ctx.now.toISOString()}, verified_by = ${actor.userId},
      version = version + 1, updated_at = ${ctx.now.toISOString()} WHERE id = ${input.id}`);
    await uc.audit({ action: 'verify', entityId: input.id, before: { verifiedAt: null } });
    return loadNeed(ctx.db, input.id);
  },
});

const needFilters = z
  .object({
    status: z.enum([...needStatuses, 'active']).optional(),
    category: z.enum(clusters).optional(),
    communityOrgId: uuid.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

/** Newest first, keyset-paginated on (created_at, id). `active` = not yet delivered. */
export const listNeeds = defineUseCase({
  name: 'aid.listNeeds',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: needFilters,
  async run({ ctx, input: f }): Promise<{ items: Need[]; nextCursor: string | null }> {
    const limit = Math.min(f.limit ?? 50, 500);
    const conds = [sql`TRUE`];
    if (f.status === 'active') conds.push(sql`n.status <> 'delivered'`);
    else if (f.status) conds.push(sql`n.status = ${f.status}`);
    if (f.category) conds.push(sql`n.category = ${f.category}`);
    if (f.communityOrgId) conds.push(sql`n.community_org_id = ${f.communityOrgId}`);
    if (f.cursor) {
      const [at, id] = Buffer.from(f.cursor, 'base64url').toString().split('|');
      if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id))
        throw invalidField('cursor', 'invalid_cursor', 'invalid cursor');
      conds.push(sql`(n.created_at, n.id) < (${at}::timestamptz, ${id}::uuid)`);
    }
    const r = await ctx.db.execute(sql`SELECT ${NEED_COLUMNS} FROM ${NEED_FROM}
      WHERE ${sql.join(conds, sql` AND `)} ORDER BY n.created_at DESC, n.id DESC LIMIT ${limit + 1}`);
    const items = r.rows.slice(0, limit).map(needOf);
    const last = items[items.length - 1];
    const nextCursor =
      r.rows.length > limit && last
        ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url')
        : null;
    return { items, nextCursor };
  },
});
