import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { type I18nText, invalidField, uuid } from '../../../core/validation/input.ts';
import { joinOrganisation } from '../../directory/index.ts';
import { type SessionStatus, sessionStatuses } from '../schema.ts';
import { checkRead, contributingOrgs, requireStaff } from './access.ts';
import { copyInput, sessionInput, sessionUpdateInput, statusInput, unknownReference } from './input.ts';
import { jsonb, type Session, sessionColumns, textArray } from './rows.ts';
import { checkOrganisation, findSeries } from './service-series.ts';
import { contentVisibleSql, visibleSessionSql } from './visibility.ts';
import { fillFromWaitlist, mailDeps } from './waitlist.ts';

/** The status workflow: which status may follow which. */
export const transitions: Record<SessionStatus, SessionStatus[]> = {
  draft: ['scheduled'],
  scheduled: ['draft', 'held'],
  held: ['scheduled', 'published'],
  published: ['held'],
};

/** The session row as stored (no visibility check): for use cases that check access themselves. */
export async function findSession(db: DbOrTx, id: string, lock = false): Promise<Session | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Session>(
    sql`SELECT ${sessionColumns()} FROM talks_sessions s WHERE s.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r.rows[0] ?? null;
}

/**
 * The session if the actor may see it, else `not_found` (a draft is not revealed to outsiders).
 * The summary is left out unless the actor may read the content.
 */
export async function loadVisibleSession(ctx: Pick<Ctx, 'actor'>, db: DbOrTx, id: string): Promise<Session> {
  if (!uuid.safeParse(id).success) throw notFound('session');
  const r = await db.execute<Session>(sql`
    SELECT ${sessionColumns(contentVisibleSql(ctx.actor))} FROM talks_sessions s
    WHERE s.id = ${id} AND ${visibleSessionSql(ctx.actor)}`);
  if (!r.rows[0]) throw notFound('session');
  return r.rows[0];
}

/**
 * Lock the session row for a change (in the use case's transaction, `ctx.db`); `not_found` when it
 * does not exist or is hidden from the actor.
 */
export async function lockSession(ctx: Ctx, id: string): Promise<Session> {
  const tx = ctx.db;
  if (!uuid.safeParse(id).success) throw notFound('session');
  const r = await tx.execute<Session>(sql`
    SELECT ${sessionColumns()} FROM talks_sessions s WHERE s.id = ${id} FOR UPDATE`);
  const s = r.rows[0];
  if (!s) throw notFound('session');
  if (!isStaff(ctx.actor)) {
    const v = await tx.execute(
      sql`SELECT 1 FROM talks_sessions s WHERE s.id = ${id} AND ${visibleSessionSql(ctx.actor)}`,
    );
    if (v.rows.length === 0) throw notFound('session');
  }
  return s;
}

export const createSession = defineUseCase({
  name: 'talks.createSession',
  kind: 'write',
  audit: 'talks_session',
  allow: requireStaff,
  input: sessionInput,
  run: async (uc): Promise<Session> => {
    const { ctx, input: v } = uc;
    const actor = requireStaff(ctx);
    const tx = ctx.db;
    if (!(await findSeries(tx, v.seriesId))) throw unknownReference('seriesId', 'series');
    await checkOrganisation(tx, v.venueOrgId, 'venueOrgId');
    const now = ctx.now.toISOString();
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, subtitle, summary, starts_at, ends_at, timezone, format, venue,
        venue_org_id, online_url, languages, capacity, registration_open, created_by, created_at, updated_at)
      VALUES (${v.seriesId}, ${jsonb(v.title)}, ${jsonb(v.subtitle)}, ${jsonb(v.summary)}, ${v.startsAt},
        ${v.endsAt ?? null}, ${v.timezone}, ${v.format}, ${v.venue ?? null}, ${v.venueOrgId ?? null},
        ${v.onlineUrl ?? null}, ${textArray(v.languages)}, ${v.capacity ?? null}, ${v.registrationOpen},
        ${actor.userId}, ${now}, ${now})
      RETURNING id`);
    const created = (await findSession(tx, r.rows[0].id))!;
    await uc.audit({ action: 'create', entityId: created.id, after: created });
    return created;
  },
});

