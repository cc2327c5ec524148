import { sql } from 'drizzle-orm';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { z } from 'zod';
import type { Ctx } from '../../../../core/context.ts';
import { AppError } from '../../../../core/errors.ts';
import { type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import { defineUseCase } from '../../../../core/module/use-case.ts';
import type { I18nText } from '../../../../core/validation/input.ts';
import { organisationRef } from '../../../directory/index.ts';
import { checkRead } from '../../sessions/access.ts';
import { stripKeyMarkers } from '../../sessions/key-messages.ts';
import { contentVisibleSql, visibleSessionSql } from '../../sessions/visibility.ts';
import { vtimezone, zoned } from './zones.ts';

/**
 * iCalendar feeds (RFC 5545): the sessions of a series, and for an organisation the sessions it
 * takes part in and the due dates of its actions (all-day events). Times are written in each
 * session's own zone, with a VTIMEZONE for every zone used. Calendar apps fetch feeds without
 * signing in, so a feed holds what the reader may see: announced sessions, and actions of
 * published sessions, for the public.
 */

type SessionRow = {
  id: string;
  title: I18nText;
  subtitle: I18nText | null;
  startsAt: string;
  endsAt: string | null;
  timezone: string;
  format: string;
  venue: string | null;
  onlineUrl: string | null;
  status: string;
  updatedAt: string;
};

type ActionRow = {
  id: string;
  text: I18nText;
  dueOn: string;
  status: string;
  progress: number;
  sessionId: string;
};

const uuid = z.uuid();
// Sessions without an end are shown as two hours long (a usual Peace Talks session).
const DEFAULT_LENGTH_MS = 2 * 3600_000;

const sessionCols = sql`s.id, s.title, s.subtitle, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.timezone,
  s.format, s.venue, s.online_url AS "onlineUrl", s.status, s.updated_at AS "updatedAt"`;

interface Feed {
  name: string;
  sessions: SessionRow[];
  actions: ActionRow[];
}

function render(ctx: Ctx, feed: Feed, baseUrl: string): string {
  const l: Locale = ctx.locale;
  const cal = ical({
    name: feed.name,
    prodId: { company: 'Peace Talks', product: 'Talks', language: l.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
  });
  const zones = new Map<string, [number, number]>();
  for (const s of feed.sessions) {
    const start = new Date(s.startsAt);
    const end = s.endsAt ? new Date(s.endsAt) : new Date(start.getTime() + DEFAULT_LENGTH_MS);
    const y = start.getUTCFullYear();
    const span = zones.get(s.timezone);
    zones.set(
      s.timezone,
      span ? [Math.min(span[0], y), Math.max(span[1], end.getUTCFullYear())] : [y, end.getUTCFullYear()],
    );
    const subtitle = s.subtitle ? pick(s.subtitle, l).text : '';
    const where = [s.venue, s.onlineUrl].filter(Boolean).join(' · ');
    const url = `${baseUrl}/talks/sessions/${s.id}`;
    cal.createEvent({
      id: `talks-session-${s.id}@peacetalks`,
      start: zoned(start, s.timezone),
      end: zoned(end, s.timezone),
      timezone: s.timezone,
      stamp: new Date(s.updatedAt),
      lastModified: new Date(s.updatedAt),
      summary: pick(s.title, l).text,
      description: [subtitle, t(l, `talksOutputs.calendar.format.${s.format}`), url]
        .filter(Boolean)
        .join('\n'),
      location: where || null,
      url,
      status: s.status === 'draft' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    });
  }
  for (const a of feed.actions) {
    const [y, m, d] = a.dueOn.split('-').map(Number);
    const text = stripKeyMarkers(pick(a.text, l).text);
    cal.createEvent({
      id: `talks-action-${a.id}@peacetalks`,
      // All-day: the date as written, in no zone.
      start: new Date(Date.UTC(y!, m! - 1, d!)),
      allDay: true,
      timezone: null,
      stamp: new Date(),
      summary: t(l, 'talksOutputs.calendar.actionDue', {
        text: text.length > 120 ? `${text.slice(0, 119)}…` : text,
      }),
      description: `${text}\n${t(l, `talksOutputs.actionStatus.${a.status}`)} · ${a.progress}%\n${baseUrl}/talks/actions/${a.id}`,
      url: `${baseUrl}/talks/actions/${a.id}`,
    });
  }
  if (zones.size) {
    cal.timezone({
      name: null,
      generator: (tz) => {
        const span = zones.get(tz);
        return span ? vtimezone(tz, span[0], span[1]) : null;
      },
    });
  }
  return cal.toString();
}

/** Which feed, and the address of the platform its links point to. */
const feedInput = z.object({ id: z.string(), baseUrl: z.string() });

/** The sessions of a series the reader may see. */
export const seriesCalendar = defineUseCase({
  name: 'talks.seriesCalendar',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: feedInput,
  run: ({ ctx, input }) => seriesFeed(ctx, input.id, input.baseUrl),
});

async function seriesFeed(ctx: Ctx, seriesId: string, baseUrl: string): Promise<string> {
  if (!uuid.safeParse(seriesId).success) throw new AppError('not_found', { resource: 'series' });
  const series = await ctx.db.execute<{ title: I18nText }>(
    sql`SELECT title FROM talks_series WHERE id = ${seriesId}`,
  );
  if (!series.rows[0]) throw new AppError('not_found', { resource: 'series' });
  const sessions = await ctx.db.execute<SessionRow>(sql`
    SELECT ${sessionCols} FROM talks_sessions s
    WHERE s.series_id = ${seriesId} AND ${visibleSessionSql(ctx.actor)}
    ORDER BY s.starts_at, s.id`);
  return render(
    ctx,
    { name: pick(series.rows[0].title, ctx.locale).text, sessions: sessions.rows, actions: [] },
    baseUrl,
  );
}

/** Sessions an organisation takes part in, and the due dates of the actions it is responsible for. */
export const organisationCalendar = defineUseCase({
  name: 'talks.organisationCalendar',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: feedInput,
  run: ({ ctx, input }) => organisationFeed(ctx, input.id, input.baseUrl),
});

async function organisationFeed(ctx: Ctx, organisationId: string, baseUrl: string): Promise<string> {
  if (!uuid.safeParse(organisationId).success) throw new AppError('not_found', { resource: 'organisation' });
  const org = await organisationRef(ctx.db, organisationId);
  if (!org || org.archived) throw new AppError('not_found', { resource: 'organisation' });
  const [sessions, actions] = await Promise.all([
    ctx.db.execute<SessionRow>(sql`
      SELECT ${sessionCols} FROM talks_sessions s
      WHERE s.id IN (SELECT session_id FROM talks_participants WHERE organisation_id = ${organisationId})
        AND ${visibleSessionSql(ctx.actor)}
      ORDER BY s.starts_at, s.id`),
    ctx.db.execute<ActionRow>(sql`
      SELECT a.id, a.text, a.due_on AS "dueOn", a.status, a.progress, a.session_id AS "sessionId"
      FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
      WHERE a.responsible_org_id = ${organisationId} AND a.due_on IS NOT NULL
        AND a.status NOT IN ('dropped') AND ${contentVisibleSql(ctx.actor)}
      ORDER BY a.due_on, a.id`),
  ]);
  const name = t(ctx.locale, 'talksOutputs.calendar.organisationFeed', {
    name: pick(org.names, ctx.locale, org.name).text,
  });
  return render(ctx, { name, sessions: sessions.rows, actions: actions.rows }, baseUrl);
}
