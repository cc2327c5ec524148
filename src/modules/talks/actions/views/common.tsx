import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, localeNames, pick, t } from '../../../../core/i18n/i18n.ts';
import type { FieldError, I18nText } from '../../../../core/validation/input.ts';
import { splitKeyMessages } from '../../sessions/key-messages.ts';
import type { Action } from '../rows.ts';

/** Small pieces shared by the pages of recommendations and actions. */

// A tracker page renders these for each of its rows; translating and building a date formatter
// once per language instead of per row halves its rendering time.
const labels = new Map<string, string>();
/** A translation without interpolation, remembered. */
export function tt(locale: Locale, key: string): string {
  const k = `${locale} ${key}`;
  let v = labels.get(k);
  if (v === undefined) {
    v = t(locale, key);
    labels.set(k, v);
  }
  return v;
}
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export const contentLangs = ['en', 'fr', 'es'] as const;

/** A multilingual text with its key messages in bold, and a note when shown in another language. */
export function RichText({ request, value }: { request: FastifyRequest; value: I18nText | null }): VNode {
  const p = pick(value, request.locale);
  const body = splitKeyMessages(p.text).map((part, i) =>
    part.key ? <strong key={i}>{part.text}</strong> : <span key={i}>{part.text}</span>,
  );
  if (!p.fallback || p.lang === 'und') return <>{body}</>;
  const lang = localeNames[p.lang as Locale] ?? p.lang;
  return (
    <>
      <span lang={p.lang}>{body}</span>{' '}
      <small class="fallback">({t(request.locale, 'content.fallback', { lang })})</small>
    </>
  );
}

/** The first words of a text, for links and table cells. */
export function shortText(locale: Locale, value: I18nText | null, max = 140): string {
  const plain = splitKeyMessages(pick(value, locale).text)
    .map((p) => p.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/** Progress as a bar with its number in words, so that it does not rely on the bar's length. */
export function Progress({ locale, value, id }: { locale: Locale; value: number; id?: string }): VNode {
  return (
    <span class="progress">
      <progress id={id} max={100} value={value} aria-label={tt(locale, 'talksActions.action.progress')}>
        {value}%
      </progress>{' '}
      {tt(locale, 'talksActions.action.progressValue').replace('{{value}}', String(value))}
    </span>
  );
}

export function Status({ locale, action }: { locale: Locale; action: Pick<Action, 'status' | 'overdue'> }) {
  return (
    <span class={`status status-${action.status}`}>
      {tt(locale, `talksActions.status.${action.status}`)}
      {action.overdue && (
        <>
          {' '}
          <strong class="overdue">({tt(locale, 'talksActions.action.overdue')})</strong>
        </>
      )}
    </span>
  );
}

export function Responsible({ request, action }: { request: FastifyRequest; action: Action }) {
  const l = request.locale;
  if (action.responsibleOrgId)
    return (
      <a href={`/directory/organisations/${action.responsibleOrgId}`}>
        {pick(action.responsibleOrgNames, l, action.responsibleOrgName ?? '').text}
      </a>
    );
  if (action.responsibleGroup) return <>{tt(l, `talksActions.addressees.${action.responsibleGroup}`)}</>;
  return <>—</>;
}

export function day(locale: Locale, d: string | null): string {
  if (!d) return '—';
  let f = dayFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    dayFormats.set(locale, f);
  }
  return f.format(new Date(`${d.slice(0, 10)}T12:00:00Z`));
}

/** A use case's field errors, each in words. */
export function FormErrors({ locale, errors }: { locale: Locale; errors: FieldError[] | null }) {
  if (!errors || errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <p>{t(locale, 'talksActions.forms.errors')}</p>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {t(locale, 'talksActions.forms.field', {
              field: e.path || '—',
              problem: t(locale, `talksActions.problems.${e.code}`, { defaultValue: e.message }),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Actions in tree order as a nested list: each with its status, due date and progress. */
export function ActionList({ request, actions }: { request: FastifyRequest; actions: Action[] }) {
  const l = request.locale;
  const children = (id: string | null) => actions.filter((a) => a.parentId === id);
  const ids = new Set(actions.map((a) => a.id));
  const roots = actions.filter((a) => !a.parentId || !ids.has(a.parentId));
  const render = (list: Action[]): VNode => (
    <ul class="actions-tree">
      {list.map((a) => (
        <li key={a.id}>
          <a href={`/talks/actions/${a.id}`}>{shortText(l, a.text)}</a> —{' '}
          <Responsible request={request} action={a} /> · <Status locale={l} action={a} /> ·{' '}
          {t(l, 'talksActions.action.due')} {day(l, a.dueOn)} · <Progress locale={l} value={a.progress} />
          {children(a.id).length > 0 && render(children(a.id))}
        </li>
      ))}
    </ul>
  );
  return render(roots);
}
