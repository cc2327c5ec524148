import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';

export const postingForms = [
  'contribution',
  'pledge',
  'grant',
  'disbursement',
  'expenditure',
  'fee',
  'refund',
] as const;
export type PostingForm = (typeof postingForms)[number];

/** Which fields each form has: the organisation's role decides the label of its select. */
export const formFields: Record<
  PostingForm,
  {
    org?: 'contributor' | 'community';
    optionalOrg?: boolean;
    supplier?: boolean;
    valueDate?: boolean;
    convert?: boolean;
  }
> = {
  contribution: { org: 'contributor', valueDate: true, convert: true },
  pledge: { org: 'contributor', valueDate: true },
  grant: { org: 'community' },
  disbursement: { org: 'community' },
  expenditure: { org: 'community', optionalOrg: true, supplier: true, valueDate: true },
  fee: { valueDate: true },
  refund: { org: 'contributor' },
};

export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;
export interface Choice {
  id: string;
  name: string;
}

const CURRENCIES = [
  'EUR',
  'USD',
  'UAH',
  'GBP',
  'CHF',
  'PLN',
  'SEK',
  'NOK',
  'DKK',
  'CAD',
  'JPY',
  'TRY',
  'MDL',
  'RON',
];

function CurrencySelect({
  name,
  id,
  value,
  label,
  l,
}: {
  name: string;
  id: string;
  value: string;
  label: string;
  l: Locale;
}) {
  const options = CURRENCIES.includes(value) || !value ? CURRENCIES : [value, ...CURRENCIES];
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {name === 'convertedCurrency' && <option value="">{t(l, 'fund.forms.notConverted')}</option>}
        {options.map((c) => (
          <option key={c} value={c} selected={c === value}>
            {c}
          </option>
        ))}
      </select>
    </div>
  );
}

function Input({
  name,
  label,
  values,
  errors,
  l,
  hint,
  type,
  ...rest
}: {
  name: string;
  label: string;
  values: FormValues;
  errors: FieldErrors;
  l: Locale;
  hint?: string;
  type?: 'text' | 'date';
  required?: boolean;
  inputMode?: 'decimal' | 'text';
  maxLength?: number;
}) {
  const err = errors[name];
  const described = [hint ? `${name}-hint` : null, err ? `${name}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      {hint && (
        <p id={`${name}-hint`} class="hint">
          {hint}
        </p>
      )}
      {err && (
        <p id={`${name}-error`} class="field-error">
          {t(l, `fund.errors.${err}`, { defaultValue: t(l, 'fund.errors.invalid') })}
        </p>
      )}
      <input
        id={`f-${name}`}
        name={name}
        value={values[name] ?? ''}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={described || undefined}
        {...rest}
        {...(type === 'date' ? { type: 'date' as const } : { type: 'text' as const })}
      />
    </div>
  );
}

function OrgSelect({
  name,
  label,
  choices,
  values,
  errors,
  l,
  optional,
}: {
  name: string;
  label: string;
  choices: Choice[];
  values: FormValues;
  errors: FieldErrors;
  l: Locale;
  optional?: boolean;
}) {
  const err = errors[name];
  return (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      {err && (
        <p id={`${name}-error`} class="field-error">
          {t(l, `fund.errors.${err}`, { defaultValue: t(l, 'fund.errors.invalid') })}
        </p>
      )}
      <select
        id={`f-${name}`}
        name={name}
        required={!optional}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `${name}-error` : undefined}
      >
        <option value="">{optional ? t(l, 'fund.forms.none') : t(l, 'fund.forms.choose')}</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id} selected={values[name] === c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One posting form. Its hidden idempotency key is made when the form is drawn: a double submit posts once. */
export function PostingFormPage({
  request,
  form,
  values,
  errors,
  message,
  choices,
  q,
}: {
  request: FastifyRequest;
  form: PostingForm;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  choices: Choice[];
  q: string;
}): VNode {
  const l = request.locale;
  const spec = formFields[form];
  const errorList = Object.entries(errors);
  return (
    <div class="narrow">
      <p>
        <a href="/fund/treasury">{t(l, 'fund.treasury.title')}</a>
      </p>
      <h1>{t(l, `fund.forms.${form}.title`)}</h1>
      <p>{t(l, `fund.forms.${form}.help`)}</p>
      {(message || errorList.length > 0) && (
        <div class="error-summary" role="alert" tabIndex={-1}>
          {message && <p>{message}</p>}
          {errorList.length > 0 && (
            <ul>
              {errorList.map(([f, code]) => (
                <li key={f}>
                  <a href={`#f-${f}`}>
                    {t(l, `fund.fields.${f}`)}:{' '}
                    {t(l, `fund.errors.${code}`, { defaultValue: t(l, 'fund.errors.invalid') })}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {(spec.org || spec.supplier) && (
        <search>
          <form method="get" class="filters">
            <label for="org-q">{t(l, 'fund.forms.findOrg')}</label>{' '}
            <input id="org-q" name="q" value={q} maxLength={200} />{' '}
            <button type="submit" class="button secondary">
              {t(l, 'fund.forms.find')}
            </button>
          </form>
        </search>
      )}
      <form method="post" action={`/fund/treasury/${form}`} class="form">
        <Csrf request={request} />
        <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
        {spec.org && (
          <OrgSelect
            name="org"
            label={t(l, `fund.fields.${spec.org}`)}
            choices={choices}
            values={values}
            errors={errors}
            l={l}
            optional={spec.optionalOrg}
          />
        )}
        {spec.supplier && (
          <OrgSelect
            name="supplier"
            label={t(l, 'fund.fields.supplier')}
            choices={choices}
            values={values}
            errors={errors}
            l={l}
            optional
          />
        )}
        <Input
          name="amount"
          label={t(l, 'fund.fields.amount')}
          hint={t(l, 'fund.forms.amountHint')}
          values={values}
          errors={errors}
          l={l}
          required
          inputMode="decimal"
          maxLength={20}
        />
        <CurrencySelect
          name="currency"
          id="f-currency"
          value={values.currency || 'EUR'}
          label={t(l, 'fund.fields.currency')}
          l={l}
        />
        {spec.valueDate && (
          <Input
            name="valueDate"
            type="date"
            label={t(l, form === 'contribution' ? 'fund.fields.dateReceived' : 'fund.fields.valueDate')}
            values={values}
            errors={errors}
            l={l}
          />
        )}
        {spec.convert && (
          <fieldset>
            <legend>{t(l, 'fund.forms.conversion')}</legend>
            <p class="hint">{t(l, 'fund.forms.conversionHint')}</p>
            <CurrencySelect
              name="convertedCurrency"
              id="f-convertedCurrency"
              value={values.convertedCurrency ?? ''}
              label={t(l, 'fund.fields.convertedCurrency')}
              l={l}
            />
            <Input
              name="convertedAmount"
              label={t(l, 'fund.fields.convertedAmount')}
              values={values}
              errors={errors}
              l={l}
              inputMode="decimal"
              maxLength={20}
            />
          </fieldset>
        )}
        <Input
          name="memo"
          label={t(l, 'fund.fields.memo')}
          values={values}
          errors={errors}
          l={l}
          maxLength={1000}
        />
        <div class="actions">
          <button type="submit" class="button">
            {t(l, `fund.forms.${form}.submit`)}
          </button>
        </div>
      </form>
    </div>
  );
}
