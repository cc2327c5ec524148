import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../../../core/cache/cached.ts';
import { typed } from '../../../../core/http/api-kit.ts';
import type { AppServices } from '../../../../core/http/types.ts';
import { organisationCalendar, seriesCalendar } from './feeds.ts';

/** ICS feeds, for calendar apps to subscribe to: `/talks/series/:id/calendar.ics`, `/talks/organisations/:id/calendar.ics`. */
export async function calendarRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = typed(fastify);
  // Any text: the use cases answer 404 for an id that is not one.
  const page = { schema: { hide: true, params: z.object({ id: z.string() }) } };
  const baseUrl = (request: FastifyRequest) =>
    (services.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
  const send = (reply: FastifyReply, name: string, text: string) =>
    reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${name}.ics"`)
      .send(text);

  app.get('/talks/series/:id/calendar.ics', page, async (request, reply) => {
    const text = await cachedPage(request, reply, () =>
      seriesCalendar(request.ctx(), { id: request.params.id, baseUrl: baseUrl(request) }),
    );
    return send(reply, 'talks-series', text);
  });

  app.get('/talks/organisations/:id/calendar.ics', page, async (request, reply) => {
    const text = await cachedPage(request, reply, () =>
      organisationCalendar(request.ctx(), { id: request.params.id, baseUrl: baseUrl(request) }),
    );
    return send(reply, 'talks-organisation', text);
  });
}
