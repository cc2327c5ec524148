import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { isStaff, scopedOrgIds } from '../../../core/policy/policy.ts';

/**
 * Who sees what of a session, as SQL conditions that every Talks query puts in its WHERE clause
 * (sessions, contributions, recommendations, actions, minutes, summaries, search, calendars), so
 * that no page or export depends on a template remembering to hide something.
 *
 * - A session in `draft` is seen by staff (admin, secretariat) and by users holding a role scoped
 *   to an organisation that takes part in it (any participant role).
 * - `scheduled`, `held` and `published` sessions are announced to everyone: title, subtitle,
 *   date, format, venue, hosts.
 * - The content (contributions, recommendations, actions, minutes, summary) is public only once
 *   the session is `published`. Before that it is seen by staff, by users whose organisation
 *   takes part, and by users registered for the session (not waitlisted).
 *
 * The helpers take the SQL alias of the `talks_sessions` row (default `s`), e.g.
 * `FROM talks_contributions c JOIN talks_sessions s ON s.id = c.session_id WHERE ${contentVisibleSql(actor)}`.
 */

const ALIAS = /^[a-z_][a-z0-9_]*$/;

function alias(name: string): SQL {
  // The alias is spliced into the SQL as written; only plain identifiers come from our own code.
  if (!ALIAS.test(name)) throw new Error(`not an SQL alias: ${name}`);
  return sql.raw(name);
}

/** The organisations the actor acts for (any scoped role) as a `uuid[]` parameter, or null. */
function orgArray(actor: Actor | null): SQL | null {
  const ids = [...new Set(scopedOrgIds(actor))];
  return ids.length ? sql`${`{${ids.join(',')}}`}::uuid[]` : null;
}

/** The actor's organisation takes part in session `s` (as host, partner, speaker, member or observer). */
export function orgTakesPartSql(actor: Actor | null, sessionAlias = 's'): SQL {
  const orgs = orgArray(actor);
  if (!orgs) return sql`FALSE`;
  const s = alias(sessionAlias);
  return sql`EXISTS (SELECT 1 FROM talks_participants vp WHERE vp.session_id = ${s}.id
    AND vp.organisation_id = ANY(${orgs}))`;
}

/** The actor holds a (not waitlisted, not cancelled) registration for session `s`. */
export function registeredSql(actor: Actor | null, sessionAlias = 's'): SQL {
  if (!actor) return sql`FALSE`;
  const s = alias(sessionAlias);
  return sql`EXISTS (SELECT 1 FROM talks_registrations vr WHERE vr.session_id = ${s}.id
    AND vr.user_id = ${actor.userId} AND vr.status = 'registered')`;
}

/** The session row `s` may be seen (announced) by the actor. */
export function visibleSessionSql(actor: Actor | null, sessionAlias = 's'): SQL {
  if (isStaff(actor)) return sql`TRUE`;
  const s = alias(sessionAlias);
  if (!actor || !orgArray(actor)) return sql`${s}.status <> 'draft'`;
  return sql`(${s}.status <> 'draft' OR ${orgTakesPartSql(actor, sessionAlias)})`;
}

/**
 * The content of session `s` (contributions, recommendations, actions, minutes, summary) may be
 * read by the actor. Implies `visibleSessionSql`.
 */
export function contentVisibleSql(actor: Actor | null, sessionAlias = 's'): SQL {
  if (isStaff(actor)) return sql`TRUE`;
  const s = alias(sessionAlias);
  if (!actor) return sql`${s}.status = 'published'`;
  return sql`(${s}.status = 'published' OR ${orgTakesPartSql(actor, sessionAlias)}
    OR (${s}.status <> 'draft' AND ${registeredSql(actor, sessionAlias)}))`;
}

/** The same rules in code, for a session already loaded (e.g. to decide which links to show). */
export interface SessionVisibility {
  /** The session may be seen at all (announced, or a draft of one's own). */
  visible: boolean;
  /** Contributions, recommendations, actions, minutes and the summary may be read. */
  content: boolean;
  /** The actor's organisation takes part. */
  orgTakesPart: boolean;
  registered: boolean;
}

/**
 * What the actor may see of one session, in one query; null when the session does not exist or
 * is not visible to the actor (callers answer 404 then, so drafts are not revealed).
 */
export async function sessionVisibility(
  db: DbOrTx,
  actor: Actor | null,
  sessionId: string,
): Promise<(SessionVisibility & { status: string }) | null> {
  const r = await db.execute<{ status: string; content: boolean; org: boolean; reg: boolean }>(sql`
    SELECT s.status, ${contentVisibleSql(actor)} AS content, ${orgTakesPartSql(actor)} AS org,
      ${registeredSql(actor)} AS reg
    FROM talks_sessions s WHERE s.id = ${sessionId} AND ${visibleSessionSql(actor)}`);
  const row = r.rows[0];
  if (!row) return null;
  return {
    status: row.status,
    visible: true,
    content: row.content,
    orgTakesPart: row.org,
    registered: row.reg,
  };
}
