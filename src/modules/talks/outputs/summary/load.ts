import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../../core/context.ts';
import { AppError } from '../../../../core/errors.ts';
import {
  formatDate,
  isLocale,
  type Locale,
  localeNames,
  locales,
  pick,
  t,
} from '../../../../core/i18n/i18n.ts';
import { defineUseCase } from '../../../../core/module/use-case.ts';
import type { I18nText } from '../../../../core/validation/input.ts';
import { joinOrganisation, joinPerson } from '../../../directory/index.ts';
import type { ActionStatus, Addressee, SessionStatus } from '../../schema.ts';
import { checkRead } from '../../sessions/access.ts';
import { splitKeyMessages } from '../../sessions/key-messages.ts';
import { contentVisibleSql } from '../../sessions/visibility.ts';
import type {
  ActionGroup,
  NarrativePart,
  Paragraph,
  Shown,
  SummaryAction,
  SummaryModel,
  SummaryOrg,
} from './model.ts';

type SessionRow = {
  id: string;
  status: SessionStatus;
  title: I18nText;
  subtitle: I18nText | null;
  summary: I18nText | null;
  startsAt: string | Date;
  timezone: string;
  seriesTitle: I18nText;
};

type OrgCols = {
  orgId: string | null;
  orgName: string | null;
  orgNames: I18nText | null;
  acronym: string | null;
  personName: string | null;
};

type ActionRow = OrgCols & {
  id: string;
  parentId: string | null;
  text: I18nText;
  responsibleGroup: Addressee | null;
  status: ActionStatus;
  progress: number;
  dueOn: string | null;
};

const uuid = z.uuid();

/** Paragraphs of a text: blank lines separate them; a key message may not cross one. */
export function paragraphsOf(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const block of text.split(/\n[ \t]*\n/)) {
    const runs = splitKeyMessages(block.replace(/\s*\n\s*/g, ' ').trim()).filter((r) => r.text !== '');
    if (runs.length) out.push(runs);
  }
  return out;
}

function orgOf(locale: Locale, r: OrgCols): SummaryOrg | null {
  if (r.orgId) {
    const name = pick(r.orgNames, locale, r.orgName ?? '').text;
    const label = r.acronym && !name.includes(r.acronym) ? `${name} (${r.acronym})` : name;
    return { id: r.orgId, name, acronym: r.acronym, label };
  }
  return null;
}

const speakerOf = (locale: Locale, r: OrgCols) => orgOf(locale, r)?.label ?? r.personName ?? null;

/** The public summary of a session as data, in `lang` (the reader's language when not given). */
export const getSummary = defineUseCase({
  name: 'talks.getSummary',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: z.string(), lang: z.enum(locales).optional() }),
  run: ({ ctx, input }) => loadSummary(ctx, input.id, input.lang ?? ctx.locale),
});

/**
 * The public summary of a session in `locale`, from its structured data: the session, its hosts
 * and partners, the summary and contributions as the narrative, the recommendations and the
 * actions grouped by whom they are for. Content is read only where `contentVisibleSql` allows it
 * (the public: published sessions; staff and those taking part: also before), else `not_found`,
 * so an unpublished session is not revealed.
 */
