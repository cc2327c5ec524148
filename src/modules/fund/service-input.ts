import { z } from 'zod';
import { hasControlChars, isoDate, uuid } from '../../core/validation/input.ts';
import { isCurrency } from './currencies.ts';

/**
 * Input of the fund's use cases, parsed by the use cases themselves (the API, the forms and the
 * aid centre call them). A failure is `validation_failed` with `{ path, code, message }` per problem.
 */
// Far below 2^53 even after summing a million lines: amounts stay exact as JavaScript numbers.
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;
export const amountMinor = z
  .number({ message: 'invalid_amount' })
  .int({ message: 'invalid_amount' })
  .positive({ message: 'invalid_amount' })
  .max(MAX_AMOUNT_MINOR, { message: 'invalid_amount' });
export const currency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCurrency, { message: 'invalid_currency' });
export const idempotencyKey = z
  .string({ message: 'idempotency_key_required' })
  .regex(/^[\x21-\x7e]{8,200}$/, { message: 'invalid_idempotency_key' });
const memo = z
  .string()
  .trim()
  .max(1000, { message: 'too_long' })
  .refine((s) => !hasControlChars(s), { message: 'invalid' })
  .transform((s) => s || null)
  .nullish();
const valueDate = isoDate.optional();

const base = { amountMinor, currency, idempotencyKey, memo };

export const contributionInput = z
  .object({
    ...base,
    contributorOrgId: uuid,
    valueDate,
    // The money arrived in another currency: what the pool received, in its currency.
    convertedTo: z.object({ currency, amountMinor }).strict().optional(),
  })
  .strict()
  .refine((v) => !v.convertedTo || v.convertedTo.currency !== v.currency, {
    message: 'same_currency',
    path: ['convertedTo', 'currency'],
  });
export const pledgeInput = z.object({ ...base, contributorOrgId: uuid, valueDate }).strict();
export const grantInput = z.object({ ...base, communityOrgId: uuid, needId: uuid.optional() }).strict();
export const expenditureInput = z
  .object({ ...base, communityOrgId: uuid.optional(), supplierOrgId: uuid.optional(), valueDate })
  .strict();
export const feeInput = z.object({ ...base, bankOrgId: uuid.optional(), valueDate }).strict();
export const refundInput = z.object({ ...base, contributorOrgId: uuid }).strict();
export const reversalInput = z.object({ transactionId: uuid, idempotencyKey, memo }).strict();
export const decisionInput = z.object({ approvalId: uuid, note: memo }).strict();
