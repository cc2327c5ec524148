import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, inTransaction } from '../../core/db/tx.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { organisationKinds } from './schema.ts';
import { checkRead } from './service-access.ts';
import { type OrganisationSummary, summaryColumns } from './service-rows.ts';

/**
 * Search across spellings and scripts. Every name of an organisation (all languages, acronym,
 * alternative names) is in two generated columns: `search_doc` (tsvector, 'simple', unaccented)
 * for whole words and prefixes, and `search_text` (lower-case, unaccented, trigram GIN index) for
 * misspellings. A query matches by any of the three; the GIN indexes answer each part, so the
 * search stays fast on the 135,000 cities.
 */

interface Terms {
  /** Lower-cased, unaccented in SQL: the text for trigram similarity. */
  text: string;
  /** `word:* & word:*` built from letters and digits only, so it is always valid tsquery syntax. */
  prefix: string;
}

function terms(q: string): Terms | null {
  const words = q.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu);
  if (!words) return null;
  return {
    text: words.join(' '),
    prefix: words
      .slice(0, 8)
      .map((w) => `${w}:*`)
      .join(' & '),
  };
}

/**
 * Ids of the organisations matching by whole words, by prefixes or by a close spelling. Each
 * branch is its own query so that each uses its own GIN index: with the three conditions OR-ed
 * in one WHERE, the planner chose a sequential scan of every row (about 0.9 s on 135,000 cities).
 * A query without trigrams (letters outside ASCII when the database's ctype is C) skips the
 * trigram branch, which could only scan every row; under a UTF-8 ctype it is used for every script.
 * `cap` bounds each branch for ranked search, where only the best few are wanted. Callers use
 * the ids as `o.id = ANY(ARRAY(...))`: with `IN (...)` the planner estimated a thousand
 * candidates and hash-joined them against a scan of every organisation (60 ms instead of 7 ms).
 */
function candidatesSql(t: Terms, cap?: number): SQL {
  const limit = cap ? sql`LIMIT ${cap}` : sql``;
  return sql`(SELECT id FROM organisations WHERE search_doc @@ plainto_tsquery('simple', f_unaccent(${t.text})) ${limit})
    UNION (SELECT id FROM organisations WHERE search_doc @@ to_tsquery('simple', f_unaccent(${t.prefix})) ${limit})
    UNION (SELECT id FROM organisations WHERE cardinality(show_trgm(lower(f_unaccent(${t.text})))) > 0
      AND lower(f_unaccent(${t.text})) <% search_text ${limit})`;
}

function scoreSql(t: Terms): SQL {
  const text = sql`lower(f_unaccent(${t.text}))`;
  return sql`greatest(
      CASE WHEN o.search_doc @@ plainto_tsquery('simple', f_unaccent(${t.text})) THEN 1.0 ELSE 0 END,
      CASE WHEN o.search_doc @@ to_tsquery('simple', f_unaccent(${t.prefix})) THEN 0.8 ELSE 0 END,
      word_similarity(${text}, o.search_text)::float8)
      + CASE WHEN lower(f_unaccent(o.name)) = ${text} THEN 0.1 ELSE 0 END`;
}

/** The match condition on organisations `o` for a free-text query (null when it has no words). */
export function searchCondition(q: string): SQL | null {
  const t = terms(q);
  return t ? sql`o.id = ANY(ARRAY(${candidatesSql(t)}))` : null;
}

/** Trigram thresholds for this transaction only: 0.55 lets one wrong letter in a short name through. */
export async function withSearchSettings(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`SET LOCAL pg_trgm.similarity_threshold = 0.35`);
  await tx.execute(sql`SET LOCAL pg_trgm.word_similarity_threshold = 0.55`);
}

export const searchInput = z
  .object({
    q: z.string().trim().min(1, { message: 'required' }).max(200, { message: 'too_long' }),
    kind: z.enum(organisationKinds, { message: 'invalid_kind' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export type SearchHit = OrganisationSummary & {
  score: number;
};

export type PersonHit = {
  id: string;
  name: string;
  title: string | null;
  organisations: { id: string; name: string; role: string }[];
};

/** Best matches first: exact words, then prefixes, then close spellings; larger places first on ties. */
export const searchDirectory = defineUseCase({
  name: 'directory.searchDirectory',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: searchInput,
  run: async ({ ctx, input: f }): Promise<{ organisations: SearchHit[]; people: PersonHit[] }> => {
    const t = terms(f.q);
    if (!t) return { organisations: [], people: [] };
    return inTransaction(ctx.db, async (tx) => {
      await withSearchSettings(tx);
      const orgs = await tx.execute<SearchHit>(sql`
      SELECT ${summaryColumns}, ${scoreSql(t)} AS score FROM organisations o
      WHERE o.id = ANY(ARRAY(${candidatesSql(t, 1000)})) AND o.archived_at IS NULL ${f.kind ? sql`AND o.kind = ${f.kind}` : sql``}
      ORDER BY score DESC, o.population DESC NULLS LAST, o.name, o.id
      LIMIT ${f.limit}`);
      let people: PersonHit[] = [];
      if (!f.kind) {
        // People by name only: contact details are never searched, so they cannot leak through here.
        const text = sql`lower(f_unaccent(${t.text}))`;
        const r = await tx.execute<PersonHit>(sql`
        SELECT p.id, p.name, p.title,
          coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'role', r.role) ORDER BY o.name)
            FROM person_roles r JOIN organisations o ON o.id = r.organisation_id
            WHERE r.person_id = p.id AND (r.until IS NULL OR r.until >= ${ctx.now.toISOString().slice(0, 10)}::date)
              AND o.archived_at IS NULL), '[]'::json) AS organisations
        FROM people p
        WHERE p.archived_at IS NULL AND (${text} <% p.search_text OR p.search_text LIKE '%' || ${text} || '%')
        ORDER BY word_similarity(${text}, p.search_text) DESC, p.name, p.id
        LIMIT 10`);
        people = r.rows;
      }
      return { organisations: orgs.rows.map((o) => ({ ...o, score: Number(o.score) })), people };
    });
  },
});
