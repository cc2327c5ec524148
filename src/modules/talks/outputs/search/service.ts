import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Locale, pick } from '../../../../core/i18n/i18n.ts';
import { defineUseCase } from '../../../../core/module/use-case.ts';
import type { I18nText } from '../../../../core/validation/input.ts';
import { checkRead } from '../../sessions/access.ts';
import { stripKeyMarkers } from '../../sessions/key-messages.ts';
import { contentVisibleSql, visibleSessionSql } from '../../sessions/visibility.ts';

/**
 * Search across sessions, contributions, recommendations and actions, in every language: each
 * table has a `search_doc` (unaccented 'simple' tsvector over all its languages), so "medecins"
 * finds "médecins" and a Ukrainian word finds the Ukrainian text. Words match as prefixes
 * ("corrid" finds "corridors"), which also serves short words. Visibility is part of each
 * branch's WHERE: announced sessions for everyone, content only where `contentVisibleSql` allows.
 */

export const searchKinds = ['session', 'contribution', 'recommendation', 'action'] as const;
export type SearchKind = (typeof searchKinds)[number];

export const searchInput = z
  .object({
    q: z.string().trim().min(1, { message: 'required' }).max(200, { message: 'too_long' }),
    kind: z.enum(searchKinds, { message: 'invalid_kind' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();

export interface SearchHit {
  kind: SearchKind;
  id: string;
  sessionId: string;
  sessionTitle: string;
  startsAt: string;
  /** An excerpt around the first match, key-message markers removed. */
  snippet: string;
  /** Language of the excerpt, and whether it is not the reader's. */
  lang: string;
  fallback: boolean;
  url: string;
  rank: number;
}

type Row = {
  kind: SearchKind;
  id: string;
  sessionId: string;
  sessionTitle: I18nText;
  startsAt: string;
  text: I18nText;
  rank: number;
};

/** Words of the query (letters and digits only, so the tsquery is always valid). */
function words(q: string): string[] {
  return (q.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).slice(0, 8);
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The language value that contains a match (the reader's first), and an excerpt around it. */
function excerpt(
  text: I18nText,
  terms: string[],
  l: Locale,
): { snippet: string; lang: string; fallback: boolean } {
  const folded = terms.map(fold);
  const order = [l, ...Object.keys(text).filter((k) => k !== l)];
  for (const lang of order) {
    const value = text[lang];
    if (!value) continue;
    const plain = stripKeyMarkers(value).replace(/\s+/g, ' ');
    const f = fold(plain);
    const at = Math.min(...folded.map((w) => f.indexOf(w)).filter((i) => i >= 0));
    if (Number.isFinite(at)) {
      const start = Math.max(0, at - 80);
      const end = Math.min(plain.length, at + 160);
      const snippet = `${start > 0 ? '…' : ''}${plain.slice(start, end).trim()}${end < plain.length ? '…' : ''}`;
      return { snippet, lang, fallback: lang !== l };
    }
  }
  const v = pick(text, l);
  const plain = stripKeyMarkers(v.text).replace(/\s+/g, ' ');
  return {
    snippet: plain.length > 240 ? `${plain.slice(0, 239)}…` : plain,
    lang: v.lang,
    fallback: v.fallback,
  };
}

const urlOf = (kind: SearchKind, id: string, sessionId: string) =>
  kind === 'session'
    ? `/talks/sessions/${id}`
    : kind === 'contribution'
      ? `/talks/sessions/${sessionId}/summary#c-${id}`
      : kind === 'recommendation'
        ? `/talks/recommendations/${id}`
        : `/talks/actions/${id}`;

export const searchTalks = defineUseCase({
  name: 'talks.searchTalks',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: searchInput,
  run: async ({ ctx, input: f }): Promise<{ items: SearchHit[] }> => {
    const w = words(f.q);
    if (!w.length) return { items: [] };
    const query = sql`to_tsquery('simple', f_unaccent(${w.map((x) => `${x}:*`).join(' & ')}))`;
    const cap = 200;
    const branch = (kind: SearchKind, from: SQL, text: SQL, doc: SQL, visible: SQL) => sql`
    (SELECT ${kind}::text AS kind, x.id, s.id AS "sessionId", s.title AS "sessionTitle", s.starts_at AS "startsAt",
       ${text} AS text, ts_rank(${doc}, ${query}) AS rank
     FROM ${from}
     WHERE ${doc} @@ ${query} AND ${visible}
     ORDER BY rank DESC, s.starts_at DESC LIMIT ${cap})`;
    const branches: Record<SearchKind, SQL> = {
      session: branch(
        'session',
        sql`talks_sessions s CROSS JOIN LATERAL (SELECT s.id) x`,
        sql`(SELECT jsonb_object_agg(k, concat_ws(' — ', s.title->>k, s.subtitle->>k, s.summary->>k))
        FROM jsonb_object_keys(s.title || coalesce(s.subtitle, '{}'::jsonb) || coalesce(s.summary, '{}'::jsonb)) k)`,
        sql`s.search_doc`,
        visibleSessionSql(ctx.actor),
      ),
      contribution: branch(
        'contribution',
        sql`talks_contributions x JOIN talks_sessions s ON s.id = x.session_id`,
        sql`x.body`,
        sql`x.search_doc`,
        contentVisibleSql(ctx.actor),
      ),
      recommendation: branch(
        'recommendation',
        sql`talks_recommendations x JOIN talks_sessions s ON s.id = x.session_id`,
        sql`x.text`,
        sql`x.search_doc`,
        contentVisibleSql(ctx.actor),
      ),
      action: branch(
        'action',
        sql`talks_actions x JOIN talks_sessions s ON s.id = x.session_id`,
        sql`x.text`,
        sql`x.search_doc`,
        contentVisibleSql(ctx.actor),
      ),
    };
    const chosen = f.kind ? [branches[f.kind]] : Object.values(branches);
    const r = await ctx.db.execute<Row>(sql`
    SELECT * FROM (${sql.join(chosen, sql` UNION ALL `)}) hits
    ORDER BY rank DESC, "startsAt" DESC, id LIMIT ${f.limit}`);
    const l = ctx.locale;
    return {
      items: r.rows.map((row) => {
        const ex = excerpt(row.text, w, l);
        return {
          kind: row.kind,
          id: row.id,
          sessionId: row.sessionId,
          sessionTitle: pick(row.sessionTitle, l).text,
          startsAt: new Date(row.startsAt).toISOString(),
          snippet: ex.snippet,
          lang: ex.lang,
          fallback: ex.fallback,
          url: urlOf(row.kind, row.id, row.sessionId),
          rank: Number(row.rank),
        };
      }),
    };
  },
});
