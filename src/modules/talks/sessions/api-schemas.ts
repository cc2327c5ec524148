import { z } from 'zod';
import { participantRoles, registrationStatuses, sessionFormats, sessionStatuses } from '../schema.ts';

/** Response schemas of the sessions API (what the OpenAPI document shows). */

const i18n = z
  .record(z.string(), z.string())
  .describe('One value per language code; `**…**` marks a key message');
const iso = z.string().describe('ISO 8601 time in UTC');

export const series = z.object({
  id: z.uuid(),
  slug: z.string(),
  title: i18n,
  subtitle: i18n.nullable(),
  description: i18n.nullable(),
  organiserId: z.uuid().nullable(),
  createdAt: iso,
  updatedAt: iso,
});

export const session = z.object({
  id: z.uuid(),
  seriesId: z.uuid(),
  title: i18n,
  subtitle: i18n.nullable(),
  summary: i18n.nullable().describe('Null when the reader may not see the content yet'),
  startsAt: iso,
  endsAt: iso.nullable(),
  timezone: z.string().describe('IANA time zone the session is held in'),
  format: z.enum(sessionFormats),
  venue: z.string().nullable(),
  venueOrgId: z.uuid().nullable(),
  onlineUrl: z.string().nullable(),
  languages: z.array(z.string()),
  status: z.enum(sessionStatuses),
  capacity: z.number().int().nullable(),
  registrationOpen: z.boolean(),
  copiedFromId: z.uuid().nullable(),
  publishedAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
  version: z.number().int().describe('Send it back with a change (PATCH): another value gives `conflict`'),
});

const orgRef = z.object({ id: z.uuid(), name: z.string(), names: i18n.nullable() });

export const sessionListItem = session.extend({ seriesTitle: i18n, hosts: z.array(orgRef) });

export const participant = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  role: z.enum(participantRoles),
  position: z.number().int(),
  organisationId: z.uuid().nullable(),
  organisationName: z.string().nullable(),
  organisationNames: i18n.nullable(),
  organisationAcronym: z.string().nullable(),
  personId: z.uuid().nullable(),
  personName: z.string().nullable(),
});

export const agendaItem = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  parentId: z.uuid().nullable(),
  position: z.number().int(),
  title: i18n,
  description: i18n.nullable(),
  startsAt: iso.nullable(),
  durationMinutes: z.number().int().nullable(),
  depth: z.number().int().describe('0 for a top-level item; items come in reading order'),
});

export const contribution = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  agendaItemId: z.uuid().nullable(),
  organisationId: z.uuid().nullable(),
  organisationName: z.string().nullable(),
  organisationNames: i18n.nullable(),
  personId: z.uuid().nullable(),
  personName: z.string().nullable(),
  speakerLabel: i18n.nullable(),
  body: i18n,
  position: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
  version: z.number().int(),
});

export const registration = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  userId: z.uuid(),
  userName: z.string().nullable(),
  userEmail: z.string().nullable(),
  organisationId: z.uuid().nullable(),
  organisationName: z.string().nullable(),
  status: z.enum(registrationStatuses),
  queuedAt: iso,
  accessibilityNeeds: z
    .string()
    .nullable()
    .describe('Restricted: shown to staff (reads audited) and to the registrant only'),
  checkedInAt: iso.nullable(),
  cancelledAt: iso.nullable(),
});

export const registrationSummary = z.object({
  capacity: z.number().int().nullable(),
  registered: z.number().int(),
  waitlisted: z.number().int(),
  checkedIn: z.number().int(),
  seatsLeft: z.number().int().nullable(),
  mine: registration.extend({ waitlistPosition: z.number().int().nullable() }).nullable(),
});

export const sessionDetail = z.object({
  session,
  series: z.object({ id: z.uuid(), slug: z.string(), title: i18n }),
  venueOrg: orgRef.nullable(),
  participants: z.array(participant),
  agenda: z.array(agendaItem),
  contributions: z.array(contribution).nullable(),
  registration: registrationSummary,
  permissions: z.object({
    manage: z.boolean(),
    contributeFor: z.union([z.literal('all'), z.array(z.string())]),
    register: z.boolean(),
    transitions: z.array(z.enum(sessionStatuses)),
    readContent: z.boolean(),
  }),
});

const id = z.uuid({ message: 'invalid_id' });
export const participantParams = z.object({ id, participantId: id });
export const registrationParams = z.object({ id, registrationId: id });
export const itemParams = z.object({ id, itemId: id });
export const contributionParams = z.object({ id, contributionId: id });
