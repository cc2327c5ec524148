import { z } from 'zod';
import { AppError } from '../../../core/errors.ts';
import { hasControlChars, i18nText, langCode, text, uuid } from '../../../core/validation/input.ts';
import { participantRoles, sessionFormats, sessionStatuses } from '../schema.ts';

/**
 * Input schemas of the sessions' use cases (the API, the pages and the demo seed all call the
 * use cases, which the kit parses). A failure is `validation_failed` with one
 * `{ path, code, message }` per problem; pages translate the code (`talks.errors.<code>`).
 */

/** A multilingual text that must say something in at least one language. */
export const requiredI18n = (max: number) =>
  i18nText(max).refine((v) => Object.keys(v).length > 0, { message: 'required' });
export const optionalI18n = (max: number) => i18nText(max).nullish();

/** An IANA time zone the runtime knows (e.g. Europe/Amsterdam, America/Bogota, UTC). */
export const timezone = z
  .string()
  .trim()
  .max(64, { message: 'too_long' })
  .refine(isTimeZone, { message: 'invalid_timezone' });

export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * An instant as ISO 8601 with an offset (`2022-04-01T14:00:00+02:00` or `…Z`). The pattern
 * checks the calendar (no 30 February), and the value is read back to be sure.
 */
export const instant = z.iso
  .datetime({ offset: true, message: 'invalid_datetime' })
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'invalid_datetime' })
  .transform((s) => new Date(s).toISOString());

const httpUrl = z
  .string()
  .trim()
  .max(500, { message: 'too_long' })
  .regex(/^https?:\/\/[^\s<>"]+$/i, { message: 'url' });

const capacity = z
  .number({ message: 'invalid_number' })
  .int({ message: 'invalid_number' })
  .min(0, { message: 'not_negative' })
  .max(1_000_000, { message: 'too_big' });

const position = z
  .number({ message: 'invalid_number' })
  .int({ message: 'invalid_number' })
  .min(0)
  .max(1_000_000);

export const seriesInput = z
  .object({
    slug: z
      .string()
      .trim()
      .min(1, { message: 'required' })
      .max(80, { message: 'too_long' })
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'slug' }),
    title: requiredI18n(300),
    subtitle: optionalI18n(500),
    description: optionalI18n(10_000),
    organiserId: uuid.nullish(),
  })
  .strict();

export const seriesUpdateInput = seriesInput.partial().extend({ id: uuid }).strict();

const sessionFields = {
  title: requiredI18n(300),
  subtitle: optionalI18n(500),
  summary: optionalI18n(20_000),
  startsAt: instant,
  endsAt: instant.nullish(),
  timezone: timezone.default('UTC'),
  format: z.enum(sessionFormats, { message: 'invalid_format' }),
  venue: text(300).nullish(),
  venueOrgId: uuid.nullish(),
  onlineUrl: httpUrl.nullish(),
  languages: z
    .array(langCode)
    .min(1, { message: 'required' })
    .max(20, { message: 'too_many' })
    .transform((v) => [...new Set(v)])
    .default(['en']),
  capacity: capacity.nullish(),
  registrationOpen: z.boolean({ message: 'invalid' }).default(false),
};

const endsAfterStart = (s: { startsAt?: string; endsAt?: string | null }) =>
  !s.startsAt || !s.endsAt || s.endsAt > s.startsAt;

export const sessionInput = z
  .object({ seriesId: uuid, ...sessionFields })
  .strict()
  .refine(endsAfterStart, { message: 'date_order', path: ['endsAt'] });

export const sessionUpdateInput = z
  .object({
    id: uuid,
    version: z.number({ message: 'required' }).int({ message: 'invalid_number' }).min(1),
    title: sessionFields.title.optional(),
    subtitle: sessionFields.subtitle,
    summary: sessionFields.summary,
    startsAt: instant.optional(),
    endsAt: sessionFields.endsAt,
    timezone: timezone.optional(),
    format: sessionFields.format.optional(),
    venue: sessionFields.venue,
    venueOrgId: sessionFields.venueOrgId,
    onlineUrl: sessionFields.onlineUrl,
    languages: z.array(langCode).min(1, { message: 'required' }).max(20, { message: 'too_many' }).optional(),
    capacity: sessionFields.capacity,
    registrationOpen: z.boolean({ message: 'invalid' }).optional(),
  })
  .strict();

export const statusInput = z
  .object({
    id: uuid,
    status: z.enum(sessionStatuses, { message: 'invalid_status' }),
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const copyInput = z
  .object({
    id: uuid,
    startsAt: instant,
    endsAt: instant.nullish(),
    title: optionalI18n(300),
  })
  .strict()
  .refine(endsAfterStart, { message: 'date_order', path: ['endsAt'] });

export const participantInput = z
  .object({
    sessionId: uuid,
    organisationId: uuid.nullish(),
    personId: uuid.nullish(),
    role: z.enum(participantRoles, { message: 'invalid_role' }),
    position: position.optional(),
  })
  .strict()
  .refine((p) => !!p.organisationId || !!p.personId, { message: 'required', path: ['organisationId'] });

export const registrationInput = z
  .object({
    sessionId: uuid,
    organisationId: uuid.nullish(),
    accessibilityNeeds: z
      .string()
      .trim()
      .max(2000, { message: 'too_long' })
      .refine((s) => !hasControlChars(s), { message: 'invalid' })
      .nullish()
      .transform((s) => s || null),
  })
  .strict();

export const agendaInput = z
  .object({
    sessionId: uuid,
    parentId: uuid.nullish(),
    title: requiredI18n(300),
    description: optionalI18n(5000),
    position: position.optional(),
    startsAt: instant.nullish(),
    durationMinutes: z
      .number({ message: 'invalid_number' })
      .int({ message: 'invalid_number' })
      .min(1)
      .max(10_000)
      .nullish(),
  })
  .strict();

export const agendaUpdateInput = agendaInput
  .omit({ sessionId: true, parentId: true })
  .partial()
  .extend({ id: uuid, sessionId: uuid })
  .strict();

export const contributionInput = z
  .object({
    sessionId: uuid,
    organisationId: uuid.nullish(),
    personId: uuid.nullish(),
    speakerLabel: optionalI18n(300),
    agendaItemId: uuid.nullish(),
    body: requiredI18n(50_000),
    position: position.optional(),
  })
  .strict();

export const contributionUpdateInput = z
  .object({
    id: uuid,
    sessionId: uuid,
    version: z.number({ message: 'required' }).int({ message: 'invalid_number' }).min(1),
    body: requiredI18n(50_000).optional(),
    speakerLabel: optionalI18n(300),
    agendaItemId: uuid.nullish(),
    position: position.optional(),
  })
  .strict();

/** A reference to a record that does not exist (or that the actor may not see): 422. */
export function unknownReference(field: string, kind: string): AppError {
  return new AppError('unknown_reference', { field, kind });
}
