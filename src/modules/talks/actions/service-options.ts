import { sql } from 'drizzle-orm';
import type { Ctx } from '../../../core/context.ts';
import type { I18nText } from '../../../core/validation/input.ts';
import { joinOrganisation, listSections } from '../../directory/index.ts';
import { visibleSessionSql } from '../sessions/visibility.ts';
import type { OrgRef } from './rows.ts';

/** The choices the forms and filters of recommendations and actions offer. */

/** The organisations taking part in a session, by name: the likely sources and responsibles. */
export async function sessionOrganisations(ctx: Ctx, sessionId: string): Promise<OrgRef[]> {
  const r = await ctx.db.execute<OrgRef>(sql`
    SELECT DISTINCT o.id, o.name, o.names
    FROM talks_participants p ${joinOrganisation('o', sql`p.organisation_id`, { inner: true })}
    WHERE p.session_id = ${sessionId} ORDER BY o.name`);
  return r.rows;
}

/** The Sections of the network, by name (the tracker filters by Section). */
export async function sectionOptions(ctx: Ctx): Promise<OrgRef[]> {
  return (await listSections(ctx.db)).map(({ id, name, names }) => ({ id, name, names }));
}

/** Sessions an update may be reported in, or an action followed up in: the later ones the reader sees. */
export async function laterSessions(
  ctx: Ctx,
  after: string,
): Promise<{ id: string; title: I18nText; startsAt: string }[]> {
  const r = await ctx.db.execute<{ id: string; title: I18nText; startsAt: string }>(sql`
    SELECT s.id, s.title, to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startsAt"
    FROM talks_sessions s WHERE s.starts_at > ${after}::timestamptz AND ${visibleSessionSql(ctx.actor)}
    ORDER BY s.starts_at LIMIT 50`);
  return r.rows;
}