export async function loadSummary(ctx: Ctx, sessionId: string, locale: Locale): Promise<SummaryModel> {
  if (!uuid.safeParse(sessionId).success) throw new AppError('not_found', { resource: 'session' });
  const db = ctx.db;
  const s = await db.execute<SessionRow>(sql`
    SELECT s.id, s.status, s.title, s.subtitle, s.summary, s.starts_at AS "startsAt", s.timezone,
      ser.title AS "seriesTitle"
    FROM talks_sessions s JOIN talks_series ser ON ser.id = s.series_id
    WHERE s.id = ${sessionId} AND ${contentVisibleSql(ctx.actor)}`);
  const session = s.rows[0];
  if (!session) throw new AppError('not_found', { resource: 'session' });

  const orgCols = sql`o.id AS "orgId", o.name AS "orgName", o.names AS "orgNames", o.acronym,
    pe.name AS "personName"`;
  const [participants, contributions, recommendations, actions] = await Promise.all([
    db.execute<OrgCols & { role: string }>(sql`
      SELECT p.role, ${orgCols} FROM talks_participants p
      ${joinOrganisation('o', sql`p.organisation_id`)} ${joinPerson('pe', sql`p.person_id`)}
      WHERE p.session_id = ${sessionId} AND p.role IN ('host', 'partner')
      ORDER BY p.position, coalesce(o.name, pe.name), p.id`),
    db.execute<OrgCols & { id: string; body: I18nText; speakerLabel: I18nText | null }>(sql`
      SELECT c.id, c.body, c.speaker_label AS "speakerLabel", ${orgCols} FROM talks_contributions c
      ${joinOrganisation('o', sql`c.organisation_id`)} ${joinPerson('pe', sql`c.person_id`)}
      WHERE c.session_id = ${sessionId}
      ORDER BY c.position, c.created_at, c.id`),
    db.execute<{
      id: string;
      text: I18nText;
      sources: { name: string; names: I18nText; acronym: string | null }[];
    }>(sql`
      SELECT r.id, r.text,
        coalesce((SELECT json_agg(json_build_object('name', o.name, 'names', o.names, 'acronym', o.acronym) ORDER BY o.name)
          FROM talks_recommendation_sources rs ${joinOrganisation('o', sql`rs.organisation_id`, { inner: true })}
          WHERE rs.recommendation_id = r.id), '[]'::json) AS sources
      FROM talks_recommendations r WHERE r.session_id = ${sessionId}
      ORDER BY r.position, r.created_at, r.id`),
    db.execute<ActionRow>(sql`
      SELECT a.id, a.parent_id AS "parentId", a.text, a.responsible_group AS "responsibleGroup",
        a.status, a.progress, a.due_on AS "dueOn", o.id AS "orgId", o.name AS "orgName",
        o.names AS "orgNames", o.acronym, NULL AS "personName"
      FROM talks_actions a ${joinOrganisation('o', sql`a.responsible_org_id`)}
      WHERE a.session_id = ${sessionId}
      ORDER BY a.depth, a.position, a.created_at, a.id`),
  ]);

  let fallbackCount = 0;
  const shown = (values: I18nText | null | undefined): { text: string } & Shown => {
    const v = pick(values, locale);
    const fallback = v.fallback && v.lang !== 'und';
    if (fallback) fallbackCount++;
    return {
      text: v.text,
      lang: v.lang,
      fallback,
      note: fallback
        ? t(locale, 'content.fallback', { lang: localeNames[v.lang as Locale] ?? v.lang })
        : null,
    };
  };
  const withParagraphs = (values: I18nText | null) => {
    const { text, ...rest } = shown(values);
    return { ...rest, paragraphs: paragraphsOf(text) };
  };

  const hosts: SummaryOrg[] = [];
  const partners: SummaryOrg[] = [];
  for (const p of participants.rows) {
    const org = orgOf(locale, p) ?? (p.personName ? orgLike(p.personName) : null);
    if (org) (p.role === 'host' ? hosts : partners).push(org);
  }

  const narrative: NarrativePart[] = [];
  if (session.summary && Object.keys(session.summary).length) {
    narrative.push({ id: session.id, kind: 'summary', speaker: null, ...withParagraphs(session.summary) });
  }
  for (const c of contributions.rows) {
    const speaker = c.speakerLabel ? pick(c.speakerLabel, locale).text : speakerOf(locale, c);
    narrative.push({ id: c.id, kind: 'contribution', speaker, ...withParagraphs(c.body) });
  }

  const recs = recommendations.rows.map((r) => ({
    id: r.id,
    ...withParagraphs(r.text),
    sources: r.sources.map((o) => {
      const name = pick(o.names, locale, o.name).text;
      return o.acronym && !name.includes(o.acronym) ? `${name} (${o.acronym})` : name;
    }),
  }));

  const actionGroups = groupActions(locale, actions.rows, (a) => ({
    id: a.id,
    ...withParagraphs(a.text),
    status: a.status,
    statusLabel: t(locale, `talksOutputs.actionStatus.${a.status}`),
    progress: a.progress,
    dueOn: a.dueOn,
    children: [],
  }));

  const title = shown(session.title);
  const subtitle = session.subtitle && Object.keys(session.subtitle).length ? shown(session.subtitle) : null;
  // UCLG writes English dates the British way ("1 April 2022"), as the founding document does.
  const dateLabel = formatDate((locale === 'en' ? 'en-GB' : locale) as Locale, new Date(session.startsAt), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: session.timezone,
  });

  return {
    sessionId: session.id,
    status: session.status,
    locale,
    languages: contentLanguages([
      session.title,
      session.subtitle,
      session.summary,
      ...contributions.rows.map((c) => c.body),
      ...recommendations.rows.map((r) => r.text),
      ...actions.rows.map((a) => a.text),
    ]),
    seriesTitle: pick(session.seriesTitle, locale).text,
    title,
    subtitle,
    startsAt: new Date(session.startsAt).toISOString(),
    timezone: session.timezone,
    dateLabel,
    hosts,
    partners,
    narrative,
    recommendations: recs,
    actionGroups,
    fallbackCount,
    labels: {
      heading: t(locale, 'talksOutputs.summary.heading', { date: dateLabel }),
      hosts: t(locale, 'talksOutputs.summary.hosts'),
      partners: t(locale, 'talksOutputs.summary.partners'),
      recommendations: t(locale, 'talksOutputs.summary.recommendations'),
      languages: t(locale, 'talksOutputs.summary.languages'),
      due: t(locale, 'talksOutputs.summary.due'),
      progress: t(locale, 'talksOutputs.summary.progress'),
      fromWhom: t(locale, 'talksOutputs.summary.fromWhom'),
      colon: t(locale, 'talksOutputs.summary.colon'),
      draftNotice:
        session.status === 'published'
          ? null
          : t(locale, 'talksOutputs.summary.draftNotice', {
              status: t(locale, `talksOutputs.sessionStatus.${session.status}`),
            }),
    },
  };
}

