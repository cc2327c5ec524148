import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead } from './access.ts';
import { type NeedStatus, needStatuses } from './schema.ts';
import type { MapPlace } from './views/map.tsx';

export interface AidSummary {
  needsByStatus: Record<NeedStatus, number>;
  places: MapPlace[];
  shipmentsInTransit: number;
  capacity: { available: number; used: number; lrgs: number };
}

/** The figures and map places of the dashboard, in three aggregate queries. */
export const aidSummary = defineUseCase({
  name: 'aid.summary',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({}).strict(),
  run: ({ ctx }) => summary(ctx),
});

async function summary(ctx: Ctx): Promise<AidSummary> {
  const byStatus = await ctx.db.execute<{ status: NeedStatus; n: string }>(
    sql`SELECT status, count(*) AS n FROM aid_needs GROUP BY status`,
  );
  const needsByStatus = Object.fromEntries(needStatuses.map((s) => [s, 0])) as Record<NeedStatus, number>;
  for (const r of byStatus.rows) needsByStatus[r.status] = Number(r.n);
  // Each place shows its least covered need: the order of needStatuses is the order of coverage.
  const places = await ctx.db.execute<{
    name: string;
    lat: number;
    lon: number;
    rank: number;
    n: string;
  }>(sql`
    SELECT coalesce(n.place_name, o.name) AS name, n.lat, n.lon, count(*) AS n,
      min(array_position(${sql.raw(`ARRAY[${needStatuses.map((s) => `'${s}'`).join(',')}]::text[]`)}, n.status)) AS rank
    FROM aid_needs n ${joinOrganisation('o', sql`n.community_org_id`, { inner: true })}
    WHERE n.lat IS NOT NULL AND n.lon IS NOT NULL AND n.created_at > ${ctx.now.toISOString()}::timestamptz - interval '365 days'
    GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 300`);
  const moving = await ctx.db.execute<{ n: string }>(
    sql`SELECT count(*) AS n FROM aid_shipments WHERE status = 'in_transit'`,
  );
  const cap = await ctx.db.execute<{ available: string | null; used: string | null; lrgs: string }>(sql`
    SELECT sum(total_available) AS available, sum(total_used) AS used, count(*) AS lrgs FROM aid_capacity c
    WHERE as_of = (SELECT max(as_of) FROM aid_capacity l WHERE l.org_id = c.org_id)`);
  return {
    needsByStatus,
    places: places.rows.map((p) => ({
      name: p.name,
      lat: Number(p.lat),
      lon: Number(p.lon),
      count: Number(p.n),
      status: needStatuses[Number(p.rank) - 1],
    })),
    shipmentsInTransit: Number(moving.rows[0].n),
    capacity: {
      available: Number(cap.rows[0].available ?? 0),
      used: Number(cap.rows[0].used ?? 0),
      lrgs: Number(cap.rows[0].lrgs),
    },
  };
}
