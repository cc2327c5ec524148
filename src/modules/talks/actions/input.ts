import { z } from 'zod';
import { hasControlChars, i18nText, isoDate, uuid } from '../../../core/validation/input.ts';
import { actionStatuses, addressees, themes } from '../schema.ts';

/**
 * Input schemas of the recommendations and actions use cases (the module kit parses them: a
 * failure becomes `validation_failed` with one `{ path, code, message }` per problem). The field
 * schemas shared by every part are in core/validation/input.ts.
 */

const cleanText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: 'too_long' })
    .refine((s) => !hasControlChars(s), { message: 'invalid' });

/** Multilingual text, at least one language filled in. */
const requiredI18n = (max: number) =>
  i18nText(max).refine((v) => Object.keys(v).length > 0, { message: 'required' });

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
    text: requiredI18n(5000),
    sourceOrgIds: z.array(uuid).max(50, { message: 'too_many' }).default([]),
    addressees: z.array(addressee).max(addressees.length).default([]),
    themes: z.array(theme).max(themes.length).default([]),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
/** `talks.createRecommendation`: the API's body with the session of its path. */
export const createRecommendationInput = recommendationInput.extend({ sessionId: uuid });

export const recommendationPatch = recommendationInput
  .partial()
  .extend({ version: z.number().int() })
  .strict();
export const updateRecommendationInput = recommendationPatch.extend({ id: uuid });

const actionFields = {
  text: requiredI18n(5000),
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
export const updateActionInput = actionPatch.extend({ id: uuid });

/** A note is multilingual; a plain string is taken to be in the author's language. */
export const note = z.union([cleanText(5000), requiredI18n(5000)]);

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
export const addActionUpdateInput = actionUpdateInput.extend({ actionId: uuid });
