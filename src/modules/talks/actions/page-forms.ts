import { z } from 'zod';
import { isAppError } from '../../../core/errors.ts';
import { fieldError } from '../../../core/http/api-kit.ts';
import type { FieldError } from '../../../core/validation/input.ts';
import { contentLangs } from './views/common.tsx';

/** What the pages of recommendations and actions read from a posted form (no JavaScript needed). */

export type Form = Record<string, string | string[]>;

/** The string fields of a form body (the form parser gives an array for a repeated name). */
export function formOf(body: unknown): Form {
  const out: Form = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
export const many = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : v ? [v] : []).filter(Boolean);
export const orNull = (v: string) => (v === '' ? null : v);
export const textOf = (f: Form) => Object.fromEntries(contentLangs.map((l) => [l, one(f[`text_${l}`])]));
export const numberOf = (v: string) =>
  v === '' ? undefined : /^-?\d+([.,]\d+)?$/.test(v) ? Number(v.replace(',', '.')) : Number.NaN;

const fieldErrorList = z.array(fieldError);
const referenceDetails = z.object({ field: z.string().optional() });

/** The field errors a form shows again with what was typed, or null for other errors (thrown on). */
export function fieldErrorsOf(e: unknown): FieldError[] | null {
  if (!isAppError(e)) return null;
  if (e.code === 'validation_failed') {
    const details = fieldErrorList.safeParse(e.details);
    return details.success ? details.data : null;
  }
  if (e.code === 'unknown_reference' || e.code === 'invalid_transition') {
    const d = referenceDetails.safeParse(e.details);
    return [{ path: (d.success ? d.data.field : undefined) ?? 'status', code: 'invalid', message: e.code }];
  }
  return null;
}
