import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { I18nText } from '../directory/schema.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Text fields of the Talks are multilingual (`I18nText`). In contributions, summaries and actions
 * a passage between `**` and `**` is a key message: the public summary shows it in bold, as the
 * founding document does.
 */
const searchDoc = (...cols: string[]) =>
  sql.raw(`to_tsvector('simple', f_unaccent(${cols.map((c) => `i18n_values(${c})`).join(` || ' ' || `)}))`);

export const sessionFormats = ['online', 'physical', 'hybrid'] as const;
export const sessionStatuses = ['draft', 'scheduled', 'held', 'published'] as const;
export const participantRoles = ['host', 'partner', 'speaker', 'member', 'observer'] as const;
export const registrationStatuses = ['registered', 'waitlisted', 'cancelled'] as const;
export const addressees = [
  'lrgs',
  'associations',
  'sections',
  'governing_bodies',
  'national_governments',
  'international_system',
] as const;
export const themes = [
  'humanitarian_corridors',
  'humanitarian_aid',
  'displaced_people',
  'youth',
  'women',
  'twinning',
  'reconstruction',
  'culture_of_peace',
  'human_rights',
  'nuclear_disarmament',
  'local_diplomacy',
  'mayors_safety',
  'advocacy',
  'governance',
] as const;
export const actionStatuses = ['proposed', 'accepted', 'in_progress', 'done', 'dropped', 'deferred'] as const;
export const minutesStatuses = ['draft', 'review', 'published'] as const;

export type SessionFormat = (typeof sessionFormats)[number];
export type SessionStatus = (typeof sessionStatuses)[number];
export type ParticipantRole = (typeof participantRoles)[number];
export type RegistrationStatus = (typeof registrationStatuses)[number];
export type Addressee = (typeof addressees)[number];
export type Theme = (typeof themes)[number];
export type ActionStatus = (typeof actionStatuses)[number];
export type MinutesStatus = (typeof minutesStatuses)[number];

/** A series of sessions, e.g. the UCLG Municipal Peace Talks. */
export const talksSeries = pgTable('talks_series', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  title: jsonb('title').notNull().$type<I18nText>(),
  subtitle: jsonb('subtitle').$type<I18nText>(),
  description: jsonb('description').$type<I18nText>(),
  organiserId: uuid('organiser_id'), // organisation running it (UCLG)
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const talksSessions = pgTable(
  'talks_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seriesId: uuid('series_id').notNull(),
    title: jsonb('title').notNull().$type<I18nText>(),
    subtitle: jsonb('subtitle').$type<I18nText>(),
    // The opening paragraphs of the public summary ("Building on the outcomes of …").
    summary: jsonb('summary').$type<I18nText>(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    // IANA zone the session is held in; times are shown in it (and in the reader's).
    timezone: text('timezone').notNull().default('UTC'),
    format: text('format').notNull().$type<SessionFormat>(),
    venue: text('venue'),
    venueOrgId: uuid('venue_org_id'), // the city it is held in
    onlineUrl: text('online_url'),
    languages: text('languages').array().notNull().default(sql`'{en}'::text[]`),
    status: text('status').notNull().default('draft').$type<SessionStatus>(),
    // Registration (physical and hybrid sessions): null capacity = unlimited.
    capacity: integer('capacity'),
    registrationOpen: boolean('registration_open').notNull().default(false),
    copiedFromId: uuid('copied_from_id'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    searchDoc: tsvector('search_doc')
      .notNull()
      .generatedAlwaysAs(searchDoc('title', 'subtitle', 'summary')),
  },
  (t) => [
    index('talks_sessions_series_idx').on(t.seriesId, t.startsAt),
    index('talks_sessions_starts_idx').on(t.startsAt),
    index('talks_sessions_status_idx').on(t.status, t.startsAt),
    index('talks_sessions_search_idx').using('gin', t.searchDoc),
    check('talks_sessions_capacity_ck', sql`capacity IS NULL OR capacity >= 0`),
  ],
);

/** Organisations and people taking part, with their role (host, partner, speaker, member, observer). */
export const talksParticipants = pgTable(
  'talks_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    organisationId: uuid('organisation_id'),
    personId: uuid('person_id'),
    role: text('role').notNull().$type<ParticipantRole>(),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('talks_participants_session_idx').on(t.sessionId, t.role, t.position),
    index('talks_participants_org_idx').on(t.organisationId),
    uniqueIndex('talks_participants_uq').on(
      t.sessionId,
      t.role,
      sql`coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`coalesce(person_id, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    check('talks_participants_who_ck', sql`organisation_id IS NOT NULL OR person_id IS NOT NULL`),
  ],
);

/** A user's registration for a physical or hybrid session; the waitlist is ordered by `queued_at`. */
export const talksRegistrations = pgTable(
  'talks_registrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id').notNull(),
    organisationId: uuid('organisation_id'), // the organisation the user comes for
    status: text('status').notNull().$type<RegistrationStatus>(),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    // Restricted: read by the secretariat and the registrant only, and audited.
    accessibilityNeeds: text('accessibility_needs'),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('talks_registrations_queue_idx').on(t.sessionId, t.status, t.queuedAt),
    uniqueIndex('talks_registrations_live_uq').on(t.sessionId, t.userId).where(sql`status <> 'cancelled'`),
  ],
);

export const talksAgendaItems = pgTable(
  'talks_agenda_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    parentId: uuid('parent_id'),
    position: integer('position').notNull().default(0),
    title: jsonb('title').notNull().$type<I18nText>(),
    description: jsonb('description').$type<I18nText>(),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    durationMinutes: integer('duration_minutes'),
  },
  (t) => [index('talks_agenda_session_idx').on(t.sessionId, t.parentId, t.position)],
);

