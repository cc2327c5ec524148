import { z } from 'zod';
import { membershipStatuses, organisationKinds, personRoleKinds } from './schema.ts';

/** Response schemas of the directory API (what the OpenAPI document shows). */

const i18n = z.record(z.string(), z.string());
const iso = z.string().describe('ISO 8601 time in UTC');

export const organisationSummary = z.object({
  id: z.uuid(),
  kind: z.enum(organisationKinds),
  name: z.string(),
  names: i18n,
  acronym: z.string().nullable(),
  country: z.string().nullable().describe('ISO 3166-1 alpha-2'),
  population: z.number().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  archivedAt: iso.nullable(),
});

export const organisation = organisationSummary.extend({
  altNames: z.array(z.string()),
  parentId: z.uuid().nullable(),
  geonamesId: z.number().nullable(),
  wikidataId: z.string().nullable(),
  website: z.string().nullable(),
  description: i18n.nullable(),
  createdAt: iso,
  updatedAt: iso.describe('Send it back with a change: a newer value in the database gives `conflict`.'),
});

export const membership = z.object({
  id: z.uuid(),
  memberId: z.uuid(),
  memberName: z.string(),
  memberNames: i18n,
  memberCountry: z.string().nullable(),
  groupId: z.uuid(),
  groupName: z.string(),
  groupNames: i18n,
  groupKind: z.string(),
  status: z.enum(membershipStatuses),
  since: z.string().nullable(),
  until: z.string().nullable(),
  note: z.string().nullable(),
  updatedAt: iso,
});

export const contact = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  kind: z.string(),
  value: z.string(),
  confidentiality: z.enum(['public', 'network', 'restricted']),
});

export const personRole = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  organisationNames: i18n,
  role: z.enum(personRoleKinds),
  since: z.string().nullable(),
  until: z.string().nullable(),
  current: z.boolean(),
});

export const person = z.object({
  id: z.uuid(),
  name: z.string(),
  names: i18n.nullable(),
  title: z.string().nullable(),
  archivedAt: iso.nullable(),
  updatedAt: iso,
  roles: z.array(personRole),
  contacts: z.array(contact).describe('Only the contact details the caller may see (restricted by default).'),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page'),
  });

export const organisationDetail = z.object({
  organisation,
  parent: organisationSummary.nullable(),
  childrenCount: z.number().int(),
  memberCount: z.number().int(),
  memberships: z.array(membership),
  people: z.array(person),
  permissions: z.object({
    edit: z.boolean(),
    archive: z.boolean(),
    manageMemberships: z.union([z.literal('all'), z.array(z.string())]),
    managePeople: z.boolean(),
  }),
});

export const searchResult = z.object({
  organisations: z.array(organisationSummary.extend({ score: z.number() })),
  people: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      title: z.string().nullable(),
      organisations: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
    }),
  ),
});

export const section = organisationSummary.extend({ memberCount: z.number().int() });

export const bool = z.enum(['true', 'false']);

/** The body of `…/end` routes: the last day (today when absent). */
export const endBody = z.object({ until: z.iso.date().nullish() }).strict();