/**
 * Change a session. `version` is the one the editor saw: another one in the database means
 * someone saved in between (`conflict`). A larger capacity moves waitlisted people up at once.
 */
export const updateSession = defineUseCase({
  name: 'talks.updateSession',
  kind: 'write',
  audit: 'talks_session',
  allow: requireStaff,
  input: sessionUpdateInput.extend({ mail: mailDeps }),
  run: async (uc): Promise<Session> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const before = await lockSession(ctx, v.id);
    if (before.version !== v.version) throw new AppError('conflict', { version: before.version });
    await checkOrganisation(tx, v.venueOrgId, 'venueOrgId');
    const startsAt = v.startsAt ?? before.startsAt;
    const endsAt = v.endsAt === undefined ? before.endsAt : v.endsAt;
    if (endsAt && new Date(endsAt) <= new Date(startsAt)) throw invalidField('endsAt', 'date_order');
    const sets: SQL[] = [];
    const col = (name: string, value: unknown) => {
      if (value !== undefined) sets.push(sql`${sql.identifier(name)} = ${value}`);
    };
    if (v.title !== undefined) sets.push(sql`title = ${jsonb(v.title)}`);
    if (v.subtitle !== undefined) sets.push(sql`subtitle = ${jsonb(v.subtitle)}`);
    if (v.summary !== undefined) sets.push(sql`summary = ${jsonb(v.summary)}`);
    if (v.languages !== undefined) sets.push(sql`languages = ${textArray([...new Set(v.languages)])}`);
    col('starts_at', v.startsAt);
    col('ends_at', v.endsAt === undefined ? undefined : v.endsAt);
    col('timezone', v.timezone);
    col('format', v.format);
    col('venue', v.venue);
    col('venue_org_id', v.venueOrgId);
    col('online_url', v.onlineUrl);
    col('capacity', v.capacity);
    col('registration_open', v.registrationOpen);
    sets.push(sql`updated_at = ${ctx.now.toISOString()}`, sql`version = version + 1`);
    await tx.execute(sql`UPDATE talks_sessions SET ${sql.join(sets, sql`, `)} WHERE id = ${v.id}`);
    const after = (await findSession(tx, v.id))!;
    await uc.audit({ action: 'update', entityId: v.id, before, after });
    await fillFromWaitlist(uc, after, v.mail);
    return after;
  },
});

/**
 * Move a session along its workflow (draft → scheduled → held → published; back: scheduled →
 * draft, held → scheduled when postponed, published → held to unpublish). Anything else is
 * `invalid_transition`. Publishing stamps `published_at`; unpublishing is audited as such.
 */
export const changeSessionStatus = defineUseCase({
  name: 'talks.changeSessionStatus',
  kind: 'write',
  audit: 'talks_session',
  allow: requireStaff,
  input: statusInput,
  run: async (uc): Promise<Session> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const before = await lockSession(ctx, v.id);
    if (v.version !== undefined && before.version !== v.version)
      throw new AppError('conflict', { version: before.version });
    if (!transitions[before.status].includes(v.status))
      throw new AppError('invalid_transition', {
        from: before.status,
        to: v.status,
        allowed: transitions[before.status],
      });
    const publishedAt =
      v.status === 'published'
        ? ctx.now.toISOString()
        : v.status === 'held' && before.status === 'published'
          ? null
          : undefined;
    await tx.execute(sql`UPDATE talks_sessions SET status = ${v.status},
      ${publishedAt === undefined ? sql`` : sql`published_at = ${publishedAt},`}
      updated_at = ${ctx.now.toISOString()}, version = version + 1 WHERE id = ${v.id}`);
    const after = (await findSession(tx, v.id))!;
    const action =
      v.status === 'published' ? 'publish' : before.status === 'published' ? 'unpublish' : 'change_status';
    await uc.audit({
      action,
      entityId: v.id,
      before: { status: before.status, version: before.version },
      after: { status: after.status, version: after.version },
    });
    return after;
  },
});