/** Who said what; `**…**` marks key messages. */
export const talksContributions = pgTable(
  'talks_contributions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    agendaItemId: uuid('agenda_item_id'),
    organisationId: uuid('organisation_id'),
    personId: uuid('person_id'),
    // When the speaker is a group ("Partners from the civil society").
    speakerLabel: jsonb('speaker_label').$type<I18nText>(),
    body: jsonb('body').notNull().$type<I18nText>(),
    position: integer('position').notNull().default(0),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    searchDoc: tsvector('search_doc').notNull().generatedAlwaysAs(searchDoc('body')),
  },
  (t) => [
    index('talks_contributions_session_idx').on(t.sessionId, t.position),
    index('talks_contributions_search_idx').using('gin', t.searchDoc),
  ],
);

export const talksRecommendations = pgTable(
  'talks_recommendations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    position: integer('position').notNull().default(0),
    text: jsonb('text').notNull().$type<I18nText>(),
    addressees: text('addressees').array().notNull().default(sql`'{}'::text[]`).$type<Addressee[]>(),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`).$type<Theme[]>(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    searchDoc: tsvector('search_doc').notNull().generatedAlwaysAs(searchDoc('text')),
  },
  (t) => [
    index('talks_recommendations_session_idx').on(t.sessionId, t.position),
    index('talks_recommendations_themes_idx').using('gin', t.themes),
    index('talks_recommendations_search_idx').using('gin', t.searchDoc),
  ],
);

/** From whom a recommendation comes: one or more partners or members. */
export const talksRecommendationSources = pgTable(
  'talks_recommendation_sources',
  {
    recommendationId: uuid('recommendation_id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.recommendationId, t.organisationId] }),
    index('talks_recommendation_sources_org_idx').on(t.organisationId),
  ],
);

/**
 * "For action by": an action a responsible organisation (an LRG, association, body or Section)
 * or a whole group of addressees ("LRGs") is to carry out. Nested actions roll their progress up
 * to their parent (`rollup`: weighted by `weight` or a plain average).
 */
export const talksActions = pgTable(
  'talks_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    recommendationId: uuid('recommendation_id'),
    parentId: uuid('parent_id'),
    depth: integer('depth').notNull().default(0),
    position: integer('position').notNull().default(0),
    text: jsonb('text').notNull().$type<I18nText>(),
    responsibleOrgId: uuid('responsible_org_id'),
    responsibleGroup: text('responsible_group').$type<Addressee>(),
    ownerPersonId: uuid('owner_person_id'),
    status: text('status').notNull().default('proposed').$type<ActionStatus>(),
    dueOn: date('due_on', { mode: 'string' }),
    // Own progress of a leaf; for a parent, the rolled-up value kept up to date on each change.
    progress: integer('progress').notNull().default(0),
    weight: real('weight').notNull().default(1),
    rollup: text('rollup').notNull().default('weighted').$type<'weighted' | 'plain'>(),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`).$type<Theme[]>(),
    followUpSessionId: uuid('follow_up_session_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    searchDoc: tsvector('search_doc').notNull().generatedAlwaysAs(searchDoc('text')),
  },
  (t) => [
    index('talks_actions_session_idx').on(t.sessionId, t.position),
    index('talks_actions_recommendation_idx').on(t.recommendationId),
    index('talks_actions_parent_idx').on(t.parentId),
    index('talks_actions_responsible_idx').on(t.responsibleOrgId, t.status, t.dueOn),
    index('talks_actions_status_due_idx').on(t.status, t.dueOn, t.id),
    index('talks_actions_due_idx').on(t.dueOn, t.id),
    index('talks_actions_themes_idx').using('gin', t.themes),
    index('talks_actions_search_idx').using('gin', t.searchDoc),
    // The tracker's other sort orders and its overdue filter (open actions by due date).
    index('talks_actions_progress_idx').on(t.progress, t.id),
    index('talks_actions_updated_idx').on(t.updatedAt, t.id),
    index('talks_actions_open_due_idx')
      .on(t.dueOn, t.id)
      .where(sql`status IN ('proposed', 'accepted', 'in_progress', 'deferred')`),
    index('talks_actions_follow_up_idx').on(t.followUpSessionId),
    check('talks_actions_progress_ck', sql`progress BETWEEN 0 AND 100`),
    check('talks_actions_depth_ck', sql`depth BETWEEN 0 AND 2`),
    check('talks_actions_weight_ck', sql`weight > 0`),
  ],
);

