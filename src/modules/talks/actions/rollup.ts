import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { uuidArray } from './access.ts';

/**
 * Progress of nested actions. A parent's progress is the average of its children's, weighted by
 * their `weight` (rollup `weighted`) or not (`plain`), rounded to a whole percent; dropped
 * children do not count, so a sub-action given up does not hold its parent back. A parent whose
 * children are all dropped keeps the progress it had.
 *
 * Locking: every writer locks the actions it changes together with all their ancestors, in one
 * statement ordered by (depth, id), before reading them. The order is the same for everyone, so
 * two writers never wait on each other in a cycle, and a parent is recomputed only by whoever
 * holds its lock, from children that can no longer change under it.
 */

export type ProgressChange = {
  id: string;
  from: number;
  to: number;
};

/** Lock `ids` and their ancestors (root first); returns the locked rows' ids and depths. */
export async function lockWithAncestors(tx: DbOrTx, ids: string[]): Promise<{ id: string; depth: number }[]> {
  if (ids.length === 0) return [];
  const r = await tx.execute<{ id: string; depth: number }>(sql`
    WITH RECURSIVE up(id, parent_id, hops) AS (
      SELECT id, parent_id, 0 FROM talks_actions WHERE id = ANY(${uuidArray(ids)})
      UNION
      SELECT a.id, a.parent_id, up.hops + 1 FROM talks_actions a JOIN up ON a.id = up.parent_id
      WHERE up.hops < 3)
    SELECT a.id, a.depth FROM talks_actions a WHERE a.id IN (SELECT id FROM up)
    ORDER BY a.depth, a.id FOR UPDATE OF a`);
  return r.rows;
}

/**
 * Recompute the ancestors of the actions `changedIds`, deepest level first, in the caller's
 * transaction (which holds the locks of `lockWithAncestors`). Returns the ancestors whose
 * progress changed.
 */
export async function rollUp(tx: DbOrTx, changedIds: string[], now: Date): Promise<ProgressChange[]> {
  if (changedIds.length === 0) return [];
  const anc = await tx.execute<{ id: string; depth: number }>(sql`
    WITH RECURSIVE up(id, hops) AS (
      SELECT parent_id, 0 FROM talks_actions WHERE id = ANY(${uuidArray(changedIds)}) AND parent_id IS NOT NULL
      UNION
      SELECT a.parent_id, up.hops + 1 FROM talks_actions a JOIN up ON a.id = up.id
      WHERE a.parent_id IS NOT NULL AND up.hops < 3)
    SELECT DISTINCT a.id, a.depth FROM talks_actions a JOIN up ON a.id = up.id`);
  const changes: ProgressChange[] = [];
  for (const depth of [1, 0]) {
    const level = anc.rows.filter((a) => a.depth === depth).map((a) => a.id);
    if (level.length === 0) continue;
    const r = await tx.execute<ProgressChange>(sql`
      WITH agg AS (
        SELECT c.parent_id AS id,
          round((CASE WHEN min(p.rollup) = 'plain' THEN avg(c.progress)::float8
                      ELSE sum(c.progress * c.weight) / nullif(sum(c.weight), 0) END)::numeric)::int AS value
        FROM talks_actions c JOIN talks_actions p ON p.id = c.parent_id
        WHERE c.parent_id = ANY(${uuidArray(level)}) AND c.status <> 'dropped'
        GROUP BY c.parent_id),
      old AS (SELECT id, progress FROM talks_actions WHERE id = ANY(${uuidArray(level)}))
      UPDATE talks_actions t SET progress = agg.value, updated_at = ${now.toISOString()}
      FROM agg JOIN old ON old.id = agg.id
      WHERE t.id = agg.id AND agg.value IS NOT NULL AND agg.value <> old.progress
      RETURNING t.id, old.progress AS "from", t.progress AS "to"`);
    changes.push(...r.rows);
  }
  return changes;
}
