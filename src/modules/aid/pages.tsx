import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../core/cache/cached.ts';
import { isAppError } from '../../core/errors.ts';
import { html, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { listLinks } from '../../core/links/service.ts';
import { untrusted } from '../../core/module/use-case.ts';
import { hasAnyRole, requireActor } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { actsFor, isCentre, memberOrgs } from './access.ts';
import {
  cleaned,
  fieldErrors,
  form,
  formById,
  hide,
  idOrNull,
  pageById,
  passOn,
  refusal,
  safeBack,
  valuesOf,
} from './page-forms.ts';
import { clusters, needStatuses } from './schema.ts';
import { allocateOffer, listAllocations, recordPayment } from './service-allocations.ts';
import { listCorridors } from './service-corridors.ts';
import { aidSummary } from './service-dashboard.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, listNeeds, postNeed, verifyNeed } from './service-needs.ts';
import { listOffers, postOffer } from './service-offers.ts';
import { organisationChoices } from './service-places.ts';
import { listFlaggedDeliveries, listShipments } from './service-shipments.ts';
import { Dashboard } from './views/dashboard.tsx';
import { NeedForm, NeedPage, type NeedPageData, NeedsList } from './views/needs.tsx';
import { OfferForm, OffersList } from './views/offers.tsx';
import type { Errors, Values } from './views/ui.tsx';

const needNotices = ['posted', 'verified', 'allocated', 'paid'];

/** The aid centre's dashboard, needs, allocations and offers (shipments, corridors, capacity: pages-logistics). */
export async function aidPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get('/aid', { schema: hide }, async (request, reply) => {
    const body = await cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const [summary, corridors] = [await aidSummary(ctx), await listCorridors(ctx)];
      const flagged = ctx.actor ? await listFlaggedDeliveries(ctx) : null;
      return renderPage(request, {
        title: t(request.locale, 'aid.title'),
        children: <Dashboard request={request} summary={summary} corridors={corridors} flagged={flagged} />,
      });
    });
    return html(reply).send(body);
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
      const body = await cachedPage(request, reply, async () => {
        const q = request.query;
        const r = await listNeeds(request.ctx(), {
          status: q.status || undefined,
          category: q.category || undefined,
          cursor: q.cursor,
          limit: 50,
        });
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
      return html(reply).send(body);
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
    requireActor(request.ctx());
    const first = memberOrgs(request.actor)[0] ?? '';
    return html(reply).send(await needForm(request, { communityOrgId: first, priority: 'medium' }, {}));
  });

  app.post('/aid/needs', form, async (request, reply) => {
    try {
      const need = await postNeed(request.ctx(), untrusted(cleaned(request.body)));
      return reply.redirect(`/aid/needs/${need.id}?notice=posted`, 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await needForm(request, valuesOf(request.body), errors));
    }
  });

  async function needPage(request: FastifyRequest, id: string, opts: { notice?: unknown; error?: string }) {
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
      error: opts.error,
    };
    const notice = opts.notice;
    return renderPage(request, {
      title: `${need.item} — ${need.communityName}`,
      notice:
        typeof notice === 'string' && needNotices.includes(notice)
          ? t(request.locale, `aid.notices.${notice}`)
          : undefined,
      children: <NeedPage request={request} d={d} />,
    });
  }

  app.get('/aid/needs/:id', pageById, async (request, reply) => {
    const body = await cachedPage(request, reply, () =>
      needPage(request, request.params.id, { notice: request.query.notice }),
    );
    return html(reply).send(body);
  });

  app.post('/aid/needs/:id/verify', formById, async (request, reply) => {
    await verifyNeed(request.ctx(), untrusted({ ...cleaned(request.body), id: request.params.id }));
    return reply.redirect(`/aid/needs/${request.params.id}?notice=verified`, 303);
  });

  app.post('/aid/allocations', form, async (request, reply) => {
    const body = cleaned(request.body);
    const needId = idOrNull(body.needId);
    try {
      await allocateOffer(request.ctx(), untrusted(body));
      return reply.redirect(`/aid/needs/${needId}?notice=allocated`, 303);
    } catch (e) {
      const message = refusal(request, e);
      if (!needId || !message || passOn(e)) throw e;
      const status = isAppError(e) ? e.status : 400;
      return html(reply.code(status)).send(await needPage(request, needId, { error: message }));
    }
  });

  app.post('/aid/allocations/:id/payment', formById, async (request, reply) => {
    const a = await recordPayment(request.ctx(), { id: request.params.id });
    return reply.redirect(safeBack(request.body?.back, `/aid/needs/${a.needId}?notice=paid`), 303);
  });

  // Offers

  app.get('/aid/offers', { schema: hide }, async (request, reply) => {
    const body = await cachedPage(request, reply, async () =>
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
    return html(reply).send(body);
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
    requireActor(request.ctx());
    const first = memberOrgs(request.actor)[0] ?? '';
    return html(reply).send(await offerForm(request, { offererOrgId: first, kind: 'goods' }, {}));
  });

  app.post('/aid/offers', form, async (request, reply) => {
    const body = cleaned(request.body);
    // The form shows the fields of both kinds: only those of the chosen kind count.
    const drop = body.kind === 'money' ? ['quantity', 'unit'] : ['amountMinor', 'currency'];
    if (body.source === 'fund') drop.push('offererOrgId');
    try {
      await postOffer(request.ctx(), untrusted(cleaned(request.body, drop)));
      return reply.redirect('/aid/offers', 303);
    } catch (e) {
      const errors = fieldErrors(e);
      if (!errors) throw e;
      return html(reply.code(400)).send(await offerForm(request, valuesOf(request.body), errors));
    }
  });
}
