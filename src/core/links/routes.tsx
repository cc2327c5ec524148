import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { AppServices } from '../http/types.ts';
import { t } from '../i18n/i18n.ts';
import { Csrf } from '../ui/layout.tsx';
import { linkKind, linkKindNames } from './registry.ts';
import { type LinkView, linkRecords, linkRelations, listLinks, unlinkRecords } from './service.ts';

const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const tags = ['links'];
const kind = z
  .string()
  .regex(/^[a-z]+\.[a-z_]+$/)
  .max(60);
const ref = z.object({ kind, id: z.uuid() }).strict();

const linkView = z.object({
  id: z.uuid(),
  relation: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
  direction: z.enum(['out', 'in']),
  other: z.object({
    kind: z.string(),
    kindLabel: z.string(),
    id: z.string(),
    title: z.string(),
    url: z.string(),
    status: z.string().optional(),
  }),
});

const formBody = z
  .object({
    _csrf: z.string().optional(),
    fromKind: kind,
    fromId: z.uuid(),
    toKind: kind,
    toId: z.uuid(),
    relation: z.enum(linkRelations).optional(),
    note: z.string().max(500).optional(),
    back: z.string().max(500).optional(),
  })
  .strict();

/** Only paths of this site, so a form cannot send the reader elsewhere. */
const safeBack = (back: string | undefined) => (back && /^\/[\w\-/]*$/.test(back) ? back : '/');

/** The generic link mechanism: `/api/v1/links` and the small forms every part's pages embed. */
export async function linkRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/links',
    {
      schema: {
        tags,
        summary: 'Live links of a record, both ways, that the reader may see',
        querystring: z.object({ kind, id: z.uuid() }).strict(),
        response: { 200: z.object({ items: z.array(linkView) }), ...errors },
      },
    },
    async (request) => ({ items: await listLinks(request.ctx(), request.query) }),
  );

  app.post(
    '/api/v1/links',
    {
      schema: {
        tags,
        summary: `Link two records (kinds: ${linkKindNames().join(', ') || 'registered by each part'})`,
        body: z
          .object({
            from: ref,
            to: ref,
            relation: z.enum(linkRelations).optional(),
            note: z.string().max(500).nullish(),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid() }), ...errors, 409: errorResponse, 422: errorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await linkRecords(request.ctx(), request.body)),
  );

  app.delete(
    '/api/v1/links/:id',
    {
      schema: {
        tags,
        summary: 'Remove a link (kept in history)',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await unlinkRecords(request.ctx(), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post('/links', { schema: { body: formBody } }, async (request, reply) => {
    const b = request.body;
    await linkRecords(request.ctx(), {
      from: { kind: b.fromKind, id: b.fromId },
      to: { kind: b.toKind, id: b.toId },
      relation: b.relation,
      note: b.note || null,
    });
    return reply.redirect(safeBack(b.back), 303);
  });

  app.post(
    '/links/:id/remove',
    {
      schema: {
        params: z.object({ id: z.uuid() }),
        body: z.object({ _csrf: z.string().optional(), back: z.string().max(500).optional() }).strict(),
      },
    },
    async (request, reply) => {
      await unlinkRecords(request.ctx(), request.params.id);
      return reply.redirect(safeBack(request.body.back), 303);
    },
  );
}

/**
 * The links of a record as a list, for any part's page; with `canEdit`, a form to link it to
 * another record by kind and id, and a button to remove each link. Works without JavaScript.
 */
export function LinkedRecords({
  request,
  links,
  from,
  canEdit,
  back,
}: {
  request: FastifyRequest;
  links: LinkView[];
  from: { kind: string; id: string };
  canEdit: boolean;
  back: string;
}): VNode {
  const l = request.locale;
  return (
    <section aria-labelledby="links-h">
      <h2 id="links-h">{t(l, 'links.title')}</h2>
      {links.length === 0 ? (
        <p>{t(l, 'links.none')}</p>
      ) : (
        <ul>
          {links.map((k) => (
            <li key={k.id}>
              {k.other.kindLabel} ({t(l, `links.relations.${k.relation}`)}):{' '}
              <a href={k.other.url}>{k.other.title}</a>
              {k.other.status ? ` — ${k.other.status}` : ''}
              {k.note ? ` — ${k.note}` : ''}
              {canEdit && (
                <form method="post" action={`/links/${k.id}/remove`} class="inline">
                  <Csrf request={request} />
                  <input type="hidden" name="back" value={back} />
                  <button type="submit">{t(l, 'links.remove')}</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form method="post" action="/links">
          <Csrf request={request} />
          <input type="hidden" name="fromKind" value={from.kind} />
          <input type="hidden" name="fromId" value={from.id} />
          <input type="hidden" name="back" value={back} />
          <label>
            {t(l, 'links.kind')}{' '}
            <select name="toKind">
              {linkKindNames().map((k) => (
                <option key={k} value={k}>
                  {linkKind(k)?.label(l) ?? k}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            {t(l, 'links.recordId')} <input name="toId" required pattern="[0-9a-fA-F\-]{36}" size={38} />
          </label>{' '}
          <label>
            {t(l, 'links.relation')}{' '}
            <select name="relation">
              {linkRelations.map((r) => (
                <option key={r} value={r}>
                  {t(l, `links.relations.${r}`)}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit">{t(l, 'links.add')}</button>
        </form>
      )}
    </section>
  );
}
