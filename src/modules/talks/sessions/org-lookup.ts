import type { DbOrTx } from '../../../core/db/tx.ts';
import { type Locale, pick } from '../../../core/i18n/i18n.ts';
import {
  existingOrganisationIds,
  organisationRefs,
  personExists,
  personIdsByName,
  searchOrganisationRefs,
} from '../../directory/index.ts';

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
  // An empty search would list the largest places: no text names no organisation.
  if (!q) return { error: 'unknown_organisation' };
  const found = await searchOrganisationRefs(db, q, { exact: true, limit: 2 });
  if (found.length === 0) return { error: 'unknown_organisation' };
  if (found.length > 1) return { error: 'ambiguous_organisation' };
  return { id: found[0].id };
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
  const found = await personIdsByName(db, q, 2);
  if (found.length === 0) return { error: 'unknown_person' };
  if (found.length > 1) return { error: 'ambiguous_person' };
  return { id: found[0] };
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