/**
 * Start the next session from this one: title, subtitle, format, venue, online address,
 * languages, capacity, the hosts and the agenda (with its nesting) are copied; contributions,
 * the summary, other participants and registrations are not. The new session is a draft on the
 * date the organiser picks (ending after the same duration when no end is given).
 */
export const copySession = defineUseCase({
  name: 'talks.copySession',
  kind: 'write',
  audit: 'talks_session',
  allow: requireStaff,
  input: copyInput,
  run: async (uc): Promise<Session> => {
    const { ctx, input: v } = uc;
    const actor = requireStaff(ctx);
    const tx = ctx.db;
    const from = await lockSession(ctx, v.id);
    const duration = from.endsAt ? new Date(from.endsAt).getTime() - new Date(from.startsAt).getTime() : null;
    const endsAt =
      v.endsAt !== undefined && v.endsAt !== null
        ? v.endsAt
        : duration !== null
          ? new Date(new Date(v.startsAt).getTime() + duration).toISOString()
          : null;
    const now = ctx.now.toISOString();
    const title = v.title && Object.keys(v.title).length ? jsonb(v.title) : sql`title`;
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_sessions (series_id, title, subtitle, starts_at, ends_at, timezone, format, venue,
        venue_org_id, online_url, languages, capacity, registration_open, copied_from_id, created_by, created_at,
        updated_at)
      SELECT series_id, ${title}, subtitle, ${v.startsAt}, ${endsAt}, timezone, format, venue, venue_org_id,
        online_url, languages, capacity, false, id, ${actor.userId}, ${now}, ${now}
      FROM talks_sessions WHERE id = ${from.id}
      RETURNING id`);
    const id = r.rows[0].id;
    await tx.execute(sql`
      INSERT INTO talks_participants (session_id, organisation_id, person_id, role, position, created_at)
      SELECT ${id}, organisation_id, person_id, role, position, ${now} FROM talks_participants
      WHERE session_id = ${from.id} AND role = 'host'`);
    // New ids for the agenda items, with each parent mapped to its copy.
    await tx.execute(sql`
      WITH src AS (SELECT a.*, gen_random_uuid() AS new_id FROM talks_agenda_items a WHERE a.session_id = ${from.id})
      INSERT INTO talks_agenda_items (id, session_id, parent_id, position, title, description, starts_at, duration_minutes)
      SELECT c.new_id, ${id}, p.new_id, c.position, c.title, c.description,
        CASE WHEN c.starts_at IS NULL THEN NULL ELSE c.starts_at + (${v.startsAt}::timestamptz - ${from.startsAt}::timestamptz) END,
        c.duration_minutes
      FROM src c LEFT JOIN src p ON p.id = c.parent_id`);
    const created = (await findSession(tx, id))!;
    await uc.audit({ action: 'copy', entityId: id, before: { copiedFrom: from.id }, after: created });
    return created;
  },
});

export type SessionListItem = Session & {
  seriesTitle: Record<string, string>;
  hosts: { id: string; name: string; names: Record<string, string> | null }[];
};

/**
 * Sessions the actor may see, upcoming (soonest first) or past (latest first), optionally of one
 * series or status; keyset-paginated on (starts_at, id).
 */
export const listSessions = defineUseCase({
  name: 'talks.listSessions',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z
    .object({
      // Checked below: an id that is not one is an unknown series (422), not a malformed request.
      seriesId: z.string().optional(),
      when: z.enum(['upcoming', 'past', 'all']).optional(),
      status: z.enum(sessionStatuses).optional(),
      cursor: z.string().optional(),
      limit: z.number().optional(),
    })
    .strict(),
  run: ({ ctx, input }) => sessionsPage(ctx, input),
});

async function sessionsPage(
  ctx: Ctx,
  input: {
    seriesId?: string;
    when?: 'upcoming' | 'past' | 'all';
    status?: SessionStatus;
    cursor?: string;
    limit?: number;
  },
): Promise<{ items: SessionListItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const when = input.when ?? 'all';
  const desc = when === 'past';
  const where: SQL[] = [visibleSessionSql(ctx.actor)];
  if (input.seriesId) {
    if (!uuid.safeParse(input.seriesId).success) throw unknownReference('seriesId', 'series');
    where.push(sql`s.series_id = ${input.seriesId}`);
  }
  if (input.status) where.push(sql`s.status = ${input.status}`);
  const now = ctx.now.toISOString();
  if (when === 'upcoming') where.push(sql`coalesce(s.ends_at, s.starts_at) >= ${now}`);
  if (when === 'past') where.push(sql`coalesce(s.ends_at, s.starts_at) < ${now}`);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor);
    where.push(
      desc
        ? sql`(s.starts_at, s.id) < (${at}::timestamptz, ${id}::uuid)`
        : sql`(s.starts_at, s.id) > (${at}::timestamptz, ${id}::uuid)`,
    );
  }
  const order = desc ? sql`s.starts_at DESC, s.id DESC` : sql`s.starts_at, s.id`;
  const r = await ctx.db.execute<SessionListItem>(sql`
    SELECT ${sessionColumns(contentVisibleSql(ctx.actor))}, r.title AS "seriesTitle",
      coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'names', o.names) ORDER BY p.position, o.name)
        FROM talks_participants p ${joinOrganisation('o', sql`p.organisation_id`, { inner: true })}
        WHERE p.session_id = s.id AND p.role = 'host'), '[]'::json) AS hosts
    FROM talks_sessions s JOIN talks_series r ON r.id = s.series_id
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${order} LIMIT ${limit + 1}`);
  const more = r.rows.length > limit;
  const items = more ? r.rows.slice(0, limit) : r.rows;
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      more && last ? Buffer.from(JSON.stringify([last.startsAt, last.id])).toString('base64url') : null,
  };
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && !Number.isNaN(Date.parse(v[0])) && uuid.safeParse(v[1]).success)
      return [String(v[0]), String(v[1])];
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'invalid', 'invalid cursor');
}

/** What the actor may do with a session (for pages and the API's `permissions`). */
export async function sessionPermissions(db: DbOrTx, ctx: Pick<Ctx, 'actor'>, session: Session) {
  const staff = isStaff(ctx.actor);
  const orgs = staff ? [] : await contributingOrgs(db, ctx.actor, session.id);
  return {
    manage: staff,
    /** Organisations the actor may write contributions for; 'all' for staff. */
    contributeFor: staff ? ('all' as const) : session.status === 'published' ? [] : orgs,
    register:
      !!ctx.actor &&
      session.registrationOpen &&
      session.status === 'scheduled' &&
      session.format !== 'online',
    transitions: staff ? transitions[session.status] : [],
  };
}

/** A session as stored, for its edit and copy forms (staff: no visibility filter applies to them). */
export const getSessionForEdit = defineUseCase({
  name: 'talks.getSessionForEdit',
  kind: 'read',
  allow: requireStaff,
  input: z.object({ id: z.string() }),
  run: async ({ ctx, input }): Promise<Session> => {
    const s = await findSession(ctx.db, input.id);
    if (!s) throw new AppError('not_found');
    return s;
  },
});

/** A session's title, for the pages of what it published (they check access to its content first). */
export const sessionTitle = defineUseCase({
  name: 'talks.getSessionTitle',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: z.string() }),
  run: async ({ ctx, input }): Promise<I18nText | null> => {
    if (!uuid.safeParse(input.id).success) return null;
    const r = await ctx.db.execute<{ title: I18nText }>(
      sql`SELECT s.title FROM talks_sessions s WHERE s.id = ${input.id} AND ${visibleSessionSql(ctx.actor)}`,
    );
    return r.rows[0]?.title ?? null;
  },
});
