import { z } from 'zod';
import { AppError } from '../errors.ts';

/**
 * One shape of `validation_failed` for every route and every part: `details` is a list of
 * `{ path, code, message }`. `code` is stable and translated by the pages (`<part>.errors.<code>`
 * or `validation.<code>`); `message` is Zod's text, for developers reading the JSON.
 */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** A schema gives a field its code through the issue message (`{ message: 'too_long' }`). */
const CODE = /^[a-z][a-z0-9_]*$/;

/** The stable code of one Zod issue. */
export function issueCode(i: z.core.$ZodIssue): string {
  const code = CODE.test(i.message) ? i.message : 'invalid';
  if (i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined) return 'required';
  if (i.code === 'unrecognized_keys') return 'unknown_field';
  if (i.code === 'too_small' && code === 'invalid') return 'required';
  return code;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), code: issueCode(i), message: i.message }));
}

export function invalid(errors: FieldError[]): AppError {
  return new AppError('validation_failed', errors);
}

/** One field's problem, for checks a schema cannot make (a date order, a reference). */
export function invalidField(path: string, code: string, message = code): AppError {
  return invalid([{ path, code, message }]);
}

/** Parse a use case's input or throw `validation_failed` with one error per problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(fieldErrors(r.error));
  return r.data;
}

/**
 * Control characters in text are never intended and break CSV files and terminals. Tabs and
 * line breaks belong in text, but not in one-line values such as an address (`lineBreaks: false`).
 */
export function hasControlChars(s: string, opts: { lineBreaks?: boolean } = {}): boolean {
  const whitespaceOk = opts.lineBreaks ?? true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x7f || (c < 0x20 && !(whitespaceOk && (c === 0x09 || c === 0x0a || c === 0x0d)))) return true;
  }
  return false;
}

export const uuid = z.uuid({ message: 'invalid_id' });
export const isoDate = z.iso.date({ message: 'invalid_date' });
export const langCode = z.string().regex(/^[a-z]{2,3}$/, { message: 'invalid_language' });

/** Required trimmed text without control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'required' })
    .max(max, { message: 'too_long' })
    .refine((s) => !hasControlChars(s), { message: 'invalid' });

/** A multilingual value, `{ en: 'Kyiv', uk: 'Київ' }`: empty languages are dropped. */
export type I18nText = Record<string, string>;

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
    .transform((v) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.length > 0)) as I18nText)
    .refine((v) => Object.keys(v).length <= 20, { message: 'too_many' });
