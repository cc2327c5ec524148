import { type SQL, sql } from 'drizzle-orm';
import type { I18nText } from '../../../core/validation/input.ts';
import { joinOrganisation, joinPerson } from '../../directory/index.ts';
import type { ParticipantRole, RegistrationStatus, SessionFormat, SessionStatus } from '../schema.ts';

export { sqlTexts as textArray } from '../../../core/db/sql-arrays.ts';

/** Row shapes the sessions' use cases return (camelCase, times as ISO 8601 UTC), and their SQL. */

/** A timestamp as ISO 8601 text in UTC with milliseconds (what the API sends and compares). */
export function isoTime(col: SQL): SQL {
  return sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A jsonb parameter; null and undefined give SQL NULL. */
export function jsonb(value: unknown): SQL {
  return value === null || value === undefined ? sql`NULL` : sql`${JSON.stringify(value)}::jsonb`;
}

export type Series = {
  id: string;
  slug: string;
  title: I18nText;
  subtitle: I18nText | null;
  description: I18nText | null;
  organiserId: string | null;
  createdAt: string;
  updatedAt: string;
};

export const seriesColumns = sql`r.id, r.slug, r.title, r.subtitle, r.description, r.organiser_id AS "organiserId",
  ${isoTime(sql`r.created_at`)} AS "createdAt", ${isoTime(sql`r.updated_at`)} AS "updatedAt"`;

export type Session = {
  id: string;
  seriesId: string;
  title: I18nText;
  subtitle: I18nText | null;
  summary: I18nText | null;
  startsAt: string;
  endsAt: string | null;
  timezone: string;
  format: SessionFormat;
  venue: string | null;
  venueOrgId: string | null;
  onlineUrl: string | null;
  languages: string[];
  status: SessionStatus;
  capacity: number | null;
  registrationOpen: boolean;
  copiedFromId: string | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Send it back with a change: another value in the database means someone saved first. */
  version: number;
};

/** Columns of a session from alias `s`. The summary is content: null unless `withSummary`. */
export function sessionColumns(withSummary: SQL | boolean = true): SQL {
  const summary =
    withSummary === true
      ? sql`s.summary`
      : withSummary === false
        ? sql`NULL::jsonb`
        : sql`CASE WHEN ${withSummary} THEN s.summary END`;
  return sql`s.id, s.series_id AS "seriesId", s.title, s.subtitle, ${summary} AS summary,
    ${isoTime(sql`s.starts_at`)} AS "startsAt", ${isoTime(sql`s.ends_at`)} AS "endsAt", s.timezone, s.format,
    s.venue, s.venue_org_id AS "venueOrgId", s.online_url AS "onlineUrl", s.languages, s.status, s.capacity,
    s.registration_open AS "registrationOpen", s.copied_from_id AS "copiedFromId",
    ${isoTime(sql`s.published_at`)} AS "publishedAt", ${isoTime(sql`s.created_at`)} AS "createdAt",
    ${isoTime(sql`s.updated_at`)} AS "updatedAt", s.version`;
}

export type Participant = {
  id: string;
  sessionId: string;
  role: ParticipantRole;
  position: number;
  organisationId: string | null;
  organisationName: string | null;
  organisationNames: I18nText | null;
  organisationAcronym: string | null;
  personId: string | null;
  personName: string | null;
};

export const participantColumns = sql`p.id, p.session_id AS "sessionId", p.role, p.position,
  p.organisation_id AS "organisationId", o.name AS "organisationName", o.names AS "organisationNames",
  o.acronym AS "organisationAcronym", p.person_id AS "personId", pe.name AS "personName"`;
export const participantJoins = sql`${joinOrganisation('o', sql`p.organisation_id`)}
  ${joinPerson('pe', sql`p.person_id`)}`;

export type AgendaItem = {
  id: string;
  sessionId: string;
  parentId: string | null;
  position: number;
  title: I18nText;
  description: I18nText | null;
  startsAt: string | null;
  durationMinutes: number | null;
  /** 0 for a top-level item. */
  depth: number;
};

export type Contribution = {
  id: string;
  sessionId: string;
  agendaItemId: string | null;
  organisationId: string | null;
  organisationName: string | null;
  organisationNames: I18nText | null;
  personId: string | null;
  personName: string | null;
  speakerLabel: I18nText | null;
  body: I18nText;
  position: number;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export const contributionColumns = sql`c.id, c.session_id AS "sessionId", c.agenda_item_id AS "agendaItemId",
  c.organisation_id AS "organisationId", o.name AS "organisationName", o.names AS "organisationNames",
  c.person_id AS "personId", pe.name AS "personName", c.speaker_label AS "speakerLabel", c.body, c.position,
  ${isoTime(sql`c.created_at`)} AS "createdAt", ${isoTime(sql`c.updated_at`)} AS "updatedAt", c.version`;
export const contributionJoins = sql`${joinOrganisation('o', sql`c.organisation_id`)}
  ${joinPerson('pe', sql`c.person_id`)}`;

export type Registration = {
  id: string;
  sessionId: string;
  userId: string;
  userName: string | null;
  userEmail: string | null;
  organisationId: string | null;
  organisationName: string | null;
  status: RegistrationStatus;
  queuedAt: string;
  /** Restricted: only for staff and the registrant (and each read by staff is audited). */
  accessibilityNeeds: string | null;
  checkedInAt: string | null;
  cancelledAt: string | null;
};

/** Columns of a registration from alias `g`; the needs only where `needs` holds (in SQL). */
export function registrationColumns(needs: SQL): SQL {
  return sql`g.id, g.session_id AS "sessionId", g.user_id AS "userId", u.name AS "userName", u.email AS "userEmail",
    g.organisation_id AS "organisationId", o.name AS "organisationName", g.status,
    ${isoTime(sql`g.queued_at`)} AS "queuedAt",
    CASE WHEN ${needs} THEN g.accessibility_needs END AS "accessibilityNeeds",
    ${isoTime(sql`g.checked_in_at`)} AS "checkedInAt", ${isoTime(sql`g.cancelled_at`)} AS "cancelledAt"`;
}
export const registrationJoins = sql`LEFT JOIN users u ON u.id = g.user_id
  ${joinOrganisation('o', sql`g.organisation_id`)}`;

/** A PostgreSQL error's SQLSTATE code (drizzle wraps the driver's error in `cause`). */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code;
}
