import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineUseCase } from '../../core/module/use-case.ts';
import { requireRole, requireScope } from '../../core/policy/policy.ts';
import { activeMembershipSql, joinOrganisation } from '../directory/index.ts';
import { GRANT_MAKERS } from './service-postings.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Organisations a treasurer may pick: those the fund already knows, the network's active
 * members, those already selected, and those matching the search. The directory may hold 135,000
 * cities, so never all of them.
 */
export const organisationChoices = defineUseCase({
  name: 'fund.organisationChoices',
  kind: 'read',
  allow: (ctx) => {
    requireRole(ctx, GRANT_MAKERS);
    requireScope(ctx, 'read');
  },
  input: z.object({ q: z.string().optional(), selected: z.array(z.string()).optional() }).strict(),
  run: async ({ ctx, input }): Promise<{ id: string; name: string }[]> => {
    const term = (input.q ?? '').trim().slice(0, 200);
    const ids = (input.selected ?? []).filter((s) => UUID.test(s));
    // The directory's read API offers no organisation search yet: every organisation is joined
    // (on its own id) and filtered here, with the directory's unaccented search text.
    const r = await ctx.db.execute<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM (SELECT 1) AS one
      ${joinOrganisation('o', sql`o.id`, { inner: true })}
      WHERE o.archived_at IS NULL AND (
        o.id IN (SELECT org_id FROM fund_accounts WHERE org_id IS NOT NULL)
        OR ${activeMembershipSql(sql`o.id`)}
        OR o.id = ANY(${sql.param(ids)}::uuid[])
        ${term ? sql`OR o.search_text LIKE '%' || lower(f_unaccent(${term})) || '%'` : sql``}
      )
      ORDER BY o.name, o.id LIMIT 500`);
    return r.rows;
  },
});
