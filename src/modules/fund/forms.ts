import type { Ctx } from '../../core/context.ts';
import { isCurrency, parseMajor } from './currencies.ts';
import {
  commitGrant,
  disburseGrant,
  GRANT_MAKERS,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  TREASURY,
} from './service-postings.ts';
import {
  type FieldErrors,
  type FormValues,
  formFields,
  type PostingForm,
  postingForms,
} from './views/posting-form.tsx';

/** The treasurer's posting forms: what a form's fields mean to the use cases, and back. */

export const isPostingForm = (form: string): form is PostingForm =>
  (postingForms as readonly string[]).includes(form);

export const formRoles = (form: PostingForm) =>
  form === 'grant' || form === 'disbursement' ? GRANT_MAKERS : TREASURY;

interface FormInput {
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  memo?: string;
  org?: string;
  supplier?: string;
  valueDate?: string;
  convertedTo?: { currency: string; amountMinor: number };
}

/** The use case's input from a form: amounts typed in major units, converted to minor units here. */
export function inputOf(form: PostingForm, v: FormValues): { input: FormInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const currency = v.currency?.toUpperCase() ?? '';
  if (!isCurrency(currency)) errors.currency = 'invalid_currency';
  const amountMinor = isCurrency(currency) ? parseMajor(v.amount ?? '', currency) : null;
  if (!v.amount) errors.amount = 'required';
  else if (amountMinor === null || amountMinor <= 0) errors.amount = 'invalid_amount';
  const spec = formFields[form];
  const input: FormInput = {
    amountMinor: amountMinor ?? 0,
    currency,
    idempotencyKey: v.idempotencyKey ?? '',
    memo: v.memo || undefined,
    org: (spec.org && v.org) || undefined,
  };
  if (spec.org && !spec.optionalOrg && !v.org) errors.org = 'required';
  if (spec.supplier && v.supplier) input.supplier = v.supplier;
  if (spec.valueDate && v.valueDate) input.valueDate = v.valueDate;
  if (spec.convert && v.convertedCurrency) {
    const c = v.convertedCurrency.toUpperCase();
    const converted = isCurrency(c) ? parseMajor(v.convertedAmount ?? '', c) : null;
    if (converted === null || converted <= 0) errors.convertedAmount = 'invalid_amount';
    input.convertedTo = { currency: c, amountMinor: converted ?? 0 };
  }
  return { input, errors };
}

/** Use-case paths (`contributorOrgId`, `convertedTo.amountMinor`) as form fields. */
export function fieldOf(path: string): string {
  if (path.startsWith('convertedTo'))
    return path.endsWith('currency') ? 'convertedCurrency' : 'convertedAmount';
  const map: Record<string, string> = {
    contributorOrgId: 'org',
    communityOrgId: 'org',
    supplierOrgId: 'supplier',
    amountMinor: 'amount',
  };
  return map[path] ?? path;
}

/**
 * Post a form through its use case. A required organisation is checked by `inputOf` first; an
 * empty one here is refused by the use case like any other invalid id.
 */
export async function submit(ctx: Ctx, form: PostingForm, i: FormInput) {
  const { amountMinor, currency, idempotencyKey, memo } = i;
  const common = { amountMinor, currency, idempotencyKey, memo };
  const org = i.org ?? '';
  switch (form) {
    case 'contribution':
      return recordContribution(ctx, {
        ...common,
        contributorOrgId: org,
        valueDate: i.valueDate,
        convertedTo: i.convertedTo,
      });
    case 'pledge':
      return recordPledge(ctx, { ...common, contributorOrgId: org, valueDate: i.valueDate });
    case 'grant':
      return commitGrant(ctx, { ...common, communityOrgId: org });
    case 'disbursement':
      return disburseGrant(ctx, { ...common, communityOrgId: org });
    case 'expenditure':
      return recordExpenditure(ctx, {
        ...common,
        communityOrgId: i.org,
        supplierOrgId: i.supplier,
        valueDate: i.valueDate,
      });
    case 'fee':
      return recordFee(ctx, { ...common, valueDate: i.valueDate });
    case 'refund':
      return refundContribution(ctx, { ...common, contributorOrgId: org });
  }
}
