import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { type OrganisationRef, organisationRefs, searchOrganisationRefs } from '../directory/index.ts';
import { isCentre, memberOrgs, requireSignedIn } from './access.ts';

const NEIGHBOURS = ['UA', 'PL', 'MD', 'RO', 'SK', 'HU'];
const PLACES = ['city', 'municipality', 'region'] as const;
// The directory's search answers at most 100 places: the largest of Ukraine and its neighbours.
const LARGEST = 100;

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
  const ids = [...memberOrgs(ctx.actor)];
  let largest: OrganisationRef[] = [];
  if (isCentre(ctx.actor)) {
    const inAid = await ctx.db.execute<{ id: string | null }>(sql`SELECT community_org_id AS id FROM aid_needs
      UNION SELECT offerer_org_id FROM aid_offers UNION SELECT org_id FROM aid_capacity`);
    for (const r of inAid.rows) if (r.id) ids.push(r.id);
    largest = await searchOrganisationRefs(ctx.db, '', {
      kinds: PLACES,
      countries: NEIGHBOURS,
      limit: LARGEST,
    });
  }
  const all = new Map<string, OrganisationRef>();
  for (const o of [...(await organisationRefs(ctx.db, ids)).values(), ...largest])
    if (!o.archived) all.set(o.id, o);
  return [...all.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, 1000)
    .map((o) => ({ value: o.id, label: o.country ? `${o.name} (${o.country})` : o.name }));
}
