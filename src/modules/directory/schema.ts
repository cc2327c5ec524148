import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  date,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { I18nText } from '../../core/validation/input.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

// The kernel's type; re-exported for the parts that still import it from here.
export type { I18nText };

export const organisationKinds = [
  'city',
  'municipality',
  'region',
  'lg_association',
  'network',
  'section',
  'partner',
  'governing_body',
  'national_government',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull().$type<OrganisationKind>(),
    names: jsonb('names').notNull().$type<I18nText>(),
    // The name shown when no language matches, and the sort key.
    name: text('name').notNull(),
    acronym: text('acronym'),
    altNames: text('alt_names').array().notNull().default(sql`'{}'::text[]`),
    country: text('country'), // ISO 3166-1 alpha-2
    parentId: uuid('parent_id'),
    population: bigint('population', { mode: 'number' }),
    lat: doublePrecision('lat'),
    lon: doublePrecision('lon'),
    geonamesId: bigint('geonames_id', { mode: 'number' }),
    wikidataId: text('wikidata_id'),
    website: text('website'),
    description: jsonb('description').$type<I18nText>(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // Every spelling, unaccented and lower-cased: for trigram similarity.
    searchText: text('search_text')
      .notNull()
      .generatedAlwaysAs(sql`lower(f_unaccent(search_names(names, name, acronym, alt_names)))`),
    searchDoc: tsvector('search_doc')
      .notNull()
      .generatedAlwaysAs(
        sql`to_tsvector('simple', f_unaccent(search_names(names, name, acronym, alt_names)))`,
      ),
  },
  (t) => [
    uniqueIndex('organisations_geonames_uq').on(t.geonamesId),
    uniqueIndex('organisations_wikidata_uq').on(t.wikidataId),
    index('organisations_kind_name_idx').on(t.kind, t.name, t.id),
    index('organisations_country_name_idx').on(t.country, t.name, t.id),
    index('organisations_name_idx').on(t.name, t.id),
    index('organisations_parent_idx').on(t.parentId),
    index('organisations_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('organisations_search_doc_idx').using('gin', t.searchDoc),
  ],
);

export const membershipStatuses = ['active', 'pending', 'suspended', 'ended'] as const;

/** An organisation's membership of a Section or a network (both are organisations). */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => organisations.id),
    groupId: uuid('group_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status').notNull().default('active'),
    since: date('since'),
    until: date('until'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('memberships_member_group_uq').on(t.memberId, t.groupId),
    index('memberships_group_idx').on(t.groupId, t.status),
  ],
);

export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    names: jsonb('names').$type<I18nText>(),
    title: text('title'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    searchText: text('search_text').notNull().generatedAlwaysAs(sql`lower(f_unaccent(name))`),
  },
  (t) => [
    index('people_name_idx').on(t.name, t.id),
    index('people_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

export const personRoleKinds = [
  'mayor',
  'deputy_mayor',
  'president',
  'secretary_general',
  'officer',
  'councillor',
  'focal_point',
] as const;

export const personRoles = pgTable(
  'person_roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role').notNull(),
    since: date('since'),
    until: date('until'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('person_roles_org_idx').on(t.organisationId),
    index('person_roles_person_idx').on(t.personId),
  ],
);

/** Contact details: restricted by default. */
export const personContacts = pgTable(
  'person_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    kind: text('kind').notNull(), // email | phone | address | other
    value: text('value').notNull(),
    confidentiality: text('confidentiality').notNull().default('restricted'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('person_contacts_person_idx').on(t.personId)],
);

/** A CSV import run as a background job: the file waits here until a worker has imported it. */
export const importRuns = pgTable(
  'import_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    filename: text('filename').notNull(),
    content: text('content').notNull(),
    status: text('status').notNull().default('queued'), // queued | running | done | rejected | failed
    summary: jsonb('summary'),
    error: jsonb('error'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('import_runs_created_idx').on(t.createdAt)],
);
