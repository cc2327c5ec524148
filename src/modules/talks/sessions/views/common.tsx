import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import { LocalisedText } from '../../../../core/ui/layout.tsx';
import { splitKeyMessages } from '../key-messages.ts';

/** Small pieces shared by the sessions' pages. */

/** When a session takes place, on the wall clock of its own zone (and the zone named). */
export function formatWhen(
  locale: Locale,
  s: { startsAt: string; endsAt: string | null; timezone: string },
): string {
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short', timeZone: s.timezone };
  const start = new Intl.DateTimeFormat(locale, opts).format(new Date(s.startsAt));
  if (!s.endsAt) return `${start} (${s.timezone})`;
  const sameDay =
    new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone: s.timezone }).format(
      new Date(s.startsAt),
    ) ===
    new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone: s.timezone }).format(new Date(s.endsAt));
  const end = new Intl.DateTimeFormat(
    locale,
    sameDay ? { timeStyle: 'short', timeZone: s.timezone } : opts,
  ).format(new Date(s.endsAt));
  return `${start} – ${end} (${s.timezone})`;
}

export function formatDay(locale: Locale, s: { startsAt: string; timezone: string }): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: s.timezone }).format(
    new Date(s.startsAt),
  );
}

/** A multilingual value in the reader's language, marked when it falls back to another one. */
export function I18n({
  request,
  value,
  fallback = '',
}: {
  request: FastifyRequest;
  value: Record<string, string> | null | undefined;
  fallback?: string;
}): VNode {
  return <LocalisedText request={request} value={pick(value, request.locale, fallback)} />;
}

/**
 * A text with its key messages (`**…**`) in bold, one paragraph per blank-line-separated block;
 * in the language it is written in (`lang`), so screen readers pronounce it right.
 */
export function KeyText({ text, lang }: { text: string; lang?: string }): VNode {
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim());
  return (
    <div lang={lang}>
      {paragraphs.map((p, i) => (
        <p key={i}>
          {splitKeyMessages(p).map((part, j) =>
            part.key ? (
              <strong key={j} class="key-message">
                {part.text}
              </strong>
            ) : (
              part.text
            ),
          )}
        </p>
      ))}
    </div>
  );
}

/** A multilingual text with key messages, noting a fallback language. */
export function I18nKeyText({
  request,
  value,
}: {
  request: FastifyRequest;
  value: Record<string, string> | null | undefined;
}): VNode | null {
  const v = pick(value, request.locale);
  if (!v.text) return null;
  return (
    <>
      {v.fallback && v.lang !== 'und' && (
        <p class="fallback">{t(request.locale, 'content.fallback', { lang: v.lang })}</p>
      )}
      <KeyText text={v.text} lang={v.lang === 'und' ? undefined : v.lang} />
    </>
  );
}

export const statusLabel = (l: Locale, status: string) => t(l, `talks.status.${status}`);
export const formatLabel = (l: Locale, format: string) => t(l, `talks.format.${format}`);
export const roleLabel = (l: Locale, role: string) => t(l, `talks.role.${role}`);

/** An organisation's name in the reader's language with a link to it in the directory. */
export function OrgLink({
  request,
  id,
  name,
  names,
}: {
  request: FastifyRequest;
  id: string;
  name: string | null;
  names: Record<string, string> | null;
}): VNode {
  return (
    <a href={`/directory/organisations/${id}`}>
      <LocalisedText request={request} value={pick(names, request.locale, name ?? '')} />
    </a>
  );
}
