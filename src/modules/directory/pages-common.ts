import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../core/errors.ts';
import { t } from '../../core/i18n/i18n.ts';
import { type FieldError, invalidField } from '../../core/validation/input.ts';

/** What the directory's HTML routes share: form bodies, query strings, notices after a redirect. */

/**
 * A form body or a query string as the pages read them: any fields, each read with `field()` or
 * `str()`. The use cases check the values, so that their errors can be shown beside each field.
 */
export const formFields = z.record(z.string(), z.unknown());

/** A non-empty string value of a query string, or undefined. */
export const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A form's choice among `options`, typed for the use case. A value outside them is refused as the
 * use case's schema refuses it (same path, same code), so the page shows the same error.
 */
export function choice<T extends string>(
  value: string,
  options: readonly T[],
  path: string,
  code: string,
): T {
  const found = options.find((o) => o === value);
  if (found === undefined) throw invalidField(path, code);
  return found;
}

/** Notices after a redirect: only known keys, so a link cannot put arbitrary text on the page. */
const notices = [
  'directory.org.saved',
  'directory.org.created',
  'directory.org.archivedNotice',
  'directory.memberships.added',
  'directory.memberships.ended',
  'directory.people.saved',
  'directory.people.created',
];

export const noticeOf = (request: FastifyRequest, query: Record<string, unknown>) => {
  const n = str(query.notice);
  return n && notices.includes(n) ? t(request.locale, n) : undefined;
};

export const redirect = (reply: FastifyReply, url: string, notice?: string) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${notice}` : url, 303);

/** Field errors of a use case, or null when the error is something else. */
export function fieldErrorsOf(e: unknown): FieldError[] | null {
  return isAppError(e) && e.code === 'validation_failed' && Array.isArray(e.details)
    ? (e.details as FieldError[])
    : null;
}
