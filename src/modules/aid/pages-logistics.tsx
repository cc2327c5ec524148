import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../core/cache/cached.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { html, idParams, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { untrusted } from '../../core/module/use-case.ts';
import { hasAnyRole } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { actsFor, isCentre, memberOrgs, today } from './access.ts';
import { capacityFields } from './input.ts';
import {
  cleaned,
  fieldErrors,
  form,
  formById,
  hide,
  idOrNull,
  itemsOf,
  passOn,
  refusal,
  safeBack,
  valuesOf,
} from './page-forms.ts';
import { listAllocations } from './service-allocations.ts';
import { listCapacity, reportCapacity } from './service-capacity.ts';
import { createCorridor, listCorridors, verifyCorridor } from './service-corridors.ts';
import { getNeed } from './service-needs.ts';
import { organisationChoices } from './service-places.ts';
import {
  confirmDelivery,
  createShipment,
  getShipment,
  listShipments,
  resolveFollowUp,
  transitionShipment,
} from './service-shipments.ts';
import { CapacityPage } from './views/capacity.tsx';
import { CorridorsPage } from './views/corridors.tsx';
import { ShipmentForm, ShipmentPage, ShipmentsList } from './views/shipments.tsx';
import type { Errors, Values } from './views/ui.tsx';

/** One "lat, lon" pair per line, as people copy them from a map, as the [lon, lat] of GeoJSON. */
const pathOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [lat, lon] = line.split(/[,;\s]+/).map(Number);
      return [lon, lat];
    });

