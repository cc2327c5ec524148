import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  idParams,
  readErrors,
  security,
  typed,
  uploadErrors,
  writeErrors,
} from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { pick } from '../../../core/i18n/i18n.ts';
import { invalidField, isoDate } from '../../../core/validation/input.ts';
import { actionStatuses, addressees, themes } from '../schema.ts';
import * as s from './api-schemas.ts';
import { MAX_BULK_BYTES } from './bulk-csv.ts';
import {
  actionInput,
  actionPatch,
  actionUpdateInput,
  recommendationInput,
  recommendationPatch,
} from './input.ts';
import { createAction, getAction, updateAction } from './service-actions.ts';
import { applyBulkUpdate, getBulkUpdate, previewBulkUpdate } from './service-bulk.ts';
import {
  createRecommendation,
  getRecommendation,
  listSessionOutcomes,
  updateRecommendation,
} from './service-recommendations.ts';
import { recommendationTimeline } from './service-timeline.ts';
import { allActions, listActions, type TrackerFilters, trackerSorts } from './service-tracker.ts';
import { addActionUpdate } from './service-updates.ts';

const tags = ['talks'];
const P = '/api/v1/talks';

/** The tracker's filters as a query string (the page uses the same names). */
export const trackerQuery = z
  .object({
    responsibleOrgId: z.uuid().optional(),
    responsibleGroup: z.enum(addressees).optional(),
    section: z.uuid().optional().describe("A Section: its own actions and its active members'"),
    theme: z.enum(themes).optional(),
    status: z.enum(actionStatuses).optional(),
    sessionId: z.uuid().optional(),
    recommendationId: z.uuid().optional(),
    dueBefore: isoDate.optional(),
    dueAfter: isoDate.optional(),
    overdue: z.enum(['true', 'false']).optional().describe('Past due and still open'),
    sort: z.enum(trackerSorts).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();
export type TrackerQuery = z.infer<typeof trackerQuery>;

export function trackerFiltersOf(q: TrackerQuery): TrackerFilters {
  const { overdue, ...rest } = q;
  return { ...rest, overdue: overdue === undefined ? undefined : overdue === 'true' };
}

export const exportColumns = [
  'action_id',
  'session_id',
  'recommendation_id',
  'parent_id',
  'depth',
  'text',
  'responsible_org_id',
  'responsible_org',
  'responsible_group',
  'owner',
  'status',
  'progress',
  'due_on',
  'overdue',
  'themes',
  'updated_at',
];

/** A spreadsheet would run a cell that starts with one of these as a formula. */
const neutralise = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** The filtered tracker as CSV rows, in the reader's language, a page at a time. */
export function trackerCsv(request: FastifyRequest, filters: TrackerFilters): Readable {
  const l = request.locale;
  const ctx = request.ctx();
  async function* rows() {
    yield exportColumns;
    for await (const a of allActions(ctx, filters)) {
      yield [
        a.id,
        a.sessionId,
        a.recommendationId ?? '',
        a.parentId ?? '',
        a.depth,
        neutralise(pick(a.text, l).text),
        a.responsibleOrgId ?? '',
        neutralise(
          a.responsibleOrgNames ? pick(a.responsibleOrgNames, l, a.responsibleOrgName ?? '').text : '',
        ),
        a.responsibleGroup ?? '',
        neutralise(a.ownerName ?? ''),
        a.status,
        a.progress,
        a.dueOn ?? '',
        a.overdue ? 'yes' : 'no',
        a.themes.join('|'),
        a.updatedAt,
      ];
    }
  }
  return Readable.from(rows()).pipe(stringify());
}

const csvBody = z
  .object({
    csv: z.string().max(MAX_BULK_BYTES).describe('The CSV text, UTF-8, with its header'),
    filename: z.string().max(200).optional(),
  })
  .strict()
  .nullish()
  .describe('Or a multipart upload with one file field');

/** A CSV file from a multipart upload or a JSON body `{ csv, filename }`. */
async function uploadedCsv(
  request: FastifyRequest,
  body: z.output<typeof csvBody>,
): Promise<{ filename: string; content: string | Buffer }> {
  if (request.isMultipart()) {
    const file = await request.file({ limits: { fileSize: MAX_BULK_BYTES } });
    if (!file) throw invalidField('file', 'required');
    const content = await file.toBuffer();
    return { filename: file.filename, content };
  }
  if (!body?.csv) throw invalidField('csv', 'required');
  return { filename: body.filename ?? 'progress.csv', content: body.csv };
}

/** The JSON API of recommendations, actions, their updates, the tracker and the bulk CSV update. */
export async function actionsApi(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get(
    `${P}/sessions/:id/recommendations`,
    {
      schema: {
        tags,
        summary: 'The recommendations of a session, each with its actions (parents before their children)',
        params: idParams,
        response: { 200: s.sessionOutcomes, ...readErrors },
      },
    },
    async (request) => listSessionOutcomes(request.ctx(), { sessionId: request.params.id }),
  );

  app.post(
    `${P}/sessions/:id/recommendations`,
    {
      schema: {
        tags,
        summary: 'Record a recommendation of a session (staff)',
        security,
        params: idParams,
        body: recommendationInput,
        response: { 201: s.recommendation, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createRecommendation(request.ctx(), { ...request.body, sessionId: request.params.id });
    },
  );

  app.get(
    `${P}/recommendations/:id`,
    {
      schema: {
        tags,
        summary: 'A recommendation',
        params: idParams,
        response: { 200: s.recommendation, ...readErrors },
      },
    },
    async (request) => getRecommendation(request.ctx(), { id: request.params.id }),
  );

  app.patch(
    `${P}/recommendations/:id`,
    {
      schema: {
        tags,
        summary: 'Edit a recommendation (staff), with the version last read',
        security,
        params: idParams,
        body: recommendationPatch,
        response: { 200: s.recommendation, ...writeErrors },
      },
    },
    async (request) => updateRecommendation(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.get(
    `${P}/recommendations/:id/timeline`,
    {
      schema: {
        tags,
        summary:
          'From the session that made a recommendation, through every update of its actions and the sessions that followed them up, to where it stands',
        params: idParams,
        response: { 200: s.timeline, ...readErrors },
      },
    },
    async (request) => recommendationTimeline(request.ctx(), { id: request.params.id }),
  );

  app.get(
    `${P}/actions`,
    {
      schema: {
        tags,
        summary: 'The tracker: actions across sessions, filtered, sorted, keyset-paginated',
        querystring: trackerQuery,
        response: { 200: s.trackerPage, ...readErrors },
      },
    },
    async (request) => listActions(request.ctx(), trackerFiltersOf(request.query)),
  );

  app.get(
    `${P}/actions.csv`,
    {
      schema: {
        tags,
        summary: 'The tracker as CSV (same filters, every page)',
        querystring: trackerQuery.omit({ cursor: true, limit: true }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const filters = trackerFiltersOf(request.query);
      // Check the filters (and the reader) before the answer starts.
      await listActions(request.ctx(), { ...filters, limit: 1 });
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="actions.csv"')
        .header('cache-control', 'no-store');
      return reply.send(trackerCsv(request, filters));
    },
  );

  app.post(
    `${P}/actions`,
    {
      schema: {
        tags,
        summary: 'Create an action (staff), optionally under a parent action (up to depth 2)',
        security,
        body: actionInput,
        response: { 201: s.action, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createAction(request.ctx(), request.body);
    },
  );

  app.get(
    `${P}/actions/:id`,
    {
      schema: {
        tags,
        summary: 'An action with its origin, sub-actions and updates',
        params: idParams,
        response: { 200: s.actionDetail, ...readErrors },
      },
    },
    async (request) => getAction(request.ctx(), { id: request.params.id }),
  );

  app.patch(
    `${P}/actions/:id`,
    {
      schema: {
        tags,
        summary: 'Edit an action (staff), with the version last read; status and progress change by updates',
        security,
        params: idParams,
        body: actionPatch,
        response: { 200: s.action, ...writeErrors },
      },
    },
    async (request) => updateAction(request.ctx(), { ...request.body, id: request.params.id }),
  );

  app.post(
    `${P}/actions/:id/updates`,
    {
      schema: {
        tags,
        summary:
          "Report progress (staff, or the responsible organisation's members): status along the workflow, progress 0–100, note, evidence",
        security,
        params: idParams,
        body: actionUpdateInput,
        response: { 201: s.updateResult, ...writeErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addActionUpdate(request.ctx(), { ...request.body, actionId: request.params.id });
    },
  );

  app.post(
    `${P}/actions/bulk-update`,
    {
      schema: {
        tags,
        summary:
          'Progress of many actions from CSV `action_id,status,progress,note,date` (multipart file, or JSON `{csv}`): a preview, or with `apply=true` applied at once',
        security,
        querystring: z.object({ apply: z.enum(['true', 'false']).optional() }).strict(),
        body: csvBody,
        response: { 200: s.bulkSummary, ...uploadErrors },
      },
    },
    async (request) => {
      const ctx = request.ctx();
      const preview = await previewBulkUpdate(ctx, await uploadedCsv(request, request.body));
      return request.query.apply === 'true' ? applyBulkUpdate(ctx, { id: preview.id }) : preview;
    },
  );

  app.get(
    `${P}/actions/bulk-update/:id`,
    {
      schema: {
        tags,
        summary: 'A kept CSV file: its preview now, or what it changed once applied',
        security,
        params: idParams,
        response: { 200: s.bulkSummary, ...readErrors },
      },
    },
    async (request) => getBulkUpdate(request.ctx(), { id: request.params.id }),
  );

  app.post(
    `${P}/actions/bulk-update/:id/apply`,
    {
      schema: {
        tags,
        summary: 'Apply a kept CSV file in one transaction; applying it again changes nothing',
        security,
        params: idParams,
        response: { 200: s.bulkSummary, ...writeErrors },
      },
    },
    async (request) => applyBulkUpdate(request.ctx(), { id: request.params.id }),
  );
}
