import type { FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { formatNumber, type Locale, t } from '../../../core/i18n/i18n.ts';
import { Field as CoreField, type FieldProps as CoreFieldProps } from '../../../core/ui/forms.tsx';
import { Csrf } from '../../../core/ui/layout.tsx';

/** Small pieces shared by the aid centre's pages. */

export type Values = Record<string, string>;
export type Errors = Record<string, string>;

export const qty = (l: Locale, n: number, unit?: string | null) =>
  `${formatNumber(l, n)}${unit ? ` ${unit}` : ''}`;

/** Money in minor units shown in its currency (ISO 4217 decides the number of decimals). */
export function money(l: Locale, minor: number, currency: string): string {
  const f = new Intl.NumberFormat(l, { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

export const day = (l: Locale, d: string | null) =>
  d ? new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(d)) : '—';

/** A status as a word in a badge: never colour alone. */
export function Status({ l, kind, value }: { l: Locale; kind: string; value: string }): VNode {
  const tone = value === 'delivered' || value === 'fully_covered' ? ' badge-ok' : '';
  return <span class={`badge${tone}`}>{t(l, `aid.${kind}.${value}`)}</span>;
}

export function ErrorSummary({ l, errors }: { l: Locale; errors: Errors }): VNode | null {
  const keys = Object.keys(errors);
  if (keys.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <p>{t(l, 'aid.form.errors')}</p>
      <ul>
        {keys.map((k) => (
          <li key={k}>
            <a href={`#f-${k}`}>
              {t(l, `aid.fields.${k}`, { defaultValue: k })}: {errors[k]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = Omit<
  CoreFieldProps,
  'label' | 'errorMessage' | 'inputMode' | 'lang' | 'rows' | 'maxLength'
> & {
  l: Locale;
  /** Defaults to `aid.fields.<name>`. */
  label?: string;
};

/** A labelled input with its help and its error (shown as given) tied to it for screen readers. */
export function Field({ l, label, ...p }: FieldProps): VNode {
  return (
    <CoreField
      {...p}
      label={label ?? t(l, `aid.fields.${p.name}`)}
      inputMode={p.type === 'number' ? 'numeric' : undefined}
    />
  );
}

export function Select(p: {
  l: Locale;
  name: string;
  label?: string;
  options: { value: string; label: string }[];
  values: Values;
  errors: Errors;
  required?: boolean;
  anyLabel?: string;
}): VNode {
  const id = `f-${p.name}`;
  const err = p.errors[p.name];
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id}>{p.label ?? t(p.l, `aid.fields.${p.name}`)}</label>
      {err && (
        <strong id={`${id}-error`} class="field-error">
          {err}
        </strong>
      )}
      <select
        id={id}
        name={p.name}
        required={p.required}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `${id}-error` : undefined}
      >
        {p.anyLabel !== undefined && <option value="">{p.anyLabel}</option>}
        {p.options.map((o) => (
          <option key={o.value} value={o.value} selected={p.values[p.name] === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A one-button form (POST, CSRF, optional hidden fields): works without JavaScript. */
export function ActionButton({
  request,
  action,
  label,
  hidden = {},
}: {
  request: FastifyRequest;
  action: string;
  label: string;
  hidden?: Record<string, string | number>;
}): VNode {
  return (
    <form method="post" action={action} class="inline">
      <Csrf request={request} />
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={String(v)} />
      ))}
      <button type="submit">{label}</button>
    </form>
  );
}

export function AidNav({ l, current }: { l: Locale; current: string }): VNode {
  const items: [string, string][] = [
    ['/aid', 'aid.nav.dashboard'],
    ['/aid/needs', 'aid.nav.needs'],
    ['/aid/offers', 'aid.nav.offers'],
    ['/aid/shipments', 'aid.nav.shipments'],
    ['/aid/corridors', 'aid.nav.corridors'],
    ['/aid/capacity', 'aid.nav.capacity'],
  ];
  return (
    <nav aria-label={t(l, 'aid.nav.label')} class="toolbar">
      {items.map(([href, key]) => (
        <a key={href} href={href} aria-current={href === current ? 'page' : undefined}>
          {t(l, key)}
        </a>
      ))}
    </nav>
  );
}

export function Table({
  caption,
  head,
  children,
}: {
  caption: string;
  head: string[];
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
