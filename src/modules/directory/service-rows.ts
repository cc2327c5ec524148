import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { type I18nText, invalid, invalidField, uuid } from '../../core/validation/input.ts';
import type { OrganisationKind } from './schema.ts';

/** Row shapes the directory's use cases return, and the SQL that selects them. */

export type OrganisationSummary = {
  id: string;
  kind: OrganisationKind;
  name: string;
  names: I18nText;
  acronym: string | null;
  country: string | null;
  population: number | null;
  lat: number | null;
  lon: number | null;
  archivedAt: string | null;
};

export type Organisation = OrganisationSummary & {
  altNames: string[];
  parentId: string | null;
  geonamesId: number | null;
  wikidataId: string | null;
  website: string | null;
  description: I18nText | null;
  createdAt: string;
  /** Send it back with an update: it detects concurrent edits. */
  updatedAt: string;
};

/** Columns of an organisation summary from alias `o` (bigints as numbers, times as ISO text). */
export const summaryColumns = sql`o.id, o.kind, o.name, o.names, o.acronym, o.country,
  o.population::float8 AS population, o.lat, o.lon, ${isoTime(sql`o.archived_at`)} AS "archivedAt"`;

export const organisationColumns = sql`${summaryColumns}, o.alt_names AS "altNames", o.parent_id AS "parentId",
  o.geonames_id::float8 AS "geonamesId", o.wikidata_id AS "wikidataId", o.website, o.description,
  ${isoTime(sql`o.created_at`)} AS "createdAt", ${isoTime(sql`o.updated_at`)} AS "updatedAt"`;

/**
 * A timestamp as ISO 8601 text with milliseconds, in UTC. The API and forms send `updatedAt`
 * back in this form, and the update compares it at millisecond precision.
 */
export function isoTime(col: SQL): SQL {
  return sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A text[] parameter built safely from JSON. */
export function textArray(values: string[]): SQL {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::text[]`;
}

export function jsonb(value: unknown): SQL {
  return value === null || value === undefined ? sql`NULL` : sql`${JSON.stringify(value)}::jsonb`;
}

/** Opaque keyset cursor: the sort key of the last row seen. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === arity &&
      v.every((x) => typeof x === 'string' || typeof x === 'number')
    )
      return v;
  } catch {
    // fall through
  }
  throw invalid([{ path: 'cursor', code: 'invalid', message: 'invalid cursor' }]);
}

/** PostgreSQL constraint errors of our tables as field errors, so forms can show them inline. */
export function mapConstraintError(err: unknown): never {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const code = e.cause?.code ?? e.code;
  const constraint = e.cause?.constraint ?? e.constraint ?? '';
  if (code === '23505') {
    if (constraint.includes('geonames'))
      throw invalid([{ path: 'geonamesId', code: 'taken', message: 'taken' }]);
    if (constraint.includes('wikidata'))
      throw invalid([{ path: 'wikidataId', code: 'taken', message: 'taken' }]);
    throw new AppError('already_exists', { constraint });
  }
  throw err;
}

/**
 * Readers shared by the use cases of organisations, memberships and people: they live here, below
 * all three, so that none of those files imports another.
 */
export async function findOrganisation(db: DbOrTx, id: string, lock = false): Promise<Organisation | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Organisation>(
    sql`SELECT ${organisationColumns} FROM organisations o WHERE o.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

/** A membership's group must be a Section or a network. */
export async function checkGroup(db: DbOrTx, groupId: string): Promise<void> {
  const g = await findOrganisation(db, groupId);
  if (!g || g.archivedAt) throw invalidField('groupId', 'unknown_group', 'unknown group');
  if (g.kind !== 'section' && g.kind !== 'network')
    throw invalidField('groupId', 'not_a_group', 'not a Section or network');
}

/** A person without their roles and contacts (see `Person` in service-people.ts). */
export type PersonRow = {
  id: string;
  name: string;
  names: Record<string, string> | null;
  title: string | null;
  archivedAt: string | null;
  updatedAt: string;
};

export const personColumns = sql`p.id, p.name, p.names, p.title, ${isoTime(sql`p.archived_at`)} AS "archivedAt",
  ${isoTime(sql`p.updated_at`)} AS "updatedAt"`;

export async function findPerson(db: DbOrTx, id: string, lock = false): Promise<PersonRow | null> {
  const r = await db.execute<PersonRow>(
    sql`SELECT ${personColumns} FROM people p WHERE p.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}
