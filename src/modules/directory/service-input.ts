import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { isCountryCode } from './countries.ts';
import { membershipStatuses, organisationKinds, personRoleKinds } from './schema.ts';

/**
 * Input schemas of the directory's use cases. The use cases parse their input themselves (the
 * importers and the pages call them as well as the API), and a failure becomes
 * `validation_failed` with one `{ path, code }` per problem so that forms can show each message
 * beside its field in the user's language.
 */

export const uuid = z.uuid({ message: 'invalid_id' });
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'required' })
    .max(max, { message: 'too_long' })
    // Control characters in a name are never intended and break CSV and terminals.
    .refine((s) => !hasControlChars(s), { message: 'invalid' });

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
const optionalText = (max: number) => text(max).nullish();

export const langCode = z.string().regex(/^[a-z]{2,3}$/, { message: 'invalid_language' });
/** One value per language, e.g. `{ en: 'Kyiv', uk: 'Київ' }`. */
export const i18nText = (max: number) =>
  z
    .record(
      langCode,
      z
        .string()
        .trim()
        .max(max, { message: 'too_long' })
        .refine((s) => !hasControlChars(s), { message: 'invalid' }),
    )
    .transform((v) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.length > 0)))
    .refine((v) => Object.keys(v).length <= 20, { message: 'too_many' });

export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCountryCode, { message: 'invalid_country' });
export const isoDate = z.iso.date({ message: 'invalid_date' });

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
export type UpdateOrganisationInput = z.input<typeof updateOrganisationInput>;

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

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

const knownCodes = new Set([
  'required',
  'too_long',
  'too_many',
  'invalid',
  'invalid_id',
  'invalid_language',
  'invalid_country',
  'invalid_date',
  'invalid_kind',
  'invalid_status',
  'invalid_role',
  'invalid_number',
  'not_negative',
  'too_big',
  'latitude',
  'longitude',
  'geonames',
  'wikidata',
  'website',
  'date_order',
  'email',
]);

/** Zod issues as field errors with a stable code that pages translate (`directory.errors.<code>`). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    let code = knownCodes.has(i.message) ? i.message : 'invalid';
    if (i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined) code = 'required';
    if (i.code === 'unrecognized_keys') code = 'unknown_field';
    return { path: i.path.join('.'), code, message: i.message };
  });
}

export function invalid(errors: FieldError[]): AppError {
  return new AppError('validation_failed', errors);
}

/** Parse a use case's input or throw `validation_failed` with field errors. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(fieldErrors(r.error));
  return r.data;
}
