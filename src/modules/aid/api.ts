import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import * as s from './api-schemas.ts';
import {
  allocateInput,
  capacityInput,
  corridorInput,
  corridorStatusInput,
  deliveryInput,
  postNeedInput,
  postOfferInput,
  resolveInput,
  shipmentInput,
  transitionInput,
  verifyNeedInput,
} from './input.ts';
import { clusters, needStatuses, shipmentStatuses } from './schema.ts';
import { allocateOffer, listAllocations, recordPayment } from './service-allocations.ts';
import { listCapacity, refusePersonalData, reportCapacity } from './service-capacity.ts';
import { createCorridor, getCorridor, listCorridors, verifyCorridor } from './service-corridors.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, listNeeds, postNeed, verifyNeed } from './service-needs.ts';
import { getOffer, listOffers, postOffer, withdrawOffer } from './service-offers.ts';
import {
  confirmDelivery,
  createShipment,
  getShipment,
  listFlaggedDeliveries,
  listShipments,
  resolveFollowUp,
  transitionShipment,
} from './service-shipments.ts';

const tags = ['aid'];
const P = '/api/v1/aid';
const bool = z.enum(['true', 'false']);

/** The aid centre's JSON API: `/api/v1/aid/...`, one Zod schema per endpoint. */
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

  app.get(
    `${P}/shipments`,
    {
      schema: {
        tags,
        summary: 'Shipments (signed-in readers)',
        security,
        querystring: z
          .object({
            status: z.enum(shipmentStatuses).optional(),
            destinationOrgId: z.uuid().optional(),
            needId: z.uuid().optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(s.shipmentSummary) }), ...readErrors },
      },
    },
    async (request) => ({ items: await listShipments(request.ctx(), request.query) }),
  );

  app.post(
    `${P}/shipments`,
    {
      schema: {
        tags,
        summary: 'Prepare a shipment of allocated goods to one community (the centre)',
        security,
        body: shipmentInput,
        response: { 201: s.shipment, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await createShipment(request.ctx(), request.body)),
  );

  app.get(
    `${P}/shipments/:id`,
    {
      schema: {
        tags,
        summary: 'A shipment with its items and delivery',
        security,
        params: idParams,
        response: { 200: s.shipment, ...readErrors },
      },
    },
    async (request) => getShipment(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/shipments/:id/transition`,
    {
      schema: {
        tags,
        summary: 'dispatch (preparing → in transit), cancel (preparing), return (in transit)',
        security,
        params: idParams,
        body: transitionInput,
        response: { 200: s.shipment, ...writeErrors },
      },
    },
    async (request) => transitionShipment(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/shipments/:id/delivery`,
    {
      schema: {
        tags,
        summary: 'Confirm what arrived, item by item (the receiving community); a difference is flagged',
        security,
        params: idParams,
        body: deliveryInput,
        response: { 200: s.shipment, ...writeErrors },
      },
    },
    async (request) => confirmDelivery(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.get(
    `${P}/deliveries/flagged`,
    {
      schema: {
        tags,
        summary: 'Deliveries with a difference still to follow up',
        security,
        response: { 200: z.object({ items: z.array(s.flaggedDelivery) }), ...readErrors },
      },
    },
    async (request) => ({ items: await listFlaggedDeliveries(request.ctx()) }),
  );

  app.post(
    `${P}/deliveries/:id/resolve`,
    {
      schema: {
        tags,
        summary: 'Close the follow-up of a flagged delivery (the centre)',
        security,
        params: idParams,
        body: resolveInput,
        response: { 200: s.delivery, ...writeErrors },
      },
    },
    async (request) => resolveFollowUp(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.get(
    `${P}/corridors`,
    {
      schema: {
        tags,
        summary: 'Corridors; the exact route only for aid coordinators and staff (audited)',
        response: { 200: z.object({ items: z.array(s.corridor) }), ...readErrors },
      },
    },
    async (request) => ({ items: await listCorridors(request.ctx()) }),
  );

  app.post(
    `${P}/corridors`,
    {
      schema: {
        tags,
        summary: 'Record a corridor (the centre)',
        security,
        body: corridorInput,
        response: { 201: s.corridor, ...writeErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await createCorridor(request.ctx(), request.body)),
  );

  app.get(
    `${P}/corridors/:id`,
    {
      schema: {
        tags,
        summary: 'A corridor; the exact route only for aid coordinators and staff (audited)',
        params: idParams,
        response: { 200: s.corridor, ...readErrors },
      },
    },
    async (request) => getCorridor(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/corridors/:id/verify`,
    {
      schema: {
        tags,
        summary: 'Re-verify a corridor and set its status (the centre; who and when are kept)',
        security,
        params: idParams,
        body: corridorStatusInput,
        response: { 200: s.corridor, ...writeErrors },
      },
    },
    async (request) => verifyCorridor(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.get(
    `${P}/capacity`,
    {
      schema: {
        tags,
        summary: 'Reception capacity of border LRGs for displaced people (aggregates by group)',
        querystring: z.object({ latest: bool.optional(), orgId: z.uuid().optional() }).strict(),
        response: { 200: z.object({ items: z.array(s.capacityReport) }), ...readErrors },
      },
    },
    async (request) => ({
      items: await listCapacity(request.ctx(), { ...request.query, latest: request.query.latest === 'true' }),
    }),
  );

  app.post(
    `${P}/capacity`,
    {
      schema: {
        tags,
        summary:
          'Report reception capacity as of a date: aggregates only. Any other field (names, birth dates…) is refused with `personal_data_refused`',
        security,
        body: capacityInput,
        response: { 201: s.capacityReport, ...writeErrors },
      },
      // Before the schema's own check, so that personal data gets its own refusal, not a generic one.
      preValidation: async (request) => refusePersonalData(request.body),
    },
    async (request, reply) => reply.code(201).send(await reportCapacity(request.ctx(), request.body)),
  );
}