/** The aid centre's shipments, deliveries, corridors and reception capacity, as HTML forms. */
export async function aidLogisticsPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  // Shipments and deliveries

  app.get('/aid/shipments', { schema: hide }, async (request, reply) => {
    const shipments = await listShipments(request.ctx());
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'aid.shipments.title'),
        children: <ShipmentsList request={request} shipments={shipments} />,
      }),
    );
  });

  const shipmentForm = async (request: FastifyRequest, needId: string, errors: Errors) => {
    const ctx = request.ctx();
    const need = await getNeed(ctx, { id: needId });
    return renderPage(request, {
      title: t(request.locale, 'aid.shipments.prepare'),
      children: (
        <ShipmentForm
          request={request}
          need={need}
          allocations={await listAllocations(ctx, { needId })}
          corridors={await listCorridors(ctx)}
          errors={errors}
        />
      ),
    });
  };

  app.get(
    '/aid/shipments/new',
    { schema: { ...hide, querystring: z.object({ needId: z.uuid() }) } },
    async (request, reply) => {
      if (!isCentre(request.actor)) throw new AppError(request.actor ? 'forbidden' : 'unauthenticated');
      return html(reply).send(await shipmentForm(request, request.query.needId, {}));
    },
  );

  app.post('/aid/shipments', form, async (request, reply) => {
    const body = request.body ?? {};
    const items = itemsOf(body)
      .filter((i) => Number(i.quantity) > 0)
      .map((i) => ({ allocationId: i.allocationId, quantity: i.quantity }));
    try {
      const s = await createShipment(
        request.ctx(),
        untrusted({
          corridorId: body.corridorId || null,
          reference: body.reference || null,
          items,
        }),
      );
      return reply.redirect(`/aid/shipments/${s.id}`, 303);
    } catch (e) {
      const needId = idOrNull(body.needId);
      const message = refusal(request, e);
      if (!needId || !message || passOn(e) || !isAppError(e)) throw e;
      return html(reply.code(e.status)).send(await shipmentForm(request, needId, { items: message }));
    }
  });

  async function shipmentPage(request: FastifyRequest, id: string, error?: string) {
    const ctx = request.ctx();
    const s = await getShipment(ctx, { id });
    return renderPage(request, {
      title: t(request.locale, 'aid.shipments.one'),
      children: (
        <ShipmentPage
          request={request}
          s={s}
          isCentre={isCentre(ctx.actor)}
          canConfirm={
            actsFor(ctx.actor, s.destinationOrgId) || hasAnyRole(ctx.actor, ['admin', 'secretariat'])
          }
          error={error}
        />
      ),
    });
  }

  app.get('/aid/shipments/:id', { schema: { ...hide, params: idParams } }, async (request, reply) => {
    return html(reply).send(await shipmentPage(request, request.params.id));
  });

  app.post('/aid/shipments/:id/transition', formById, async (request, reply) => {
    await transitionShipment(request.ctx(), untrusted({ ...cleaned(request.body), id: request.params.id }));
    return reply.redirect(`/aid/shipments/${request.params.id}`, 303);
  });

  app.post('/aid/shipments/:id/delivery', formById, async (request, reply) => {
    const body = request.body ?? {};
    try {
      await confirmDelivery(
        request.ctx(),
        untrusted({
          id: request.params.id,
          items: itemsOf(body).map((i) => ({ shipmentItemId: i.shipmentItemId, receivedQty: i.receivedQty })),
          note: typeof body.note === 'string' && body.note.trim() ? body.note : null,
        }),
      );
      return reply.redirect(`/aid/shipments/${request.params.id}`, 303);
    } catch (e) {
      const message = refusal(request, e);
      if (!message || passOn(e, ['unauthenticated', 'forbidden', 'not_found']) || !isAppError(e)) throw e;
      return html(reply.code(e.status)).send(await shipmentPage(request, request.params.id, message));
    }
  });

  app.post('/aid/deliveries/:id/resolve', formById, async (request, reply) => {
    const body = cleaned(request.body);
    await resolveFollowUp(request.ctx(), untrusted({ id: request.params.id, note: body.note ?? null }));
    return reply.redirect(safeBack(body.back, '/aid'), 303);
  });

  // Corridors

  const corridorsPage = async (request: FastifyRequest, values: Values, errors: Errors) => {
    const ctx = request.ctx();
    const centre = isCentre(ctx.actor);
    return renderPage(request, {
      title: t(request.locale, 'aid.corridors.title'),
      children: (
        <CorridorsPage
          request={request}
          corridors={await listCorridors(ctx)}
          isCentre={centre}
          values={values}
          errors={errors}
          organisations={centre ? await organisationChoices(ctx) : []}
        />
      ),
    });
  };

  app.get('/aid/corridors', { schema: hide }, async (request, reply) => {
    const body = await cachedPage(request, reply, () => corridorsPage(request, { status: 'open' }, {}));
    return html(reply).send(body);
  });

  app.post('/aid/corridors', form, async (request, reply) => {
    const body = cleaned(request.body);
    try {
      const path = typeof body.path === 'string' ? pathOf(body.path) : null;
      await createCorridor(request.ctx(), untrusted({ ...body, path }));
      return reply.redirect('/aid/corridors', 303);
    } catch (e) {
      const errors =
        fieldErrors(e) ??
        (isAppError(e) && e.code === 'already_exists' ? { name: refusal(request, e) ?? '' } : null);
      if (!errors) throw e;
      return html(reply.code(400)).send(await corridorsPage(request, valuesOf(request.body), errors));
    }
  });

  app.post('/aid/corridors/:id/verify', formById, async (request, reply) => {
    await verifyCorridor(request.ctx(), untrusted({ ...cleaned(request.body), id: request.params.id }));
    return reply.redirect('/aid/corridors', 303);
  });

  // Reception capacity

  const capacityPage = async (request: FastifyRequest, values: Values, errors: Errors) => {
    const ctx = request.ctx();
    const mayReport = isCentre(ctx.actor) || memberOrgs(ctx.actor).length > 0;
    return renderPage(request, {
      title: t(request.locale, 'aid.capacity.title'),
      children: (
        <CapacityPage
          request={request}
          reports={await listCapacity(ctx, { latest: true })}
          canReport={mayReport}
          values={values}
          errors={errors}
          organisations={mayReport ? await organisationChoices(ctx) : []}
        />
      ),
    });
  };

  app.get('/aid/capacity', { schema: hide }, async (request, reply) => {
    const values = { asOf: today(request.ctx()), orgId: memberOrgs(request.actor)[0] ?? '' };
    const body = await cachedPage(request, reply, () => capacityPage(request, values, {}));
    return html(reply).send(body);
  });

  app.post('/aid/capacity', form, async (request, reply) => {
    // Empty number fields count as zero; anything else in the body is checked (and refused) by the use case.
    const body = cleaned(request.body);
    for (const f of capacityFields) if (body[f] === undefined) body[f] = 0;
    try {
      await reportCapacity(request.ctx(), body);
      return reply.redirect('/aid/capacity', 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await capacityPage(request, valuesOf(request.body), errors));
    }
  });
}
