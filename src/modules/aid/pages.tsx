import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cachedPage } from '../../core/cache/cached.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { listLinks } from '../../core/links/service.ts';
import { hasAnyRole } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { actsFor, isCentre, memberOrgs } from './access.ts';
import { capacityFields } from './input.ts';
import { clusters, needStatuses } from './schema.ts';
import { allocateOffer, listAllocations, recordPayment } from './service-allocations.ts';
import { listCapacity, reportCapacity } from './service-capacity.ts';
import { createCorridor, listCorridors, verifyCorridor } from './service-corridors.ts';
import { aidSummary } from './service-dashboard.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, listNeeds, type NeedFilters, postNeed, verifyNeed } from './service-needs.ts';
import { listOffers, postOffer } from './service-offers.ts';
import { organisationChoices } from './service-places.ts';
import {
  confirmDelivery,
  createShipment,
  getShipment,
  listFlaggedDeliveries,
  listShipments,
  resolveFollowUp,
  transitionShipment,
} from './service-shipments.ts';
import { CapacityPage } from './views/capacity.tsx';
import { CorridorsPage } from './views/corridors.tsx';
import { Dashboard } from './views/dashboard.tsx';
import { NeedForm, NeedPage, type NeedPageData, NeedsList } from './views/needs.tsx';
import { OfferForm, OffersList } from './views/offers.tsx';
import { ShipmentForm, ShipmentPage, ShipmentsList } from './views/shipments.tsx';
import type { Errors, Values } from './views/ui.tsx';

type Body = Record<string, unknown>;
const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
const idParams = z.object({ id: z.uuid() });
const hide = { hide: true };

