import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cachedJson } from '../../core/cache/cached.ts';
import type { AppServices } from '../../core/http/types.ts';
import { invalidField } from '../../core/validation/input.ts';
import { accountKinds, approvalStatuses, transactionKinds } from './schema.ts';
import { approveDisbursement, listApprovals, rejectDisbursement } from './service-approvals.ts';
import { getTransaction, listTransactions } from './service-ledger.ts';
import {
  commitGrant,
  disburseGrant,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
} from './service-postings.ts';
import { accountStatement, fundSummary } from './service-reports.ts';

const tags = ['fund'];
const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const writeErrors = { ...errors, 409: errorResponse, 422: errorResponse };
const security: { [k: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
const P = '/api/v1/fund';
const idParams = z.object({ id: z.uuid({ message: 'invalid_id' }) });

const money = z.number().int().describe('Integer minor units (cents)');
const uuid = z.uuid();
const keyHeader = z
  .object({ 'idempotency-key': z.string().max(200).optional().describe('Or `idempotencyKey` in the body') })
  .passthrough();
const keyField = z
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

const bodies = {
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

const posted = z.object({ transactionId: z.uuid(), status: z.literal('posted') });
const disbursed = z.object({
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
const transaction = z.object({
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
const summary = z.object({
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
const statement = z.object({
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
const approval = z.object({
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

/** The idempotency key from the header or the body (the same value in both is fine, two different ones are not). */
function withKey(request: FastifyRequest): Record<string, unknown> {
  const body = { ...((request.body ?? {}) as Record<string, unknown>) };
  const header = request.headers['idempotency-key'];
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && body.idempotencyKey !== undefined && body.idempotencyKey !== h)
    throw invalidField('idempotencyKey', 'two_different_keys');
  if (h !== undefined) body.idempotencyKey = h;
  if (body.idempotencyKey === undefined) throw invalidField('idempotencyKey', 'idempotency_key_required');
  return body;
}

const created = (reply: FastifyReply, status: string) => reply.code(status === 'posted' ? 201 : 202);

/** The fund's JSON API: public reads, treasurer postings with idempotency keys. */
export async function fundApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    `${P}/summary`,
    {
      schema: {
        tags,
        summary:
          'Public accounts: raised, committed, disbursed, balance; by contributor, community and month',
        querystring: z.object({ currency: z.string().length(3).optional() }).strict(),
        response: { 200: summary, ...errors },
      },
    },
    async (request, reply) => cachedJson(request, reply, () => fundSummary(request.ctx(), request.query)),
  );

  app.get(
    `${P}/transactions`,
    {
      schema: {
        tags,
        summary: 'Ledger transactions, newest first (keyset: pass `next` as `before`)',
        querystring: z
          .object({
            before: z.coerce.number().int().min(1).optional(),
            kind: z.enum(transactionKinds).optional(),
            limit: z.coerce.number().int().min(1).max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({ items: z.array(transaction), next: z.number().int().nullable() }),
          ...errors,
        },
      },
    },
    async (request, reply) =>
      cachedJson(request, reply, () => listTransactions(request.ctx(), request.query)),
  );

  app.get(
    `${P}/transactions/:id`,
    {
      schema: {
        tags,
        summary: 'One transaction with its lines and hashes',
        params: idParams,
        response: { 200: transaction, ...errors },
      },
    },
    async (request) => getTransaction(request.ctx(), request.params),
  );

  app.get(
    `${P}/accounts/:id/statement`,
    {
      schema: {
        tags,
        summary: "An account's monthly statement: opening balance, lines, closing balance",
        params: idParams,
        querystring: z
          .object({
            month: z
              .string()
              .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'invalid_month' })
              .optional(),
          })
          .strict(),
        response: { 200: statement, ...errors },
      },
    },
    async (request) => accountStatement(request.ctx(), { id: request.params.id, month: request.query.month }),
  );

  const posting = <B extends z.ZodType>(
    path: string,
    summaryText: string,
    body: B,
    run: (
      ctx: ReturnType<FastifyRequest['ctx']>,
      input: Record<string, unknown>,
    ) => Promise<{ status: string }>,
    response: z.ZodType = posted,
  ) =>
    app.post(
      `${P}/${path}`,
      {
        schema: {
          tags,
          summary: summaryText,
          security,
          headers: keyHeader,
          body,
          response: { 201: response, 202: response, ...writeErrors },
        },
      },
      async (request, reply) => {
        const r = await run(request.ctx(), withKey(request));
        created(reply, r.status);
        return r;
      },
    );

  posting(
    'contributions',
    'Record a contribution received (treasurer)',
    bodies.contributions,
    recordContribution,
  );
  posting(
    'pledges',
    'Record a pledge: shown, not counted as funds (treasurer)',
    bodies.pledges,
    recordPledge,
  );
  posting('grants', 'Commit a grant from the pool to a community', bodies.grants, (c, i) =>
    commitGrant(c, i as never),
  );
  posting(
    'disbursements',
    'Pay a community from its grant; above the threshold it waits for a second treasurer (202 pending_approval)',
    bodies.disbursements,
    (c, i) => disburseGrant(c, i as never),
    disbursed,
  );
  posting('expenditures', 'Record goods bought directly (treasurer)', bodies.expenditures, recordExpenditure);
  posting('fees', 'Record a bank or transfer fee (treasurer)', bodies.fees, recordFee);
  posting('refunds', 'Give money back to a contributor (treasurer)', bodies.refunds, refundContribution);

  app.post(
    `${P}/transactions/:id/reversal`,
    {
      schema: {
        tags,
        summary: 'Reverse a transaction: a new transaction negating it, linked to it (treasurer, once)',
        security,
        params: idParams,
        headers: keyHeader,
        body: z.object({ idempotencyKey: keyField, memo: z.string().max(1000).optional() }).strict(),
        response: { 201: posted, ...writeErrors },
      },
    },
    async (request, reply) => {
      const r = await reverseTransaction(request.ctx(), {
        ...withKey(request),
        transactionId: request.params.id,
      });
      reply.code(201);
      return r;
    },
  );

  app.get(
    `${P}/approvals`,
    {
      schema: {
        tags,
        summary: 'Disbursements waiting for (or decided by) a second treasurer',
        security,
        querystring: z.object({ status: z.enum(approvalStatuses).optional() }).strict(),
        response: { 200: z.object({ items: z.array(approval) }), ...errors },
      },
    },
    async (request) => ({ items: await listApprovals(request.ctx(), request.query) }),
  );

  const decision = z.object({ note: z.string().max(1000).optional() }).strict();
  app.post(
    `${P}/approvals/:id/approve`,
    {
      schema: {
        tags,
        summary: 'Approve a waiting disbursement: it is posted now (not by the treasurer who asked)',
        security,
        params: idParams,
        body: decision.optional(),
        response: { 200: posted, ...writeErrors },
      },
    },
    async (request) =>
      approveDisbursement(request.ctx(), { approvalId: request.params.id, note: request.body?.note }),
  );
  app.post(
    `${P}/approvals/:id/reject`,
    {
      schema: {
        tags,
        summary: 'Reject a waiting disbursement: nothing is posted',
        security,
        params: idParams,
        body: decision.optional(),
        response: { 200: z.object({ status: z.literal('rejected') }), ...writeErrors },
      },
    },
    async (request) =>
      rejectDisbursement(request.ctx(), { approvalId: request.params.id, note: request.body?.note }),
  );
}