const orgLike = (name: string): SummaryOrg => ({ id: '', name, acronym: null, label: name });

/** Languages some part is written in, in the platform's order (others are not offered). */
function contentLanguages(values: (I18nText | null)[]): Locale[] {
  const seen = new Set<string>();
  for (const v of values) if (v) for (const [k, text] of Object.entries(v)) if (text) seen.add(k);
  return locales.filter((l) => seen.has(l) && isLocale(l));
}

/**
 * Top-level actions grouped by whom they are for ("For action by LRGs", "For action by CIDOB"),
 * groups in the order of their first action; nested actions stay under their parent.
 */
function groupActions(
  locale: Locale,
  rows: ActionRow[],
  item: (a: ActionRow) => SummaryAction,
): ActionGroup[] {
  const byId = new Map<string, SummaryAction>();
  const groups = new Map<string, ActionGroup>();
  // Rows come ordered by depth, so a parent is always seen before its children.
  for (const a of rows) {
    const it = item(a);
    byId.set(a.id, it);
    const parent = a.parentId ? byId.get(a.parentId) : undefined;
    if (parent) {
      parent.children.push(it);
      continue;
    }
    const who = a.orgId
      ? (orgOf(locale, a)?.label ?? '')
      : a.responsibleGroup
        ? t(locale, `talksOutputs.groups.${a.responsibleGroup}`)
        : t(locale, 'talksOutputs.groups.unassigned');
    const key = a.orgId ?? a.responsibleGroup ?? '';
    let g = groups.get(key);
    if (!g) {
      g = { heading: t(locale, 'talksOutputs.summary.forActionBy', { who }), actions: [] };
      groups.set(key, g);
    }
    g.actions.push(it);
  }
  return [...groups.values()];
}
