import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { cachedJson } from '../../core/cache/cached.ts';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { invalidField } from '../../core/validation/input.ts';
import {
  approval,
  bodies,
  disbursed,
  keyField,
  keyHeader,
  posted,
  statement,
  summary,
  transaction,
} from './api-schemas.ts';
import { approvalStatuses, transactionKinds } from './schema.ts';
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
const P = '/api/v1/fund';

/** The idempotency key from the header or the body (the same value in both is fine, two different ones are not). */
function withKey<B extends { idempotencyKey?: string }>(
  body: B,
  headers: { 'idempotency-key'?: string },
): B & { idempotencyKey: string } {
  const h = headers['idempotency-key'];
  if (h !== undefined && body.idempotencyKey !== undefined && body.idempotencyKey !== h)
    throw invalidField('idempotencyKey', 'two_different_keys');
  const idempotencyKey = h ?? body.idempotencyKey;
  if (idempotencyKey === undefined) throw invalidField('idempotencyKey', 'idempotency_key_required');
  return { ...body, idempotencyKey };
}

/** The fund's JSON API: public reads, treasurer postings with idempotency keys. */
export async function fundApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get(
    `${P}/summary`,
    {
      schema: {
        tags,
        summary:
          'Public accounts: raised, committed, disbursed, balance; by contributor, community and month',
        querystring: z.object({ currency: z.string().length(3).optional() }).strict(),
        response: { 200: summary, ...readErrors },
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
          ...readErrors,
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
        response: { 200: transaction, ...readErrors },
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
        response: { 200: statement, ...readErrors },
      },
    },
    async (request) => accountStatement(request.ctx(), { id: request.params.id, month: request.query.month }),
  );

  const posting = <B extends z.ZodType>(summaryText: string, body: B, response: z.ZodType = posted) => ({
    schema: {
      tags,
      summary: summaryText,
      security,
      headers: keyHeader,
      body,
      response: { 201: response, 202: response, ...writeErrors },
    },
  });
  const answer = <R extends { status: string }>(reply: FastifyReply, r: R) => {
    reply.code(r.status === 'posted' ? 201 : 202);
    return r;
  };

  app.post(
    `${P}/contributions`,
    posting('Record a contribution received (treasurer)', bodies.contributions),
    async (request, reply) =>
      answer(reply, await recordContribution(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/pledges`,
    posting('Record a pledge: shown, not counted as funds (treasurer)', bodies.pledges),
    async (request, reply) =>
      answer(reply, await recordPledge(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/grants`,
    posting('Commit a grant from the pool to a community', bodies.grants),
    async (request, reply) =>
      answer(reply, await commitGrant(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/disbursements`,
    posting(
      'Pay a community from its grant; at or above the threshold it waits for a second treasurer (202 pending_approval)',
      bodies.disbursements,
      disbursed,
    ),
    async (request, reply) =>
      answer(reply, await disburseGrant(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/expenditures`,
    posting('Record goods bought directly (treasurer)', bodies.expenditures),
    async (request, reply) =>
      answer(reply, await recordExpenditure(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/fees`,
    posting('Record a bank or transfer fee (treasurer)', bodies.fees),
    async (request, reply) =>
      answer(reply, await recordFee(request.ctx(), withKey(request.body, request.headers))),
  );
  app.post(
    `${P}/refunds`,
    posting('Give money back to a contributor (treasurer)', bodies.refunds),
    async (request, reply) =>
      answer(reply, await refundContribution(request.ctx(), withKey(request.body, request.headers))),
  );

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
        ...withKey(request.body, request.headers),
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
        response: { 200: z.object({ items: z.array(approval) }), ...readErrors },
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
