import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import * as s from './api-schemas.ts';
import { allocateInput, postNeedInput, postOfferInput, verifyNeedInput } from './input.ts';
import { clusters, needStatuses } from './schema.ts';
import { allocateOffer, listAllocations, recordPayment } from './service-allocations.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, listNeeds, postNeed, verifyNeed } from './service-needs.ts';
import { getOffer, listOffers, postOffer, withdrawOffer } from './service-offers.ts';

const { tags, P, bool } = s;

/** The aid centre's JSON API: `/api/v1/aid/...`, one Zod schema per endpoint (logistics: api-logistics.ts). */
export async function aidApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get(
    `${P}/needs`,
    {
      schema: {
        tags,
        summary: 'Needs of communities, newest first (public aid appeals)',
        querystring: z
          .object({
            status: z.enum([...needStatuses, 'active']).optional(),
            category: z.enum(clusters).optional(),
            communityOrgId: z.uuid().optional(),
            cursor: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({ items: z.array(s.need), nextCursor: z.string().nullable() }),
          ...readErrors,
        },
      },
    },
    async (request) => listNeeds(request.ctx(), request.query),
  );

  app.post(
    `${P}/needs`,
    {
      schema: {
        tags,
        summary: "Post a need (the community's members, or the centre)",
        security,
        body: postNeedInput,
        response: { 201: s.need, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await postNeed(request.ctx(), request.body)),
  );

  app.get(
    `${P}/needs/:id`,
    {
      schema: {
        tags,
        summary: 'A need with its allocations',
        params: idParams,
        response: { 200: s.needDetail, ...readErrors },
      },
    },
    async (request) => {
      const need = await getNeed(request.ctx(), { id: request.params.id });
      return { ...need, allocations: await listAllocations(request.ctx(), { needId: need.id }) };
    },
  );

  app.post(
    `${P}/needs/:id/verify`,
    {
      schema: {
        tags,
        summary: 'Verify a need (the centre); send the version you saw',
        security,
        params: idParams,
        body: verifyNeedInput,
        response: { 200: s.need, ...writeErrors },
      },
    },
    async (request) => verifyNeed(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.get(
    `${P}/needs/:id/proposals`,
    {
      schema: {
        tags,
        summary: 'Offers proposed for a need, best first (item fit, cluster, dates, distance, priority)',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(50).optional() }).strict(),
        response: { 200: z.object({ items: z.array(s.proposal) }), ...readErrors },
      },
    },
    async (request) => ({
      items: await proposeOffers(request.ctx(), { ...request.query, id: request.params.id }),
    }),
  );

  app.get(
    `${P}/offers`,
    {
      schema: {
        tags,
        summary: 'Offers of goods and money, newest first',
        querystring: z
          .object({
            kind: z.enum(['goods', 'money']).optional(),
            category: z.enum(clusters).optional(),
            open: bool.optional().describe('Only open offers with something left'),
            offererOrgId: z.uuid().optional(),
            limit: z.coerce.number().int().min(1).max(500).optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(s.offer) }), ...readErrors },
      },
    },
    async (request) => ({
      items: await listOffers(request.ctx(), { ...request.query, open: request.query.open === 'true' }),
    }),
  );

  app.post(
    `${P}/offers`,
    {
      schema: {
        tags,
        summary: 'Offer goods or money (a member for its organisation; the Solidarity Fund by a treasurer)',
        security,
        body: postOfferInput,
        response: { 201: s.offer, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await postOffer(request.ctx(), request.body)),
  );

  app.get(
    `${P}/offers/:id`,
    { schema: { tags, summary: 'An offer', params: idParams, response: { 200: s.offer, ...readErrors } } },
    async (request) => getOffer(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/offers/:id/withdraw`,
    {
      schema: {
        tags,
        summary: 'Withdraw what is left of an offer',
        security,
        params: idParams,
        body: verifyNeedInput,
        response: { 200: s.offer, ...writeErrors },
      },
    },
    async (request) => withdrawOffer(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/allocations`,
    {
      schema: {
        tags,
        summary:
          'Allocate part of an offer to a need (the centre). Never more than the offer has left or the need lacks: `over_allocation`',
        security,
        body: allocateInput,
        response: { 201: s.allocation, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await allocateOffer(request.ctx(), request.body)),
  );

  app.post(
    `${P}/allocations/:id/payment`,
    {
      schema: {
        tags,
        summary:
          "Pay a Solidarity Fund allocation: a disbursement from the community's grant (may wait for a second approver)",
        security,
        params: idParams,
        body: z.object({}).strict().optional(),
        response: { 200: s.allocation, ...writeErrors },
      },
    },
    async (request) => recordPayment(request.ctx(), { id: request.params.id }),
  );
}
