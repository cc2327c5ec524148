import { z } from 'zod';
import { actionStatuses, addressees, themes } from '../schema.ts';

/** Response schemas of the recommendations and actions API (what the OpenAPI document shows). */

const i18n = z.record(z.string(), z.string());
const iso = z.string().describe('ISO 8601 time in UTC');
const day = z.string().describe('Date, YYYY-MM-DD');

export const action = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  recommendationId: z.uuid().nullable(),
  parentId: z.uuid().nullable(),
  depth: z.number().int().describe('0 for a top-level action, up to 2'),
  position: z.number().int(),
  text: i18n.describe('`**…**` marks a key message'),
  responsibleOrgId: z.uuid().nullable(),
  responsibleOrgName: z.string().nullable(),
  responsibleOrgNames: i18n.nullable(),
  responsibleGroup: z.enum(addressees).nullable().describe('A whole group of addressees, e.g. `lrgs`'),
  ownerPersonId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  status: z.enum(actionStatuses),
  dueOn: day.nullable(),
  progress: z.number().int().min(0).max(100).describe("A parent's is rolled up from its children"),
  weight: z.number(),
  rollup: z.enum(['weighted', 'plain']),
  themes: z.array(z.enum(themes)),
  followUpSessionId: z.uuid().nullable(),
  overdue: z.boolean(),
  childCount: z.number().int(),
  version: z.number().int().describe('Send it back with a change: a newer version gives `conflict`'),
  createdAt: iso,
  updatedAt: iso,
});

export const orgRef = z.object({ id: z.uuid(), name: z.string(), names: i18n });

export const recommendation = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  position: z.number().int(),
  text: i18n,
  addressees: z.array(z.enum(addressees)),
  themes: z.array(z.enum(themes)),
  sources: z.array(orgRef).describe('The organisations it comes from'),
  version: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
});

export const actionUpdate = z.object({
  id: z.uuid(),
  actionId: z.uuid(),
  sessionId: z.uuid().nullable().describe('The (follow-up) session it was reported in'),
  happenedOn: day,
  statusFrom: z.enum(actionStatuses).nullable(),
  statusTo: z.enum(actionStatuses).nullable(),
  progressFrom: z.number().int().nullable(),
  progressTo: z.number().int().nullable(),
  note: i18n.nullable(),
  evidenceUrl: z.string().nullable(),
  source: z.string(),
  createdBy: z.uuid().nullable(),
  createdByName: z.string().nullable(),
  createdAt: iso,
});

const sessionRef = z.object({ id: z.uuid(), title: i18n, startsAt: iso, status: z.string() });

export const actionDetail = z.object({
  action,
  session: sessionRef,
  recommendation: z.object({ id: z.uuid(), text: i18n }).nullable(),
  parent: z.object({ id: z.uuid(), text: i18n }).nullable(),
  children: z.array(action),
  updates: z.array(actionUpdate).describe('Newest first; never edited'),
  followUpSession: sessionRef.nullable(),
  permissions: z.object({ edit: z.boolean(), report: z.boolean() }),
});

export const sessionOutcomes = z.object({
  session: sessionRef,
  recommendations: z.array(recommendation.extend({ actions: z.array(action) })),
  otherActions: z.array(action),
  contentVisible: z.boolean().describe('False while the session is not published (for the public)'),
  canEdit: z.boolean(),
});

export const trackerPage = z.object({
  items: z.array(action),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page'),
});

export const updateResult = z.object({
  update: actionUpdate,
  action,
  rolledUp: z.array(z.object({ id: z.uuid(), from: z.number().int(), to: z.number().int() })),
});

const timelineSession = sessionRef;
export const timeline = z.object({
  recommendation,
  session: timelineSession,
  events: z.array(
    z.union([
      z.object({ kind: z.literal('made'), date: day, session: timelineSession }),
      z.object({
        kind: z.literal('follow_up'),
        date: day,
        session: timelineSession,
        actionIds: z.array(z.uuid()),
      }),
      z.object({
        kind: z.literal('update'),
        date: day,
        actionId: z.uuid(),
        actionText: i18n,
        statusFrom: z.enum(actionStatuses).nullable(),
        statusTo: z.enum(actionStatuses).nullable(),
        progressFrom: z.number().int().nullable(),
        progressTo: z.number().int().nullable(),
        note: i18n.nullable(),
        evidenceUrl: z.string().nullable(),
        session: timelineSession.nullable(),
      }),
    ]),
  ),
  actions: z.array(action),
  result: z.object({
    progress: z.number().int().nullable(),
    byStatus: z.record(z.string(), z.number().int()),
    completed: z.boolean(),
  }),
});

export const bulkSummary = z.object({
  id: z.uuid().describe('The kept file: apply it with POST …/bulk-update/{id}/apply'),
  filename: z.string(),
  sha256: z.string(),
  createdAt: iso,
  appliedAt: iso.nullable(),
  changes: z.array(
    z.object({
      line: z.number().int(),
      actionId: z.uuid(),
      actionText: i18n,
      statusFrom: z.enum(actionStatuses).nullable(),
      statusTo: z.enum(actionStatuses).nullable(),
      progressFrom: z.number().int().nullable(),
      progressTo: z.number().int().nullable(),
      note: z.string().nullable(),
      date: day,
    }),
  ),
  unchanged: z.array(z.number().int()).describe('Lines that match what is recorded already'),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  rolledUp: z.number().int(),
});
