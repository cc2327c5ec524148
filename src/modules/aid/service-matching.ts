import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead } from './access.ts';
import { type Offer, offerOf } from './service-offers.ts';

export interface Proposal {
  offer: Offer;
  score: number;
  /** Why it ranks where it does, for the coordinator. */
  itemFit: 'exact' | 'similar' | 'category';
  similarity: number;
  distanceKm: number | null;
  /** The offer is available on or before the need's date (or either has no date). */
  inTime: boolean;
  /** How much of what the need lacks this offer could cover, in the need's unit (goods). */
  canCover: number | null;
}

// How many candidates each prefilter hands to the ranking: enough for good proposals, few enough to rank in a few ms.
const EXACT_LIMIT = 100;
const SIMILAR_LIMIT = 60;
const NEAR_LIMIT = 100;
const CATEGORY_LIMIT = 40;

/** Open offers with something left: the condition of the partial indexes, repeated so that the planner uses them. */
const OPEN = sql.raw(`f.status = 'open' AND f.total > f.allocated`);

/**
 * Offers proposed for a need, best first. Candidates come from four index-backed prefilters
 * (exact item, nearest spellings by trigram distance, same cluster nearest first, same cluster earliest
 * available), then one ranking over at most a few hundred rows:
 *   item fit (exact 1, trigram similarity, same cluster only 0.2) × 0.45
 * + same cluster × 0.15 + in time × 0.15 + nearness 1/(1 + km/250) × 0.25,
 * and the need's priority makes time and distance count more (critical ×1.5, high ×1.25).
 * Goods must be in the need's unit; money offers fit any need of their cluster.
 */
export const proposeOffers = defineUseCase({
  name: 'aid.proposeOffers',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: uuid, limit: z.coerce.number().int().optional() }).strict(),
  run: ({ ctx, input }) => propose(ctx, input.id, Math.min(Math.max(input.limit ?? 10, 1), 50)),
});

async function propose(ctx: Ctx, needId: string, limit: number): Promise<Proposal[]> {
  const found = await ctx.db.execute<{
    id: string;
    category: string;
    item_norm: string;
    unit: string;
    lat: number | null;
    lon: number | null;
    needed_by: string | null;
    lacking: string;
    priority: string;
  }>(sql`SELECT id, category, item_norm, lower(unit) AS unit, lat, lon, needed_by::text AS needed_by,
           quantity - allocated_qty AS lacking, priority FROM aid_needs WHERE id = ${needId}`);
  const need = found.rows[0];
  if (!need) throw notFound('need');
  if (Number(need.lacking) <= 0) return [];
  const urgency = need.priority === 'critical' ? 1.5 : need.priority === 'high' ? 1.25 : 1;
  const hasPlace = need.lat !== null && need.lon !== null;
  const near = hasPlace
    ? sql`UNION (SELECT f.id FROM aid_offers f WHERE ${OPEN} AND f.category = ${need.category}
               AND f.lat IS NOT NULL AND f.lon IS NOT NULL
               ORDER BY point(f.lon, f.lat) <-> point(${need.lon}, ${need.lat}) LIMIT ${NEAR_LIMIT})`
    : sql``;
  const distance = hasPlace
    ? sql`CASE WHEN f.lat IS NULL OR f.lon IS NULL THEN NULL ELSE
        2 * 6371 * asin(sqrt(
          power(sin(radians(f.lat - ${need.lat}) / 2), 2) +
          cos(radians(${need.lat})) * cos(radians(f.lat)) * power(sin(radians(f.lon - ${need.lon}) / 2), 2)))
        END`
    : sql`NULL::float8`;
  const { rows } = await ctx.db.execute(sql`
      WITH cand AS (
        (SELECT f.id FROM aid_offers f WHERE ${OPEN} AND f.item_norm = ${need.item_norm} LIMIT ${EXACT_LIMIT})
        UNION
        (SELECT f.id FROM aid_offers f WHERE ${OPEN}
          ORDER BY f.item_norm <-> ${need.item_norm} LIMIT ${SIMILAR_LIMIT})
        ${near}
        UNION
        (SELECT f.id FROM aid_offers f WHERE ${OPEN} AND f.category = ${need.category}
          ORDER BY f.available_from LIMIT ${CATEGORY_LIMIT})
      ),
      scored AS (
        SELECT f.*, o.name AS offerer_name,
          CASE WHEN f.item_norm = ${need.item_norm} THEN 1.0
               ELSE similarity(f.item_norm, ${need.item_norm}) END AS sim,
          ${distance} AS km,
          (${need.needed_by}::date IS NULL OR f.available_from IS NULL OR f.available_from <= ${need.needed_by}::date) AS in_time
        FROM aid_offers f ${joinOrganisation('o', sql`f.offerer_org_id`)}
        WHERE f.id = ANY(ARRAY(SELECT id FROM cand)) AND ${OPEN} AND (f.kind = 'money' OR lower(f.unit) = ${need.unit})
      )
      SELECT *, available_from::text AS available_from,
        0.45 * CASE WHEN sim = 1.0 THEN 1.0 WHEN sim >= 0.3 THEN sim WHEN category = ${need.category} THEN 0.2 ELSE 0 END
        + 0.15 * (category = ${need.category})::int
        + 0.15 * ${urgency} * in_time::int
        + 0.25 * ${urgency} * COALESCE(1.0 / (1.0 + km / 250.0), 0.3) AS score
      FROM scored
      ORDER BY score DESC, remaining DESC, id
      LIMIT ${limit}`);
  const lacking = Number(need.lacking);
  return rows.map((r) => {
    const sim = Number(r.sim);
    const offer = offerOf(r);
    return {
      offer,
      score: Math.round(Number(r.score) * 1000) / 1000,
      itemFit: sim === 1 ? 'exact' : sim >= 0.3 ? 'similar' : 'category',
      similarity: Math.round(sim * 100) / 100,
      distanceKm: r.km === null ? null : Math.round(Number(r.km)),
      inTime: Boolean(r.in_time),
      canCover: offer.kind === 'goods' ? Math.min(offer.remaining, lacking) : null,
    };
  });
}
