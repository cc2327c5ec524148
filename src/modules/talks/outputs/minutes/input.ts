import { z } from 'zod';
import { locales } from '../../../../core/i18n/i18n.ts';
import { uuid } from '../../../../core/validation/input.ts';
import { requiredI18n } from '../../sessions/input.ts';

/** Input schemas of the minutes' use cases. */

export const saveInput = z
  .object({
    sessionId: uuid,
    body: requiredI18n(200_000),
    note: z.string().trim().max(500, { message: 'too_long' }).nullish(),
    baseVersion: z.coerce.number().int().min(0),
  })
  .strict();

export const statusInput = z
  .object({
    sessionId: uuid,
    status: z.enum(['draft', 'review', 'published'], { message: 'invalid_status' }),
  })
  .strict();

export const commentInput = z
  .object({
    sessionId: uuid,
    body: z.string().trim().min(1, { message: 'required' }).max(5000, { message: 'too_long' }),
    proposedText: z
      .string()
      .max(200_000, { message: 'too_long' })
      .nullish()
      .transform((s) => (s?.trim() ? s.replace(/\r\n/g, '\n') : null)),
    locale: z.enum(locales, { message: 'invalid_language' }).default('en'),
  })
  .strict();

export const resolveInput = z
  .object({
    sessionId: uuid,
    commentId: uuid,
    decision: z.enum(['accept', 'decline'], { message: 'invalid' }),
  })
  .strict();
