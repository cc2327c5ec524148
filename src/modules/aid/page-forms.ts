import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../core/errors.ts';
import { idParams } from '../../core/http/api-kit.ts';
import { t } from '../../core/i18n/i18n.ts';
import type { Errors, Values } from './views/ui.tsx';

/** What the aid centre's HTML forms share: route schemas, form fields, errors shown on the form. */

type Body = Record<string, unknown>;

// Pages take any form fields and read them leniently; the use cases check them.
const fields = z.record(z.string(), z.unknown());
export const hide = { hide: true };
export const pageById = { schema: { hide: true, params: idParams, querystring: fields } };
export const form = { schema: { hide: true, body: fields.optional() } };
export const formById = { schema: { hide: true, params: idParams, body: fields.optional() } };

/** Form fields as the use cases take them: no CSRF token, no empty strings. */
export function cleaned(body: Body | undefined, drop: string[] = []): Body {
  const out: Body = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === '_csrf' || drop.includes(k) || v === '' || v === undefined) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

export const valuesOf = (body: Body | undefined): Values => {
  const out: Values = {};
  for (const [k, v] of Object.entries(body ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
};

/** A form field that should be an id, or null (a page to go back to, not an input). */
export const idOrNull = (v: unknown): string | null =>
  typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : null;

/** Field errors of a use case keyed by field, or null when the error is of another kind. */
export function fieldErrors(e: unknown): Errors | null {
  if (!isAppError(e) || e.code !== 'validation_failed' || !Array.isArray(e.details)) return null;
  const out: Errors = {};
  for (const d of e.details as { path?: string; message?: string }[]) {
    const key = (d.path ?? '').split('.')[0] || 'form';
    if (!out[key]) out[key] = d.message ?? 'invalid';
  }
  return out;
}

/** The reason of a refused action, in the reader's language, to show on the page it came from. */
export function refusal(request: FastifyRequest, e: unknown): string | null {
  if (!isAppError(e) || e.code === 'internal') return null;
  const d = e.details as { needLacks?: number; offerRemaining?: number } | undefined;
  if (e.code === 'over_allocation' && d?.needLacks !== undefined)
    return t(request.locale, 'aid.errors.overAllocation', { lacks: d.needLacks, left: d.offerRemaining });
  return t(request.locale, `errors.${e.code}`);
}

/** Refusals the page does not explain itself: the error page (sign in, not allowed) does. */
export const passOn = (e: unknown, codes = ['unauthenticated', 'forbidden']) =>
  isAppError(e) && codes.includes(e.code);

/** Only paths of the aid centre, so that a form cannot send the reader elsewhere. */
export const safeBack = (back: unknown, fallback: string) =>
  typeof back === 'string' && /^\/aid\/[\w\-/]*$/.test(back) ? back : fallback;

/** Rows of a form sent as `items[0][field]` (the body parser keeps such names flat). */
export function itemsOf(body: Body | undefined): Body[] {
  const rows = new Map<number, Body>();
  for (const [k, v] of Object.entries(body ?? {})) {
    const m = /^items\[(\d{1,3})\]\[(\w+)\]$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    rows.set(i, { ...rows.get(i), [m[2]]: Array.isArray(v) ? v[0] : v });
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}
