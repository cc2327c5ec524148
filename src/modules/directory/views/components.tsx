import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, localeNames, locales, pick, t } from '../../../core/i18n/i18n.ts';
import { Field as CoreField, type FieldProps as CoreFieldProps } from '../../../core/ui/forms.tsx';

// One definition in the kernel; re-exported so the part's pages keep importing from here.
export { field, formValues, PostButton } from '../../../core/ui/forms.tsx';

import { LocalisedText } from '../../../core/ui/layout.tsx';
import type { FieldError } from '../../../core/validation/input.ts';
import { countryName } from '../countries.ts';

/** Small pieces shared by the directory's pages. */

export type FormValues = Record<string, string>;
export type Errors = Record<string, string>;

/** Languages offered for multilingual fields: the interface languages, then any others already recorded. */
export function contentLanguages(values: FormValues, prefix: string): string[] {
  const extra = Object.keys(values)
    .filter((k) => k.startsWith(prefix) && values[k])
    .map((k) => k.slice(prefix.length))
    .filter((l) => !(locales as readonly string[]).includes(l));
  return [...locales, ...new Set(extra)];
}

export function languageName(locale: Locale, code: string): string {
  if (code in localeNames) return localeNames[code as Locale];
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Field errors of a use case keyed by form field name (`names.en` → `name_en`). */
export function errorsByField(errors: FieldError[], fieldOf: (path: string) => string): Errors {
  const out: Errors = {};
  for (const e of errors) {
    const f = fieldOf(e.path);
    if (!out[f]) out[f] = e.code;
  }
  return out;
}

export function ErrorSummary({ errors, locale }: { errors: Errors; locale: Locale }): VNode | null {
  const keys = Object.keys(errors);
  if (keys.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <p>{t(locale, 'directory.errors.summary')}</p>
      <ul>
        {keys.map((k) => (
          <li key={k}>
            <a href={`#f-${k}`}>{t(locale, `directory.errors.${errors[k]}`)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = Omit<CoreFieldProps, 'errorMessage' | 'rows' | 'min' | 'max' | 'step'> & { locale: Locale };

/** A labelled input with its help text and its error, tied together for screen readers. */
export function Field({ locale, ...p }: FieldProps): VNode {
  return <CoreField {...p} errorMessage={(code) => t(locale, `directory.errors.${code}`)} />;
}

export function Select({
  name,
  label,
  options,
  values,
  errors,
  locale,
  anyLabel,
  required,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  values: FormValues;
  errors: Errors;
  locale: Locale;
  anyLabel?: string;
  required?: boolean;
}): VNode {
  const id = `f-${name}`;
  const err = errors[name];
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {err && (
        <strong id={`${id}-error`} class="field-error">
          {t(locale, `directory.errors.${err}`)}
        </strong>
      )}
      <select
        id={id}
        name={name}
        required={required}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `${id}-error` : undefined}
      >
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={values[name] === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An organisation's name in the reader's language, marked when it falls back to another one. */
export function OrgName({
  request,
  org,
}: {
  request: FastifyRequest;
  org: { names: Record<string, string> | null; name: string };
}): VNode {
  return <LocalisedText request={request} value={pick(org.names, request.locale, org.name)} />;
}

export function OrgLink({
  request,
  org,
}: {
  request: FastifyRequest;
  org: { id: string; names: Record<string, string> | null; name: string };
}): VNode {
  return (
    <a href={`/directory/organisations/${org.id}`}>
      <OrgName request={request} org={org} />
    </a>
  );
}

export const Country = ({ code, locale }: { code: string | null; locale: Locale }) =>
  code ? <span title={code}>{countryName(code, locale)}</span> : <span class="muted">—</span>;

export const kindLabel = (l: Locale, kind: string) => t(l, `directory.kind.${kind}`);
