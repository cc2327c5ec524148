import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, readErrors, security, typed, writeErrors } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import * as s from './api-schemas.ts';
import {
  capacityInput,
  corridorInput,
  corridorStatusInput,
  deliveryInput,
  resolveInput,
  shipmentInput,
  transitionInput,
} from './input.ts';
import { shipmentStatuses } from './schema.ts';
import { listCapacity, refusePersonalData, reportCapacity } from './service-capacity.ts';
import { createCorridor, getCorridor, listCorridors, verifyCorridor } from './service-corridors.ts';
import {
  confirmDelivery,
  createShipment,
  getShipment,
  listFlaggedDeliveries,
  listShipments,
  resolveFollowUp,
  transitionShipment,
} from './service-shipments.ts';

const { tags, P, bool } = s;

/** The aid centre's JSON API for shipments, deliveries, corridors and reception capacity. */
export async function aidLogisticsApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

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
