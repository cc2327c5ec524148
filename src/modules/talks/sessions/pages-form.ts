import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import { isAppError } from '../../../core/errors.ts';
import { t } from '../../../core/i18n/i18n.ts';
import { isTimeZone } from './input.ts';
import { lookUpOrganisation } from './org-lookup.ts';
import type { Session } from './rows.ts';
import { instantToLocal, localToInstant } from './time.ts';
import { type Errors, type FormValues, field, i18nFrom, i18nValues } from './views/form.tsx';

/** What the sessions' pages share: route params, notices, form readers and field errors. */

export type Body = Record<string, unknown>;
export const body = (request: FastifyRequest) => (request.body ?? {}) as Body;

// Any text: a page finds nothing (404) for an id that is not one, as for an unknown one.
const id = z.string();
export const params = {
  id: z.object({ id }),
  participant: z.object({ id, pid: id }),
  registration: z.object({ id, rid: id }),
  agenda: z.object({ id, aid: id }),
  contribution: z.object({ id, cid: id }),
};
/** A page route's options: hidden from the API description, with its params typed. */
export const hide = { schema: { hide: true } };
export const page = <P extends z.ZodObject>(p: P) => ({ schema: { hide: true, params: p } });

const notices = [
  'created',
  'saved',
  'statusChanged',
  'copied',
  'registered',
  'waitlisted',
  'cancelled',
  'checkedIn',
  'participantAdded',
  'participantRemoved',
  'agendaAdded',
  'agendaRemoved',
  'agendaSaved',
  'contributionAdded',
  'contributionSaved',
  'contributionRemoved',
];
export const noticeOf = (request: FastifyRequest) => {
  const n = (request.query as Record<string, unknown>)?.notice;
  return typeof n === 'string' && notices.includes(n) ? t(request.locale, `talks.notice.${n}`) : undefined;
};
export const redirect = (reply: FastifyReply, url: string, notice?: string) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${notice}` : url, 303);

/** Field errors of a use case keyed by form field name, or null when the error is something else. */
export function formErrors(e: unknown, fieldOf: (path: string) => string): Errors | null {
  if (!isAppError(e)) return null;
  if (e.code === 'validation_failed' && Array.isArray(e.details)) {
    const out: Errors = {};
    for (const d of e.details as { path: string; code?: string }[]) {
      const f = fieldOf(d.path ?? '');
      if (!out[f]) out[f] = d.code ?? 'invalid';
    }
    return out;
  }
  if (e.code === 'unknown_reference') {
    const d = e.details as { field?: string; kind?: string };
    return { [fieldOf(d.field ?? '')]: `unknown_${d.kind ?? 'reference'}` };
  }
  if (e.code === 'already_exists') {
    const d = e.details as { field?: string } | undefined;
    return { [fieldOf(d?.field ?? '')]: 'taken' };
  }
  return null;
}

const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const I18N_FIELDS = ['title', 'subtitle', 'summary', 'description', 'body'];
/** `title.fr` → `title_fr`, `title` → `title_en` (the first field of the set), `startsAt` → `starts_at`. */
export function fieldOf(path: string, renames: Record<string, string> = {}): string {
  const [head, sub] = path.split('.');
  if (renames[head]) return renames[head];
  if (I18N_FIELDS.includes(head)) return `${head}_${sub && /^[a-z]{2,3}$/.test(sub) ? sub : 'en'}`;
  return camelToSnake(head);
}

/** An organisation named in a form field (name, acronym or id); empty gives null. */
export async function orgFrom(db: Ctx['db'], b: Body, name: string, errors: Errors): Promise<string | null> {
  const text = field(b, name);
  if (!text) return null;
  const found = await lookUpOrganisation(db, text);
  if ('error' in found) {
    errors[name] = found.error;
    return null;
  }
  return found.id;
}

export const orNull = (o: Record<string, string>) => (Object.keys(o).length ? o : null);

/** A local date-time field in a zone as an instant; what cannot be read is passed on for the use case to refuse. */
export function instantFrom(b: Body, name: string, zone: string): string | null {
  const text = field(b, name);
  if (!text) return null;
  return (isTimeZone(zone) && localToInstant(text, zone)) || `invalid:${text}`;
}

export function numberFrom(b: Body, name: string): number | null {
  const text = field(b, name);
  return text === '' ? null : Number(text);
}

export async function sessionFromForm(db: Ctx['db'], b: Body) {
  const errors: Errors = {};
  const timezone = field(b, 'timezone') || 'UTC';
  const venueOrgId = await orgFrom(db, b, 'venue_org', errors);
  const input = {
    title: i18nFrom(b, 'title'),
    subtitle: orNull(i18nFrom(b, 'subtitle')),
    summary: orNull(i18nFrom(b, 'summary')),
    startsAt: instantFrom(b, 'starts_at', timezone) ?? '',
    endsAt: instantFrom(b, 'ends_at', timezone),
    timezone,
    // Checked by the use case (the form's values are handed over `untrusted`).
    format: field(b, 'format'),
    venue: field(b, 'venue') || null,
    venueOrgId,
    onlineUrl: field(b, 'online_url') || null,
    languages: field(b, 'languages')
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((x) => x.toLowerCase()),
    capacity: numberFrom(b, 'capacity'),
    registrationOpen: field(b, 'registration_open') === '1',
  };
  if (input.languages.length === 0) input.languages = ['en'];
  return { input, errors };
}

export function sessionValues(s: Session): FormValues {
  return {
    ...i18nValues('title', s.title),
    ...i18nValues('subtitle', s.subtitle),
    ...i18nValues('summary', s.summary),
    starts_at: instantToLocal(s.startsAt, s.timezone),
    ends_at: s.endsAt ? instantToLocal(s.endsAt, s.timezone) : '',
    timezone: s.timezone,
    format: s.format,
    venue: s.venue ?? '',
    venue_org: s.venueOrgId ?? '',
    online_url: s.onlineUrl ?? '',
    languages: s.languages.join(', '),
    capacity: s.capacity === null ? '' : String(s.capacity),
    registration_open: s.registrationOpen ? '1' : '',
    version: String(s.version),
    series_id: s.seriesId,
  };
}
