import { z } from 'zod';
import { accountKinds, approvalStatuses, transactionKinds } from './schema.ts';

/** The fund API's bodies and answers, as the API description shows them. */
const money = z.number().int().describe('Integer minor units (cents)');
const uuid = z.uuid();
export const keyHeader = z
  .object({ 'idempotency-key': z.string().max(200).optional().describe('Or `idempotencyKey` in the body') })
  .passthrough();
export const keyField = z
  .string()
  .max(200)
  .optional()
  .describe('Or the `Idempotency-Key` header; a retry returns the first result');
const base = {
  amountMinor: money.min(1),
  currency: z.string().length(3).describe('ISO 4217'),
  idempotencyKey: keyField,
  memo: z.string().max(1000).optional(),
};

export const bodies = {
  contributions: z
    .object({
      ...base,
      contributorOrgId: uuid,
      valueDate: z.iso.date().optional(),
      convertedTo: z
        .object({ currency: z.string().length(3), amountMinor: money.min(1) })
        .strict()
        .optional()
        .describe('What the fund received, when the money was converted'),
    })
    .strict(),
  pledges: z.object({ ...base, contributorOrgId: uuid, valueDate: z.iso.date().optional() }).strict(),
  grants: z.object({ ...base, communityOrgId: uuid, needId: uuid.optional() }).strict(),
  disbursements: z.object({ ...base, communityOrgId: uuid, needId: uuid.optional() }).strict(),
  expenditures: z
    .object({
      ...base,
      communityOrgId: uuid.optional(),
      supplierOrgId: uuid.optional(),
      valueDate: z.iso.date().optional(),
    })
    .strict(),
  fees: z.object({ ...base, bankOrgId: uuid.optional(), valueDate: z.iso.date().optional() }).strict(),
  refunds: z.object({ ...base, contributorOrgId: uuid }).strict(),
};

export const posted = z.object({ transactionId: z.uuid(), status: z.literal('posted') });
export const disbursed = z.object({
  transactionId: z.uuid().nullable(),
  status: z.enum(['posted', 'pending_approval']),
  approvalId: z.uuid().optional(),
});

const line = z.object({
  accountId: z.uuid(),
  accountKind: z.enum(accountKinds),
  orgId: z.uuid().nullable(),
  orgName: z.string().nullable(),
  currency: z.string(),
  amount: money,
});
export const transaction = z.object({
  id: z.uuid(),
  seq: z.number().int().describe('Place in the hash chain'),
  kind: z.enum(transactionKinds),
  postedAt: z.string(),
  valueDate: z.string(),
  memo: z.string().nullable(),
  providerOrgId: z.uuid().nullable(),
  providerName: z.string().nullable(),
  receiverOrgId: z.uuid().nullable(),
  receiverName: z.string().nullable(),
  needId: z.uuid().nullable(),
  reversalOf: z.uuid().nullable(),
  fxRate: z.string().nullable(),
  fxCurrency: z.string().nullable(),
  amountMinor: money,
  currency: z.string(),
  lines: z.array(line),
  hash: z.string(),
  prevHash: z.string(),
});
const party = { orgId: z.uuid(), name: z.string() };
export const summary = z.object({
  currency: z.string(),
  currencies: z.array(z.string()),
  raised: money,
  committed: money,
  disbursed: money,
  spent: money,
  fees: money,
  balance: money.describe('Not yet committed'),
  outstanding: money.describe('Committed, not yet paid'),
  pledged: money.describe('Pledges: shown, not counted in the funded totals'),
  convertedIn: money,
  convertedOut: money,
  poolAccountId: z.uuid().nullable(),
  contributors: z.array(
    z.object({ ...party, contributed: money, pledged: money, accountId: z.uuid().nullable() }),
  ),
  communities: z.array(
    z.object({
      ...party,
      committed: money,
      disbursed: money,
      spent: money,
      outstanding: money,
      grantAccountId: z.uuid().nullable(),
    }),
  ),
  months: z.array(z.object({ month: z.string(), raised: money, committed: money, disbursed: money })),
});
export const statement = z.object({
  account: z.object({
    id: z.uuid(),
    kind: z.enum(accountKinds),
    orgId: z.uuid().nullable(),
    orgName: z.string().nullable(),
    currency: z.string(),
  }),
  month: z.string(),
  opening: money,
  closing: money,
  months: z.array(z.string()),
  lines: z.array(
    z.object({
      transactionId: z.uuid(),
      seq: z.number().int(),
      kind: z.enum(transactionKinds),
      postedAt: z.string(),
      valueDate: z.string(),
      memo: z.string().nullable(),
      amount: money,
      balance: money,
      counterparty: z.string().nullable(),
      reversalOf: z.uuid().nullable(),
    }),
  ),
});
export const approval = z.object({
  id: z.uuid(),
  communityOrgId: z.uuid(),
  communityName: z.string(),
  amountMinor: money,
  currency: z.string(),
  memo: z.string().nullable(),
  status: z.enum(approvalStatuses),
  requestedBy: z.uuid(),
  requestedByName: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  transactionId: z.uuid().nullable(),
});
