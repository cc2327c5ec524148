import { sql } from 'drizzle-orm';
import type { ResponseCache } from '../../core/cache/response-cache.ts';
import type { Database } from '../../core/db/pool.ts';
import { activeMembershipRow, activeMembershipSql } from './read-api.ts';

/** The network in numbers, for the home page. */
export interface NetworkFigures {
  /** Organisations with an active membership of a Section or network. */
  members: number;
  sections: number;
  activeMemberships: number;
  /** Countries of the member organisations. */
  countries: number;
  /** Per kind: every organisation in the directory, and those that are members. */
  byKind: { kind: string; total: number; members: number }[];
}

// The home page is the most visited page: its counts (two aggregates over every organisation)
// are kept in the cache of public answers, which every change empties.
const CACHE_KEY = 'site:network-figures';

/** Counts of the directory for the home page; when they cannot be read, the page shows none. */
export async function networkFigures(
  database: Database,
  cache: ResponseCache,
): Promise<NetworkFigures | null> {
  const hit = cache.get(CACHE_KEY) as NetworkFigures | undefined;
  if (hit) return hit;
  const generation = cache.generation;
  let value: NetworkFigures | null = null;
  try {
    // Two connections of the pool at once: the two aggregates run side by side.
    const [kinds, totals] = await Promise.all([
      database.db.execute<{ kind: string; total: number; members: number }>(sql`
        SELECT o.kind, count(*)::int AS total,
               count(*) FILTER (WHERE ${activeMembershipSql(sql`o.id`)})::int AS members
          FROM organisations o
         WHERE o.archived_at IS NULL
         GROUP BY o.kind
         ORDER BY members DESC, total DESC, o.kind`),
      database.db.execute<{ memberships: number; members: number; countries: number }>(sql`
        SELECT count(*)::int AS memberships,
               count(DISTINCT m.member_id)::int AS members,
               count(DISTINCT o.country)::int AS countries
          FROM memberships m JOIN organisations o ON o.id = m.member_id
         WHERE ${activeMembershipRow('m')} AND o.archived_at IS NULL`),
    ]);
    const t = totals.rows[0];
    value = {
      members: t?.members ?? 0,
      activeMemberships: t?.memberships ?? 0,
      countries: t?.countries ?? 0,
      sections: kinds.rows.find((r) => r.kind === 'section')?.total ?? 0,
      byKind: kinds.rows,
    };
  } catch {
    value = null;
  }
  if (value) cache.set(CACHE_KEY, value, 2048, generation);
  return value;
}
