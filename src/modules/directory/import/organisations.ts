import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../core/db/tx.ts';
import type { I18nText } from '../../../core/validation/input.ts';
import { memberships, type OrganisationKind, organisations } from '../schema.ts';

/**
 * What an import knows about one organisation. `undefined` leaves the recorded value as it is,
 * so that an empty cell never erases what someone entered.
 */
export interface OrganisationFields {
  kind: OrganisationKind;
  name: string;
  /** Names by language; merged into those recorded (the import's values win). */
  names?: I18nText;
  acronym?: string | null;
  altNames?: string[];
  country?: string | null;
  parentId?: string | null;
  population?: number | null;
  lat?: number | null;
  lon?: number | null;
  geonamesId?: number | null;
  wikidataId?: string | null;
  website?: string | null;
  description?: I18nText | null;
}

export type Outcome = 'created' | 'updated' | 'unchanged';

/** A problem with one input row, reported with its line; the whole import is then rolled back. */
export class RowProblem extends Error {}

type OrgRow = typeof organisations.$inferSelect;

/**
 * Find the organisation a row describes: by Wikidata id, else GeoNames id, else the same kind,
 * country and name (case-insensitive).
 */
async function findExisting(tx: Tx, f: OrganisationFields): Promise<OrgRow | undefined> {
  // One query for the three ways to match. The name match goes through the trigram index of
  // search_text (which holds every name, lower-cased and unaccented) and then compares exactly.
  const pattern = `%${f.name.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const candidates = await tx
    .select()
    .from(organisations)
    .where(
      sql`${organisations.wikidataId} = ${f.wikidataId ?? null}
          OR ${organisations.geonamesId} = ${f.geonamesId ?? null}
          OR (${organisations.kind} = ${f.kind} AND ${organisations.country} IS NOT DISTINCT FROM ${f.country ?? null}
              AND ${organisations.searchText} LIKE f_unaccent(${pattern})
              AND lower(${organisations.name}) = lower(${f.name}))`,
    )
    .limit(10);
  const byWikidata = f.wikidataId ? candidates.find((c) => c.wikidataId === f.wikidataId) : undefined;
  const byGeonames = f.geonamesId ? candidates.find((c) => c.geonamesId === f.geonamesId) : undefined;
  if (byWikidata && byGeonames && byWikidata.id !== byGeonames.id) {
    throw new RowProblem(
      `Wikidata id ${f.wikidataId} and GeoNames id ${f.geonamesId} belong to two different organisations`,
    );
  }
  if (byWikidata ?? byGeonames) return byWikidata ?? byGeonames;
  const byName = candidates.filter(
    (c) =>
      c.kind === f.kind &&
      (c.country ?? null) === (f.country ?? null) &&
      c.name.toLowerCase() === f.name.toLowerCase() &&
      // A name match with a different id is another organisation of the same name, not this one.
      !(f.wikidataId && c.wikidataId && c.wikidataId !== f.wikidataId) &&
      !(f.geonamesId && c.geonamesId && c.geonamesId !== f.geonamesId),
  );
  if (byName.length > 1) throw new RowProblem(`more than one ${f.kind} is named "${f.name}" here`);
  return byName[0];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v ?? null;
}

/** Create or update one organisation; the caller holds the transaction. */
export async function upsertOrganisation(
  tx: Tx,
  f: OrganisationFields,
  now: Date,
): Promise<{ id: string; outcome: Outcome }> {
  const existing = await findExisting(tx, f);
  const names = { ...(existing?.names ?? {}), en: f.name, ...(f.names ?? {}) };
  if (!existing) {
    const [row] = await tx
      .insert(organisations)
      .values({
        kind: f.kind,
        name: f.name,
        names,
        acronym: f.acronym ?? null,
        altNames: f.altNames ?? [],
        country: f.country ?? null,
        parentId: f.parentId ?? null,
        population: f.population ?? null,
        lat: f.lat ?? null,
        lon: f.lon ?? null,
        geonamesId: f.geonamesId ?? null,
        wikidataId: f.wikidataId ?? null,
        website: f.website ?? null,
        description: f.description ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: organisations.id });
    return { id: row.id, outcome: 'created' };
  }
  if (f.parentId && f.parentId === existing.id)
    throw new RowProblem('an organisation cannot be its own parent');
  const wanted: Partial<OrgRow> = { kind: f.kind, name: f.name, names };
  const optional = [
    'acronym',
    'altNames',
    'country',
    'parentId',
    'population',
    'lat',
    'lon',
    'geonamesId',
    'wikidataId',
    'website',
    'description',
  ] as const;
  for (const k of optional) if (f[k] !== undefined) (wanted as Record<string, unknown>)[k] = f[k];
  const changes: Partial<OrgRow> = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (!sameJson(v, existing[k as keyof OrgRow])) (changes as Record<string, unknown>)[k] = v;
  }
  if (Object.keys(changes).length === 0) return { id: existing.id, outcome: 'unchanged' };
  await tx
    .update(organisations)
    .set({ ...changes, updatedAt: now })
    .where(eq(organisations.id, existing.id));
  return { id: existing.id, outcome: 'updated' };
}

export interface MembershipFields {
  memberId: string;
  groupId: string;
  status?: string;
  since?: string | null;
  until?: string | null;
  note?: string | null;
}

/** Create or update the membership of one organisation in a Section, network or association. */
export async function upsertMembership(tx: Tx, f: MembershipFields, now: Date): Promise<Outcome> {
  if (f.memberId === f.groupId) throw new RowProblem('an organisation cannot be a member of itself');
  const inserted = await tx
    .insert(memberships)
    .values({
      memberId: f.memberId,
      groupId: f.groupId,
      status: f.status ?? 'active',
      since: f.since ?? null,
      until: f.until ?? null,
      note: f.note ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [memberships.memberId, memberships.groupId] })
    .returning({ id: memberships.id });
  if (inserted.length) return 'created';
  const [existing] = await tx
    .select()
    .from(memberships)
    .where(sql`${memberships.memberId} = ${f.memberId} AND ${memberships.groupId} = ${f.groupId}`)
    .limit(1);
  const changes: Record<string, unknown> = {};
  for (const k of ['status', 'since', 'until', 'note'] as const) {
    if (f[k] !== undefined && (f[k] ?? null) !== (existing[k] ?? null)) changes[k] = f[k];
  }
  if (Object.keys(changes).length === 0) return 'unchanged';
  await tx
    .update(memberships)
    .set({ ...changes, updatedAt: now })
    .where(eq(memberships.id, existing.id));
  return 'updated';
}

/**
 * Find an organisation named in an input file: a Wikidata id (Q…), a GeoNames id (digits), or
 * an exact name or acronym (case-insensitive).
 */
export async function resolveReference(tx: Tx, ref: string): Promise<string> {
  const value = ref.trim();
  let rows: { id: string }[];
  if (/^Q[1-9]\d*$/.test(value)) {
    rows = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.wikidataId, value));
  } else if (/^[1-9]\d{0,15}$/.test(value)) {
    rows = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.geonamesId, Number(value)));
  } else {
    rows = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(
        sql`${organisations.archivedAt} IS NULL AND (lower(${organisations.name}) = lower(${value}) OR lower(${organisations.acronym}) = lower(${value}))`,
      )
      .limit(2);
  }
  if (rows.length === 0) throw new RowProblem(`no organisation matches "${value}"`);
  if (rows.length > 1)
    throw new RowProblem(`"${value}" matches more than one organisation: use its Wikidata or GeoNames id`);
  return rows[0].id;
}
