import type { VNode } from 'preact';
import { type Locale, localeNames, locales, t } from '../../../../core/i18n/i18n.ts';
import { Field as CoreField, type FieldProps as CoreFieldProps, field } from '../../../../core/ui/forms.tsx';

// One definition in the kernel; re-exported so the part's pages keep importing from here.
export { field, formValues, PostButton } from '../../../../core/ui/forms.tsx';

/** Form pieces of the sessions' pages: labelled fields with their errors, multilingual fieldsets. */

export type FormValues = Record<string, string>;
export type Errors = Record<string, string>;

const errorText = (l: Locale, code: string) =>
  t(l, `talks.errors.${code}`, { defaultValue: t(l, 'talks.errors.invalid') });

export function ErrorSummary({ errors, locale }: { errors: Errors; locale: Locale }): VNode | null {
  const keys = Object.keys(errors);
  if (keys.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <p>{t(locale, 'talks.errors.summary')}</p>
      <ul>
        {keys.map((k) => (
          <li key={k}>
            <a href={`#f-${k}`}>{errorText(locale, errors[k])}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = Omit<CoreFieldProps, 'errorMessage' | 'inputMode' | 'max' | 'step'> & { locale: Locale };

export function Field({ locale, ...p }: FieldProps): VNode {
  return <CoreField {...p} errorMessage={(code) => errorText(locale, code)} />;
}

export function Select(p: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  values: FormValues;
  errors: Errors;
  locale: Locale;
  emptyLabel?: string;
  help?: string;
}): VNode {
  const id = `f-${p.name}`;
  const err = p.errors[p.name];
  const described =
    [p.help ? `${id}-help` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.help && (
        <small id={`${id}-help`} class="help">
          {p.help}
        </small>
      )}
      {err && (
        <strong id={`${id}-error`} class="field-error">
          {errorText(p.locale, err)}
        </strong>
      )}
      <select id={id} name={p.name} aria-invalid={err ? 'true' : undefined} aria-describedby={described}>
        {p.emptyLabel !== undefined && <option value="">{p.emptyLabel}</option>}
        {p.options.map((o) => (
          <option key={o.value} value={o.value} selected={p.values[p.name] === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The languages offered for multilingual fields: English, French and Spanish first (UCLG's languages). */
const FIRST = ['en', 'fr', 'es'];

/**
 * One input per language for a multilingual field (`<name>_<lang>`); English, French and
 * Spanish shown, the other interface languages folded away unless they hold a value.
 */
export function I18nFields(p: {
  name: string;
  legend: string;
  values: FormValues;
  errors: Errors;
  locale: Locale;
  textarea?: boolean;
  rows?: number;
  help?: string;
  required?: boolean;
}): VNode {
  const field = (lang: string) => (
    <Field
      key={lang}
      name={`${p.name}_${lang}`}
      label={localeNames[lang as Locale] ?? lang}
      lang={lang}
      values={p.values}
      errors={p.errors}
      locale={p.locale}
      textarea={p.textarea}
      rows={p.rows}
    />
  );
  const more = locales.filter((l) => !FIRST.includes(l));
  const open = more.some((l) => p.values[`${p.name}_${l}`] || p.errors[`${p.name}_${l}`]);
  return (
    <fieldset>
      <legend>
        {p.legend}
        {p.required ? ` (${t(p.locale, 'talks.form.oneLanguageRequired')})` : ''}
      </legend>
      {p.help && <p class="help">{p.help}</p>}
      {FIRST.map(field)}
      <details open={open}>
        <summary>{t(p.locale, 'talks.form.moreLanguages')}</summary>
        {more.map(field)}
      </details>
    </fieldset>
  );
}

/** A multilingual value from form fields `<name>_<lang>` (empty ones left out). */
export function i18nFrom(body: Record<string, unknown>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!k.startsWith(`${name}_`)) continue;
    const lang = k.slice(name.length + 1);
    const s = field(body, k);
    if (/^[a-z]{2,3}$/.test(lang) && s) out[lang] = s;
    void v;
  }
  return out;
}

/** Form fields `<name>_<lang>` from a multilingual value. */
export function i18nValues(name: string, value: Record<string, string> | null | undefined): FormValues {
  const out: FormValues = {};
  for (const [lang, s] of Object.entries(value ?? {})) out[`${name}_${lang}`] = s;
  return out;
}