/** Dated progress on an action, with evidence; never edited. */
export const talksActionUpdates = pgTable(
  'talks_action_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id').notNull(),
    // The (follow-up) session in which the progress was reported, if any.
    sessionId: uuid('session_id'),
    happenedOn: date('happened_on', { mode: 'string' }).notNull(),
    statusFrom: text('status_from').$type<ActionStatus>(),
    statusTo: text('status_to').$type<ActionStatus>(),
    progressFrom: integer('progress_from'),
    progressTo: integer('progress_to'),
    note: jsonb('note').$type<I18nText>(),
    evidenceUrl: text('evidence_url'),
    source: text('source').notNull().default('form'), // form | api | csv
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('talks_action_updates_action_idx').on(t.actionId, t.happenedOn, t.createdAt),
    index('talks_action_updates_session_idx').on(t.sessionId),
  ],
);

/**
 * A CSV file of progress updates, kept between its preview and its application, so that the
 * preview page needs no JavaScript and no re-upload, and an applied file says when and by whom.
 */
export const talksActionImports = pgTable(
  'talks_action_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    filename: text('filename').notNull(),
    content: text('content').notNull(),
    sha256: text('sha256').notNull(),
    locale: text('locale').notNull().default('en'), // language of the notes in the file
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    appliedBy: uuid('applied_by'),
    result: jsonb('result'),
  },
  (t) => [index('talks_action_imports_created_idx').on(t.createdAt)],
);

/** The minutes of a session: the current state; each saved text is a version below. */
export const talksMinutes = pgTable('talks_minutes', {
  sessionId: uuid('session_id').primaryKey(),
  status: text('status').notNull().default('draft').$type<MinutesStatus>(),
  currentVersion: integer('current_version').notNull().default(0),
  publishedVersion: integer('published_version'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const talksMinutesVersions = pgTable(
  'talks_minutes_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    version: integer('version').notNull(),
    body: jsonb('body').notNull().$type<I18nText>(),
    note: text('note'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('talks_minutes_versions_uq').on(t.sessionId, t.version)],
);

/** Participants' comments and proposed changes on a version of the minutes under review. */
export const talksMinutesComments = pgTable(
  'talks_minutes_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    version: integer('version').notNull(),
    authorId: uuid('author_id').notNull(),
    body: text('body').notNull(),
    proposedText: text('proposed_text'),
    locale: text('locale').notNull().default('en'),
    status: text('status').notNull().default('open'), // open | accepted | declined
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
  },
  (t) => [index('talks_minutes_comments_session_idx').on(t.sessionId, t.version)],
);

/** Reminders already sent, so that a job run twice sends nothing twice. */
export const talksRemindersSent = pgTable(
  'talks_reminders_sent',
  {
    kind: text('kind').notNull(), // session_soon | action_due_soon | action_overdue | digest
    subjectId: text('subject_id').notNull(), // session or action id, or the digest week
    userId: uuid('user_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.subjectId, t.userId] })],
);

/** A user's choice of the weekly digest of sessions and actions. */
export const talksDigestSubscriptions = pgTable('talks_digest_subscriptions', {
  userId: uuid('user_id').primaryKey(),
  weekly: boolean('weekly').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
