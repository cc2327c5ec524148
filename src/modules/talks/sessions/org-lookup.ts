import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { type Locale, pick } from '../../../core/i18n/i18n.ts';
import { existingOrganisationIds, organisationRefs, personExists } from '../../directory/index.ts';

const isUuid = (q: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q);

/**
 * Forms name an organisation the way people do ("PAX", "The Hague", or its id) rather than with a
 * list of thousands of options. The answer is the one matching organisation, or why there is none.
 */
export async function lookUpOrganisation(
  db: DbOrTx,
  text: string,
): Promise<{ id: string } | { error: 'unknown_organisation' | 'ambiguous_organisation' }> {
  const q = text.trim();
  if (isUuid(q)) {
    const id = q.toLowerCase();
    return (await existingOrganisationIds(db, [id])).has(id) ? { id } : { error: 'unknown_organisation' };
  }
  const r = await db.execute<{ id: string }>(sql`
    SELECT id FROM organisations
    WHERE archived_at IS NULL AND (lower(name) = lower(${q}) OR lower(acronym) = lower(${q})
      OR EXISTS (SELECT 1 FROM jsonb_each_text(names) n WHERE lower(n.value) = lower(${q})))
    LIMIT 2`);
  if (r.rows.length === 0) return { error: 'unknown_organisation' };
  if (r.rows.length > 1) return { error: 'ambiguous_organisation' };
  return r.rows[0];
}

/** A person named in a form (exact name, any case, or id), among people not archived. */
export async function lookUpPerson(
  db: DbOrTx,
  text: string,
): Promise<{ id: string } | { error: 'unknown_person' | 'ambiguous_person' }> {
  const q = text.trim();
  if (isUuid(q)) {
    const id = q.toLowerCase();
    return (await personExists(db, id)) ? { id } : { error: 'unknown_person' };
  }
  const r = await db.execute<{ id: string }>(sql`
    SELECT id FROM people WHERE archived_at IS NULL AND lower(name) = lower(${q}) LIMIT 2`);
  if (r.rows.length === 0) return { error: 'unknown_person' };
  if (r.rows.length > 1) return { error: 'ambiguous_person' };
  return r.rows[0];
}

/** Names of organisations in the reader's language, by their default name (for a form's choices). */
export async function organisationNames(
  db: DbOrTx,
  ids: string[],
  locale: Locale,
): Promise<{ id: string; name: string }[]> {
  const refs = [...(await organisationRefs(db, ids)).values()];
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return refs.map((o) => ({ id: o.id, name: pick(o.names, locale, o.name).text }));
}
