import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { sqlUuids } from '../../core/db/sql-arrays.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { isCentre, memberOrgs, requireSignedIn } from './access.ts';

/**
 * Organisations offered in the aid forms' selects: those the reader acts for; for the centre,
 * also every organisation already in the aid centre and the largest cities of Ukraine and its
 * neighbours (a directory of 100,000 places cannot be one select).
 */
export const organisationChoices = defineUseCase({
  name: 'aid.organisationChoices',
  kind: 'read',
  allow: requireSignedIn,
  input: z.object({}).strict(),
  run: ({ ctx }) => choices(ctx),
});

async function choices(ctx: Ctx): Promise<{ value: string; label: string }[]> {
  const mine = memberOrgs(ctx.actor);
  const centre = isCentre(ctx.actor);
  const r = await ctx.db.execute<{ id: string; name: string; country: string | null }>(sql`
    SELECT id, name, country FROM organisations o WHERE archived_at IS NULL AND (
      id = ANY(${sqlUuids(mine)})
      ${
        centre
          ? sql`OR id IN (SELECT community_org_id FROM aid_needs UNION SELECT offerer_org_id FROM aid_offers
                  UNION SELECT org_id FROM aid_capacity)
               OR id IN (SELECT id FROM organisations WHERE archived_at IS NULL
                  AND country IN ('UA', 'PL', 'MD', 'RO', 'SK', 'HU') AND kind IN ('city', 'municipality', 'region')
                  ORDER BY population DESC NULLS LAST LIMIT 300)`
          : sql``
      })
    ORDER BY name LIMIT 1000`);
  return r.rows.map((o) => ({ value: o.id, label: o.country ? `${o.name} (${o.country})` : o.name }));
}