/** Form fields as the use cases take them: no CSRF token, no empty strings. */
function cleaned(body: unknown, drop: string[] = []): Body {
  const out: Body = {};
  for (const [k, v] of Object.entries((body ?? {}) as Body)) {
    if (k === '_csrf' || drop.includes(k) || v === '' || v === undefined) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}
const valuesOf = (body: unknown): Values =>
  Object.fromEntries(Object.entries((body ?? {}) as Body).filter(([, v]) => typeof v === 'string')) as Values;

/** Field errors of a use case keyed by field, or null when the error is of another kind. */
function fieldErrors(e: unknown): Errors | null {
  if (!isAppError(e) || e.code !== 'validation_failed' || !Array.isArray(e.details)) return null;
  const out: Errors = {};
  for (const d of e.details as { path?: string; message?: string }[]) {
    const key = (d.path ?? '').split('.')[0] || 'form';
    if (!out[key]) out[key] = d.message ?? 'invalid';
  }
  return out;
}

/** The reason of a refused action, in the reader's language, to show on the page it came from. */
function refusal(request: FastifyRequest, e: unknown): string | null {
  if (!isAppError(e) || e.code === 'internal') return null;
  const d = e.details as { needLacks?: number; offerRemaining?: number; reason?: string } | undefined;
  if (e.code === 'over_allocation' && d?.needLacks !== undefined)
    return t(request.locale, 'aid.errors.overAllocation', { lacks: d.needLacks, left: d.offerRemaining });
  return t(request.locale, `errors.${e.code}`);
}

/** Only paths of the aid centre, so that a form cannot send the reader elsewhere. */
const safeBack = (back: unknown, fallback: string) =>
  typeof back === 'string' && /^\/aid\/[\w\-/]*$/.test(back) ? back : fallback;

const requireSignedIn = (request: FastifyRequest) => {
  if (!request.actor) throw new AppError('unauthenticated');
};

/** Rows of a form sent as `items[0][field]` (the body parser keeps such names flat). */
function itemsOf(body: Body): Body[] {
  const rows = new Map<number, Body>();
  for (const [k, v] of Object.entries(body)) {
    const m = /^items\[(\d{1,3})\]\[(\w+)\]$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    rows.set(i, { ...rows.get(i), [m[2]]: Array.isArray(v) ? v[0] : v });
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

export async function aidPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/aid', { schema: hide }, async (request, reply) => {
    const page = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const [summary, corridors] = [await aidSummary(ctx), await listCorridors(ctx)];
      const flagged = ctx.actor ? await listFlaggedDeliveries(ctx) : null;
      return renderPage(request, {
        title: t(request.locale, 'aid.title'),
        children: <Dashboard request={request} summary={summary} corridors={corridors} flagged={flagged} />,
      });
    });
    return html(reply).send(page);
  });

  // Needs

  app.get(
    '/aid/needs',
    {
      schema: {
        ...hide,
        querystring: z.object({
          status: z.union([z.enum([...needStatuses, 'active']), z.literal('')]).optional(),
          category: z.union([z.enum(clusters), z.literal('')]).optional(),
          cursor: z.string().max(200).optional(),
        }),
      },
    },
    async (request, reply) => {
      const page = await cachedPage(request, reply, async () => {
        const q = request.query;
        const filters: NeedFilters = {
          status: q.status || undefined,
          category: q.category || undefined,
          cursor: q.cursor,
        };
        const r = await listNeeds(request.ctx(), { ...filters, limit: 50 });
        const params = new URLSearchParams(
          Object.entries({ status: q.status ?? '', category: q.category ?? '' }).filter(([, v]) => v),
        );
        if (r.nextCursor) params.set('cursor', r.nextCursor);
        return renderPage(request, {
          title: t(request.locale, 'aid.needs.title'),
          children: (
            <NeedsList
              request={request}
              needs={r.items}
              filters={{ status: q.status ?? '', category: q.category ?? '' }}
              nextHref={r.nextCursor ? `/aid/needs?${params}` : null}
              canPost={!!request.actor}
            />
          ),
        });
      });
      return html(reply).send(page);
    },
  );

  const needForm = async (request: FastifyRequest, values: Values, errors: Errors) =>
    renderPage(request, {
      title: t(request.locale, 'aid.needs.post'),
      children: (
        <NeedForm
          request={request}
          values={values}
          errors={errors}
          organisations={await organisationChoices(request.ctx())}
        />
      ),
    });

  app.get('/aid/needs/new', { schema: hide }, async (request, reply) => {
    requireSignedIn(request);
    const first = memberOrgs(request.actor)[0] ?? '';
    return html(reply).send(await needForm(request, { communityOrgId: first, priority: 'medium' }, {}));
  });

  app.post('/aid/needs', { schema: hide }, async (request, reply) => {
    try {
      const need = await postNeed(request.ctx(), cleaned(request.body) as never);
      return reply.redirect(`/aid/needs/${need.id}?notice=posted`, 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await needForm(request, valuesOf(request.body), errors));
    }
  });

  async function needPage(request: FastifyRequest, id: string, error?: string): Promise<string> {
    const ctx = request.ctx();
    const need = await getNeed(ctx, { id });
    const centre = isCentre(ctx.actor);
    const d: NeedPageData = {
      need,
      allocations: await listAllocations(ctx, { needId: id }),
      proposals: centre && need.lacking > 0 ? await proposeOffers(ctx, { id, limit: 10 }) : null,
      shipments: ctx.actor ? await listShipments(ctx, { needId: id }) : null,
      links: await listLinks(ctx, { kind: 'aid.need', id }),
      canVerify: centre,
      canAllocate: centre,
      canLink: centre || actsFor(ctx.actor, need.communityOrgId),
      error,
    };
    const notice = (request.query as Body)?.notice;
    return renderPage(request, {
      title: `${need.item} — ${need.communityName}`,
      notice:
        typeof notice === 'string' && ['posted', 'verified', 'allocated', 'paid'].includes(notice)
          ? t(request.locale, `aid.notices.${notice}`)
          : undefined,
      children: <NeedPage request={request} d={d} />,
    });
  }

  app.get('/aid/needs/:id', { schema: { ...hide, params: idParams } }, async (request, reply) => {
    const page = await cachedPage(request, reply, () => needPage(request, request.params.id));
    return html(reply).send(page);
  });

  app.post('/aid/needs/:id/verify', { schema: { ...hide, params: idParams } }, async (request, reply) => {
    await verifyNeed(request.ctx(), { ...cleaned(request.body), id: request.params.id } as never);
    return reply.redirect(`/aid/needs/${request.params.id}?notice=verified`, 303);
  });

  app.post('/aid/allocations', { schema: hide }, async (request, reply) => {
    const body = cleaned(request.body);
    const needId =
      typeof body.needId === 'string' && /^[0-9a-f-]{36}$/i.test(body.needId) ? body.needId : null;
    try {
      await allocateOffer(request.ctx(), body as never);
      return reply.redirect(`/aid/needs/${needId}?notice=allocated`, 303);
    } catch (e) {
      const message = refusal(request, e);
      if (!needId || !message || (isAppError(e) && ['unauthenticated', 'forbidden'].includes(e.code)))
        throw e;
      const status = isAppError(e) ? e.status : 400;
      return html(reply.code(status)).send(await needPage(request, needId, message));
    }
  });

  app.post(
    '/aid/allocations/:id/payment',
    { schema: { ...hide, params: idParams } },
    async (request, reply) => {
      const a = await recordPayment(request.ctx(), { id: request.params.id });
      return reply.redirect(
        safeBack((request.body as Body)?.back, `/aid/needs/${a.needId}?notice=paid`),
        303,
      );
    },
  );

  // Offers

  app.get('/aid/offers', { schema: hide }, async (request, reply) => {
    const page = await cachedPage(request, reply, async () =>
      renderPage(request, {
        title: t(request.locale, 'aid.offers.title'),
        children: (
          <OffersList
            request={request}
            offers={await listOffers(request.ctx(), { limit: 200 })}
            canPost={!!request.actor}
          />
        ),
      }),
    );
    return html(reply).send(page);
  });

  const offerForm = async (request: FastifyRequest, values: Values, errors: Errors) =>
    renderPage(request, {
      title: t(request.locale, 'aid.offers.post'),
      children: (
        <OfferForm
          request={request}
          values={values}
          errors={errors}
          organisations={await organisationChoices(request.ctx())}
          mayOfferFund={isCentre(request.actor) || hasAnyRole(request.actor, ['treasurer'])}
        />
      ),
    });

  app.get('/aid/offers/new', { schema: hide }, async (request, reply) => {
    requireSignedIn(request);
    const first = memberOrgs(request.actor)[0] ?? '';
    return html(reply).send(await offerForm(request, { offererOrgId: first, kind: 'goods' }, {}));
  });

  app.post('/aid/offers', { schema: hide }, async (request, reply) => {
    const body = cleaned(request.body);
    // The form shows the fields of both kinds: only those of the chosen kind count.
    const drop = body.kind === 'money' ? ['quantity', 'unit'] : ['amountMinor', 'currency'];
    if (body.source === 'fund') drop.push('offererOrgId');
    try {
      await postOffer(request.ctx(), cleaned(request.body, drop) as never);
      return reply.redirect('/aid/offers', 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await offerForm(request, valuesOf(request.body), errors));
    }
  });

  // Shipments and deliveries

  app.get('/aid/shipments', { schema: hide }, async (request, reply) => {
    requireSignedIn(request);
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

  app.post('/aid/shipments', { schema: hide }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const items = itemsOf(body)
      .filter((i) => i && Number(i.quantity) > 0)
      .map((i) => ({ allocationId: i.allocationId, quantity: i.quantity }));
    try {
      const s = await createShipment(request.ctx(), {
        corridorId: body.corridorId || null,
        reference: body.reference || null,
        items,
      } as never);
      return reply.redirect(`/aid/shipments/${s.id}`, 303);
    } catch (e) {
      const needId =
        typeof body.needId === 'string' && /^[0-9a-f-]{36}$/i.test(body.needId) ? body.needId : null;
      const message = refusal(request, e);
      if (!needId || !message || (isAppError(e) && ['unauthenticated', 'forbidden'].includes(e.code)))
        throw e;
      return html(reply.code((e as AppError).status)).send(
        await shipmentForm(request, needId, { items: message }),
      );
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
    requireSignedIn(request);
    return html(reply).send(await shipmentPage(request, request.params.id));
  });

  app.post(
    '/aid/shipments/:id/transition',
    { schema: { ...hide, params: idParams } },
    async (request, reply) => {
      await transitionShipment(request.ctx(), { ...cleaned(request.body), id: request.params.id } as never);
      return reply.redirect(`/aid/shipments/${request.params.id}`, 303);
    },
  );

  app.post(
    '/aid/shipments/:id/delivery',
    { schema: { ...hide, params: idParams } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      try {
        await confirmDelivery(request.ctx(), {
          id: request.params.id,
          items: itemsOf(body).map((i) => ({
            shipmentItemId: i?.shipmentItemId,
            receivedQty: i?.receivedQty,
          })),
          note: typeof body.note === 'string' && body.note.trim() ? body.note : null,
        } as never);
        return reply.redirect(`/aid/shipments/${request.params.id}`, 303);
      } catch (e) {
        const message = refusal(request, e);
        if (!message || (isAppError(e) && ['unauthenticated', 'forbidden', 'not_found'].includes(e.code)))
          throw e;
        return html(reply.code((e as AppError).status)).send(
          await shipmentPage(request, request.params.id, message),
        );
      }
    },
  );

  app.post(
    '/aid/deliveries/:id/resolve',
    { schema: { ...hide, params: idParams } },
    async (request, reply) => {
      const body = cleaned(request.body);
      await resolveFollowUp(request.ctx(), { id: request.params.id, note: (body.note as string) ?? null });
      return reply.redirect(safeBack(body.back, '/aid'), 303);
    },
  );

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
    const page = await cachedPage(request, reply, () => corridorsPage(request, { status: 'open' }, {}));
    return html(reply).send(page);
  });

  app.post('/aid/corridors', { schema: hide }, async (request, reply) => {
    const body = cleaned(request.body);
    try {
      let path: unknown = null;
      if (typeof body.path === 'string') {
        // One "lat, lon" pair per line, as people copy them from a map.
        path = body.path
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const [lat, lon] = line.split(/[,;\s]+/).map(Number);
            return [lon, lat];
          });
      }
      await createCorridor(request.ctx(), { ...body, path } as never);
      return reply.redirect('/aid/corridors', 303);
    } catch (e) {
      const errors =
        fieldErrors(e) ??
        (isAppError(e) && e.code === 'already_exists' ? { name: refusal(request, e) ?? '' } : null);
      if (!errors) throw e;
      return html(reply.code(400)).send(await corridorsPage(request, valuesOf(request.body), errors));
    }
  });

  app.post('/aid/corridors/:id/verify', { schema: { ...hide, params: idParams } }, async (request, reply) => {
    await verifyCorridor(request.ctx(), { ...cleaned(request.body), id: request.params.id } as never);
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
    const today = new Date().toISOString().slice(0, 10);
    const page = await cachedPage(request, reply, () =>
      capacityPage(request, { asOf: today, orgId: memberOrgs(request.actor)[0] ?? '' }, {}),
    );
    return html(reply).send(page);
  });

  app.post('/aid/capacity', { schema: hide }, async (request, reply) => {
    // Empty number fields count as zero; anything else in the body is checked (and refused) by the use case.
    const body = cleaned(request.body);
    for (const f of capacityFields) if (body[f] === undefined) body[f] = 0;
    try {
      await reportCapacity(request.ctx(), body as never);
      return reply.redirect('/aid/capacity', 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await capacityPage(request, valuesOf(request.body), errors));
    }
  });
}
