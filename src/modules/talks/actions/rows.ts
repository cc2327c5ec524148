import { type SQL, sql } from 'drizzle-orm';
import { type I18nText, invalidField } from '../../../core/validation/input.ts';
import { joinOrganisation, joinPerson } from '../../directory/index.ts';
import type { ActionStatus, Addressee, Theme } from '../schema.ts';

/** Row shapes the recommendations and actions use cases return, and the SQL that selects them. */

export type OrgRef = {
  id: string;
  name: string;
  names: I18nText;
};

export type Action = {
  id: string;
  sessionId: string;
  recommendationId: string | null;
  parentId: string | null;
  depth: number;
  position: number;
  text: I18nText;
  responsibleOrgId: string | null;
  responsibleOrgName: string | null;
  responsibleOrgNames: I18nText | null;
  responsibleGroup: Addressee | null;
  ownerPersonId: string | null;
  ownerName: string | null;
  status: ActionStatus;
  dueOn: string | null;
  progress: number;
  weight: number;
  rollup: 'weighted' | 'plain';
  themes: Theme[];
  followUpSessionId: string | null;
  /** Past its due date and still open. */
  overdue: boolean;
  childCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type Recommendation = {
  id: string;
  sessionId: string;
  position: number;
  text: I18nText;
  addressees: Addressee[];
  themes: Theme[];
  sources: OrgRef[];
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type ActionUpdate = {
  id: string;
  actionId: string;
  sessionId: string | null;
  happenedOn: string;
  statusFrom: ActionStatus | null;
  statusTo: ActionStatus | null;
  progressFrom: number | null;
  progressTo: number | null;
  note: I18nText | null;
  evidenceUrl: string | null;
  source: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: string;
};

export function isoTime(col: SQL): SQL {
  return sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Today in UTC as the date overdue is measured against. */
export const today = (now: Date) => now.toISOString().slice(0, 10);

/** Columns of an action from alias `a`, with its responsible organisation `ro` and owner `op` joined. */
export function actionColumns(now: Date): SQL {
  return sql`a.id, a.session_id AS "sessionId", a.recommendation_id AS "recommendationId",
    a.parent_id AS "parentId", a.depth, a.position, a.text,
    a.responsible_org_id AS "responsibleOrgId", ro.name AS "responsibleOrgName", ro.names AS "responsibleOrgNames",
    a.responsible_group AS "responsibleGroup", a.owner_person_id AS "ownerPersonId", op.name AS "ownerName",
    a.status, a.due_on::text AS "dueOn", a.progress, a.weight, a.rollup, a.themes,
    a.follow_up_session_id AS "followUpSessionId",
    (a.due_on IS NOT NULL AND a.due_on < ${today(now)}::date
      AND a.status IN ('proposed', 'accepted', 'in_progress', 'deferred')) AS overdue,
    (SELECT count(*)::int FROM talks_actions c WHERE c.parent_id = a.id) AS "childCount",
    a.version, ${isoTime(sql`a.created_at`)} AS "createdAt", ${isoTime(sql`a.updated_at`)} AS "updatedAt"`;
}

export const actionJoins = sql`${joinOrganisation('ro', sql`a.responsible_org_id`)}
  ${joinPerson('op', sql`a.owner_person_id`)}`;

export const recommendationColumns = sql`r.id, r.session_id AS "sessionId", r.position, r.text, r.addressees, r.themes,
  COALESCE((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'names', o.names) ORDER BY o.name)
    FROM talks_recommendation_sources rs ${joinOrganisation('o', sql`rs.organisation_id`, { inner: true })}
    WHERE rs.recommendation_id = r.id), '[]'::json) AS sources,
  r.version, ${isoTime(sql`r.created_at`)} AS "createdAt", ${isoTime(sql`r.updated_at`)} AS "updatedAt"`;

export const updateColumns = sql`u.id, u.action_id AS "actionId", u.session_id AS "sessionId",
  u.happened_on::text AS "happenedOn", u.status_from AS "statusFrom", u.status_to AS "statusTo",
  u.progress_from AS "progressFrom", u.progress_to AS "progressTo", u.note, u.evidence_url AS "evidenceUrl",
  u.source, u.created_by AS "createdBy", (SELECT name FROM users WHERE users.id = u.created_by) AS "createdByName",
  ${isoTime(sql`u.created_at`)} AS "createdAt"`;

/** Opaque keyset cursor: the sort key of the last row seen. */
export function encodeCursor(key: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number | null)[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === arity &&
      v.every((x) => x === null || typeof x === 'string' || typeof x === 'number')
    )
      return v;
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'invalid', 'invalid cursor');
}
