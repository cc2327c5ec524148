import { sql } from 'drizzle-orm';
import type { Ctx } from '../../../core/context.ts';
import { AppError } from '../../../core/errors.ts';
import { pick } from '../../../core/i18n/i18n.ts';
import { activeMembershipRow } from '../read-api.ts';

export interface SectionOption {
  id: string;
  name: string;
}

export interface MemberDot {
  name: string;
  lon: number;
  lat: number;
}

export interface MapData {
  section: SectionOption | null;
  /** Member organisations by country (ISO alpha-2), most first. */
  countries: { country: string; count: number }[];
  /** Members without a country (networks, Sections, partners…) are not on the map. */
  withoutCountry: number;
  total: number;
  /** Member cities with coordinates, for the selected Section only. */
  cities: MemberDot[];
}

const MAX_DOTS = 1500;

/** Sections (and the network) a visitor can filter the map by. */
export async function mapSections(ctx: Ctx): Promise<SectionOption[]> {
  const rows = await ctx.db.execute<{
    id: string;
    kind: string;
    name: string;
    names: Record<string, string>;
  }>(sql`
    SELECT id, kind, name, names FROM organisations
    WHERE kind IN ('section', 'network') AND archived_at IS NULL`);
  const options = rows.rows.map((r) => ({
    id: r.id,
    network: r.kind === 'network',
    name: pick(r.names, ctx.locale, r.name).text,
  }));
  // The network first, then its Sections in the reader's alphabetical order.
  options.sort((a, b) => Number(b.network) - Number(a.network) || a.name.localeCompare(b.name, ctx.locale));
  return options.map(({ id, name }) => ({ id, name }));
}

/**
 * The network's members by country: organisations with a current, active membership of a
 * Section or of the network (or of the one Section asked for).
 */
export async function mapData(ctx: Ctx, sectionId?: string): Promise<MapData> {
  let section: SectionOption | null = null;
  if (sectionId) {
    section = (await mapSections(ctx)).find((s) => s.id === sectionId) ?? null;
    if (!section) throw new AppError('not_found', { resource: 'section' });
  }
  const groupFilter = sectionId ? sql`ms.group_id = ${sectionId}` : sql`g.kind IN ('section', 'network')`;
  const members = sql`
    SELECT DISTINCT m.id, m.country, m.kind, m.name, m.lat, m.lon, m.population
    FROM memberships ms
    JOIN organisations g ON g.id = ms.group_id
    JOIN organisations m ON m.id = ms.member_id
    WHERE ${groupFilter} AND ${activeMembershipRow('ms')}
      AND m.archived_at IS NULL AND g.archived_at IS NULL`;
  const counts = await ctx.db.execute<{ country: string | null; count: number }>(sql`
    SELECT country, count(*)::int8 AS count FROM (${members}) mm GROUP BY country ORDER BY count DESC, country`);
  const countries = counts.rows
    .filter((r) => r.country !== null)
    .map((r) => ({ country: r.country!, count: Number(r.count) }));
  const withoutCountry = Number(counts.rows.find((r) => r.country === null)?.count ?? 0);
  let cities: MemberDot[] = [];
  if (sectionId) {
    const dots = await ctx.db.execute<MemberDot & Record<string, unknown>>(sql`
      SELECT name, lon, lat FROM (${members}) mm
      WHERE kind IN ('city', 'municipality') AND lat IS NOT NULL AND lon IS NOT NULL
      ORDER BY population DESC NULLS LAST, name LIMIT ${MAX_DOTS}`);
    cities = dots.rows.map((r) => ({ name: r.name, lon: r.lon, lat: r.lat }));
  }
  return {
    section,
    countries,
    withoutCountry,
    total: countries.reduce((n, c) => n + c.count, withoutCountry),
    cities,
  };
}
