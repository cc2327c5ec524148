import { type SQL, sql } from 'drizzle-orm';
import { sqlTexts } from '../../core/db/sql-arrays.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import type { I18nText } from '../../core/validation/input.ts';
import type { OrganisationKind } from './schema.ts';

/**
 * The directory's read API: what other parts may know of organisations, Sections, memberships
 * and people. They call these functions, or compose the SQL fragments below into their own
 * queries (a list of aid needs shows each community's name); they never write SQL on the
 * directory's tables themselves, so that the tables can change here alone.
 */

export type OrganisationRef = {
  id: string;
  kind: OrganisationKind;
  name: string;
  names: I18nText;
  country: string | null;
  lat: number | null;
  lon: number | null;
  archived: boolean;
};

const refColumns = sql`o.id, o.kind, o.name, o.names, o.country, o.lat, o.lon, (o.archived_at IS NOT NULL) AS archived`;

/**
 * "Active member", defined once: an active membership whose end date, if any, is not past.
 * `member` and `group` are SQL expressions of organisation ids (a column of the caller's query).
 */
export function activeMembershipSql(member: SQL, group?: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM memberships m_active WHERE m_active.member_id = ${member}
    ${group ? sql`AND m_active.group_id = ${group}` : sql``} AND ${activeMembershipRow('m_active')})`;
}

/**
 * The same definition on a row `alias` of `memberships` that the caller's query already reads
 * (counting a Section's members, the map, the home figures). For the directory's own queries.
 */
export function activeMembershipRow(alias: string): SQL {
  const m = sql.identifier(alias);
  return sql`(${m}.status = 'active' AND (${m}.until IS NULL OR ${m}.until >= current_date))`;
}

/** `LEFT JOIN` of the organisation `alias` on an id expression of the caller's query. */
export function joinOrganisation(alias: string, id: SQL, opts: { inner?: boolean } = {}): SQL {
  const a = sql.identifier(alias);
  return sql`${opts.inner ? sql`JOIN` : sql`LEFT JOIN`} organisations ${a} ON ${a}.id = ${id}`;
}

/** `LEFT JOIN` of the person `alias` on an id expression of the caller's query. */
export function joinPerson(alias: string, id: SQL): SQL {
  const a = sql.identifier(alias);
  return sql`LEFT JOIN people ${a} ON ${a}.id = ${id}`;
}

/** References of the organisations among `ids` (archived ones included, flagged). */
export async function organisationRefs(
  db: DbOrTx,
  ids: readonly string[],
): Promise<Map<string, OrganisationRef>> {
  const valid = [...new Set(ids)].filter(isUuid);
  if (valid.length === 0) return new Map();
  const r = await db.execute<OrganisationRef>(
    sql`SELECT ${refColumns} FROM organisations o WHERE o.id = ANY(${`{${valid.join(',')}}`}::uuid[])`,
  );
  return new Map(r.rows.map((o) => [o.id, o]));
}

export async function organisationRef(db: DbOrTx, id: string): Promise<OrganisationRef | null> {
  return (await organisationRefs(db, [id])).get(id) ?? null;
}

/** The ids among `ids` that name an organisation of the directory that is not archived. */
export async function existingOrganisationIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  const refs = await organisationRefs(db, ids);
  return new Set([...refs.values()].filter((o) => !o.archived).map((o) => o.id));
}

/** Whether the person exists and is not archived. */
export async function personExists(db: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db.execute(sql`SELECT 1 FROM people WHERE id = ${id} AND archived_at IS NULL`);
  return r.rows.length > 0;
}

/** The Sections of the network (not archived), by name. */
export async function listSections(db: DbOrTx): Promise<OrganisationRef[]> {
  const r = await db.execute<OrganisationRef>(
    sql`SELECT ${refColumns} FROM organisations o WHERE o.kind = 'section' AND o.archived_at IS NULL ORDER BY o.name`,
  );
  return r.rows;
}

/** The active members of a Section (or any group), as organisation ids. */
export async function activeMemberIds(db: DbOrTx, groupId: string): Promise<string[]> {
  if (!isUuid(groupId)) return [];
  const r = await db.execute<{ id: string }>(
    sql`SELECT o.id FROM organisations o WHERE ${activeMembershipSql(sql`o.id`, sql`${groupId}::uuid`)}`,
  );
  return r.rows.map((x) => x.id);
}

export interface OrganisationSearch {
  kinds?: readonly OrganisationKind[];
  /** ISO 3166-1 alpha-2 codes. */
  countries?: readonly string[];
  /**
   * Only organisations one of whose names (any language, the acronym) is `q`, ignoring case: for a
   * form where people name one organisation ("PAX", "The Hague"). Otherwise close spellings match.
   */
  exact?: boolean;
  /** 20 unless given, at most 100. */
  limit?: number;
}

/**
 * Organisations (not archived) for pickers: those whose names contain `q` or spell it closely
 * (trigrams on every name, unaccented), the exact name first, then larger places. An empty `q`
 * lists the largest places of the kinds and countries asked for.
 */
export async function searchOrganisationRefs(
  db: DbOrTx,
  q: string,
  opts: OrganisationSearch = {},
): Promise<OrganisationRef[]> {
  const text = q.trim().slice(0, 200);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20) || 20, 1), 100);
  const where: SQL[] = [sql`o.archived_at IS NULL`];
  if (opts.kinds?.length) where.push(sql`o.kind = ANY(${sqlTexts(opts.kinds)})`);
  if (opts.countries?.length) where.push(sql`o.country = ANY(${sqlTexts(opts.countries)})`);
  const needle = sql`lower(f_unaccent(${text}))`;
  let rank = sql``;
  if (text && opts.exact) {
    where.push(sql`(lower(o.name) = lower(${text}) OR lower(o.acronym) = lower(${text})
      OR EXISTS (SELECT 1 FROM jsonb_each_text(o.names) n WHERE lower(n.value) = lower(${text})))`);
  } else if (text) {
    const like = text.replace(/[%_\\]/g, '\\$&');
    where.push(
      sql`(o.search_text LIKE '%' || lower(f_unaccent(${like})) || '%' OR ${needle} <% o.search_text)`,
    );
    rank = sql`(lower(f_unaccent(o.name)) = ${needle}) DESC, word_similarity(${needle}, o.search_text) DESC,`;
  }
  const r = await db.execute<OrganisationRef>(sql`
    SELECT ${refColumns} FROM organisations o WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${rank} o.population DESC NULLS LAST, o.name, o.id LIMIT ${limit}`);
  return r.rows;
}

/** People (not archived) named exactly `name`, ignoring case: for a form naming one person. */
export async function personIdsByName(db: DbOrTx, name: string, limit = 2): Promise<string[]> {
  const text = name.trim();
  if (!text) return [];
  const r = await db.execute<{ id: string }>(sql`
    SELECT id FROM people WHERE archived_at IS NULL AND lower(name) = lower(${text})
    ORDER BY id LIMIT ${Math.min(Math.max(limit, 1), 100)}`);
  return r.rows.map((p) => p.id);
}

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
