import { z } from 'zod';
import { AppError } from '../../../core/errors.ts';
import { actionStatuses, addressees, themes } from '../schema.ts';

/**
 * Input schemas of the recommendations and actions use cases. The use cases parse their input
 * themselves (pages, the API and the CSV import all call them); a failure becomes
 * `validation_failed` with one `{ path, code, message }` per problem.
 */

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export const uuid = z.uuid({ message: 'invalid_id' });

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

const cleanText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: 'too_long' })
    .refine((s) => !hasControlChars(s), { message: 'invalid' });

/** Multilingual text, at least one language filled in. */
export const i18nText = (max: number) =>
  z
    .record(z.string().regex(/^[a-z]{2,3}$/, { message: 'invalid_language' }), cleanText(max))
    .transform((v) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.length > 0)))
    .refine((v) => Object.keys(v).length > 0, { message: 'required' })
    .refine((v) => Object.keys(v).length <= 20, { message: 'too_many' });

/** A calendar date that exists (2022-02-30 does not). */
export const isoDate = z.iso.date({ message: 'invalid_date' }).refine(
  (s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  },
  { message: 'invalid_date' },
);

export const progress = z
  .number({ message: 'invalid_number' })
  .int({ message: 'invalid_number' })
  .min(0, { message: 'progress_range' })
  .max(100, { message: 'progress_range' });

export const actionStatus = z.enum(actionStatuses, { message: 'invalid_status' });
export const theme = z.enum(themes, { message: 'invalid_theme' });
export const addressee = z.enum(addressees, { message: 'invalid_addressee' });
const evidenceUrl = cleanText(1000).pipe(
  z.string().regex(/^https?:\/\/[^\s<>"]+$/i, { message: 'invalid_url' }),
);

export const recommendationInput = z
  .object({
    text: i18nText(5000),
    sourceOrgIds: z.array(uuid).max(50, { message: 'too_many' }).default([]),
    addressees: z.array(addressee).max(addressees.length).default([]),
    themes: z.array(theme).max(themes.length).default([]),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
export type RecommendationInput = z.input<typeof recommendationInput>;

export const recommendationPatch = recommendationInput
  .partial()
  .extend({ version: z.number().int() })
  .strict();
export type RecommendationPatch = z.input<typeof recommendationPatch>;

const actionFields = {
  text: i18nText(5000),
  responsibleOrgId: uuid.nullish(),
  responsibleGroup: addressee.nullish(),
  ownerPersonId: uuid.nullish(),
  dueOn: isoDate.nullish(),
  weight: z
    .number({ message: 'invalid_number' })
    .gt(0, { message: 'weight_positive' })
    .max(1000, { message: 'too_big' })
    .optional(),
  rollup: z.enum(['weighted', 'plain']).optional(),
  themes: z.array(theme).max(themes.length).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  followUpSessionId: uuid.nullish(),
};

export const actionInput = z
  .object({
    sessionId: uuid,
    recommendationId: uuid.nullish(),
    parentId: uuid.nullish(),
    ...actionFields,
  })
  .strict()
  .refine((a) => !(a.responsibleOrgId && a.responsibleGroup), {
    message: 'one_responsible',
    path: ['responsibleGroup'],
  });
export type ActionInput = z.input<typeof actionInput>;

export const actionPatch = z
  .object({
    text: actionFields.text.optional(),
    responsibleOrgId: actionFields.responsibleOrgId,
    responsibleGroup: actionFields.responsibleGroup,
    ownerPersonId: actionFields.ownerPersonId,
    dueOn: actionFields.dueOn,
    weight: actionFields.weight,
    rollup: actionFields.rollup,
    themes: actionFields.themes,
    position: actionFields.position,
    followUpSessionId: actionFields.followUpSessionId,
    recommendationId: uuid.nullish(),
    version: z.number().int(),
  })
  .strict();
export type ActionPatchShape = z.input<typeof actionPatch>;

/** A note is multilingual; a plain string is taken to be in the author's language. */
export const note = z.union([cleanText(5000), i18nText(5000)]);

export const actionUpdateInput = z
  .object({
    status: actionStatus.optional(),
    progress: progress.optional(),
    note: note.nullish(),
    evidenceUrl: evidenceUrl.nullish(),
    happenedOn: isoDate,
    sessionId: uuid.nullish(),
  })
  .strict();
export type ActionUpdateInput = z.input<typeof actionUpdateInput>;

const knownCodes = new Set([
  'required',
  'too_long',
  'too_many',
  'invalid',
  'invalid_id',
  'invalid_date',
  'invalid_status',
  'invalid_theme',
  'invalid_addressee',
  'invalid_language',
  'invalid_number',
  'invalid_url',
  'progress_range',
  'weight_positive',
  'too_big',
  'one_responsible',
]);

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

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(fieldErrors(r.error));
  return r.data;
}
