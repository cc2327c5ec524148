import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedPage } from '../../../../core/cache/cached.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { organisationCalendar, seriesCalendar } from './feeds.ts';

type Req = FastifyRequest<{ Params: { id: string } }>;

/** ICS feeds, for calendar apps to subscribe to: `/talks/series/:id/calendar.ics`, `/talks/organisations/:id/calendar.ics`. */
export async function calendarRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  const hide = { schema: { hide: true } };
  const baseUrl = (request: FastifyRequest) =>
    (services.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
  const send = (reply: FastifyReply, name: string, text: string) =>
    reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${name}.ics"`)
      .send(text);

  app.get('/talks/series/:id/calendar.ics', hide, async (request: Req, reply) => {
    const text = await cachedPage(request, reply, () =>
      seriesCalendar(request.ctx(), request.params.id, baseUrl(request)),
    );
    return send(reply, 'talks-series', text);
  });

  app.get('/talks/organisations/:id/calendar.ics', hide, async (request: Req, reply) => {
    const text = await cachedPage(request, reply, () =>
      organisationCalendar(request.ctx(), request.params.id, baseUrl(request)),
    );
    return send(reply, 'talks-organisation', text);
  });
}
