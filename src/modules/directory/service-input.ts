import { z } from 'zod';
import { i18nText, isoDate, text, uuid } from '../../core/validation/input.ts';
import { isCountryCode } from './countries.ts';
import { membershipStatuses, organisationKinds, personRoleKinds } from './schema.ts';

/**
 * Input schemas of the directory's use cases. The module kit parses them (the importers and the
 * pages call the use cases as well as the API), and a failure becomes `validation_failed` with one
 * `{ path, code, message }` per problem, so that forms show each message beside its field in the
 * user's language (`directory.errors.<code>`). The shared pieces (text, i18nText, uuid…) are the
 * kernel's (core/validation/input.ts).
 */

const optionalText = (max: number) => text(max).nullish();

export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCountryCode, { message: 'invalid_country' });

const organisationFields = {
  kind: z.enum(organisationKinds, { message: 'invalid_kind' }),
  names: i18nText(300),
  name: optionalText(300),
  acronym: optionalText(50),
  altNames: z.array(text(300)).max(50, { message: 'too_many' }).optional(),
  country: countryCode.nullish(),
  parentId: uuid.nullish(),
  population: z
    .number({ message: 'invalid_number' })
    .int({ message: 'invalid_number' })
    .min(0, { message: 'not_negative' })
    .max(100_000_000_000, { message: 'too_big' })
    .nullish(),
  lat: z
    .number({ message: 'invalid_number' })
    .min(-90, { message: 'latitude' })
    .max(90, { message: 'latitude' })
    .nullish(),
  lon: z
    .number({ message: 'invalid_number' })
    .min(-180, { message: 'longitude' })
    .max(180, { message: 'longitude' })
    .nullish(),
  geonamesId: z
    .number({ message: 'invalid_number' })
    .int({ message: 'geonames' })
    .positive({ message: 'geonames' })
    .max(Number.MAX_SAFE_INTEGER, { message: 'geonames' })
    .nullish(),
  wikidataId: z
    .string()
    .trim()
    .regex(/^Q[1-9]\d{0,11}$/, { message: 'wikidata' })
    .nullish(),
  website: z
    .string()
    .trim()
    .max(500, { message: 'too_long' })
    .regex(/^https?:\/\/[^\s<>"]+$/i, { message: 'website' })
    .nullish(),
  description: i18nText(5000).nullish(),
};

export const createOrganisationInput = z
  .object({
    ...organisationFields,
    /** A Section coordinator creates organisations into their Section: the membership comes with it. */
    sectionId: uuid.nullish(),
  })
  .strict()
  .refine((o) => Object.keys(o.names).length > 0 || !!o.name, { message: 'required', path: ['names'] });
export type CreateOrganisationInput = z.input<typeof createOrganisationInput>;

export const updateOrganisationInput = z
  .object(organisationFields)
  .partial()
  .extend({
    id: uuid,
    /** The `updatedAt` the editor saw: a newer one in the database means someone else saved first. */
    updatedAt: z.iso.datetime({ offset: true, message: 'invalid_date' }),
  })
  .strict();

export const membershipInput = z
  .object({
    memberId: uuid,
    groupId: uuid,
    status: z.enum(membershipStatuses, { message: 'invalid_status' }).default('active'),
    since: isoDate.nullish(),
    until: isoDate.nullish(),
    note: optionalText(2000),
  })
  .strict()
  .refine((m) => !m.since || !m.until || m.since <= m.until, { message: 'date_order', path: ['until'] });

export const membershipUpdateInput = z
  .object({
    id: uuid,
    status: z.enum(membershipStatuses, { message: 'invalid_status' }).optional(),
    since: isoDate.nullish(),
    until: isoDate.nullish(),
    note: optionalText(2000),
  })
  .strict();

export const personInput = z
  .object({
    name: text(200),
    names: i18nText(200).nullish(),
    title: optionalText(200),
    /** Optionally give the person a role at once (the way members add their mayor). */
    organisationId: uuid.nullish(),
    role: z.enum(personRoleKinds, { message: 'invalid_role' }).nullish(),
    since: isoDate.nullish(),
  })
  .strict()
  .refine((p) => !p.role || !!p.organisationId, { message: 'required', path: ['organisationId'] });

export const personUpdateInput = z
  .object({
    id: uuid,
    updatedAt: z.iso.datetime({ offset: true, message: 'invalid_date' }),
    name: text(200).optional(),
    names: i18nText(200).nullish(),
    title: optionalText(200),
  })
  .strict();

export const personRoleInput = z
  .object({
    personId: uuid,
    organisationId: uuid,
    role: z.enum(personRoleKinds, { message: 'invalid_role' }),
    since: isoDate.nullish(),
    until: isoDate.nullish(),
  })
  .strict()
  .refine((m) => !m.since || !m.until || m.since <= m.until, { message: 'date_order', path: ['until'] });

export const contactKinds = ['email', 'phone', 'address', 'other'] as const;
export const contactInput = z
  .object({
    personId: uuid,
    kind: z.enum(contactKinds, { message: 'invalid_kind' }),
    value: text(500),
    confidentiality: z
      .enum(['public', 'network', 'restricted'], { message: 'invalid' })
      .default('restricted'),
  })
  .strict()
  .refine((c) => c.kind !== 'email' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.value), {
    message: 'email',
    path: ['value'],
  });
