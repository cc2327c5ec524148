import { sql } from 'drizzle-orm';
import { AppError } from '../../../core/errors.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import type { LinkKind } from '../../../core/links/registry.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import type { I18nText } from '../../../core/validation/input.ts';
import { stripKeyMarkers } from '../sessions/key-messages.ts';
import { contentVisibleSql } from '../sessions/visibility.ts';
import { canReport, uuidArray } from './access.ts';
import { actionVisibleSql } from './service-actions.ts';

const short = (text: string) => {
  const plain = stripKeyMarkers(text).replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}…` : plain;
};
const validIds = (ids: string[]) => ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));

/**
 * Actions and recommendations as ends of the kernel's generic links: an action links to the aid
 * need, the campaign or the twinning that carries it out. Staff link anything; the responsible
 * organisation's members link their own actions.
 */
export const actionLinkKind: LinkKind = {
  kind: 'talks.action',
  label: (l) => t(l, 'talksActions.kinds.action'),
  async load(db, ctx, ids) {
    const valid = validIds(ids);
    if (valid.length === 0) return [];
    const r = await db.execute<{ id: string; text: I18nText; status: string }>(sql`
        SELECT a.id, a.text, a.status FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
        WHERE a.id = ANY(${uuidArray(valid)}) AND ${actionVisibleSql(ctx.actor)}`);
    return r.rows.map((a) => ({
      id: a.id,
      title: short(pick(a.text, ctx.locale).text),
      url: `/talks/actions/${a.id}`,
      status: t(ctx.locale, `talksActions.status.${a.status}`),
    }));
  },
  async assertCanLink(db, ctx, id) {
    if (isStaff(ctx.actor)) return;
    const r = await db.execute<{ responsible_org_id: string | null }>(
      sql`SELECT responsible_org_id FROM talks_actions WHERE id = ${id}`,
    );
    if (!r.rows[0] || !canReport(ctx.actor, r.rows[0].responsible_org_id)) throw new AppError('forbidden');
  },
};

/** Recommendations: staff link them. */
export const recommendationLinkKind: LinkKind = {
  kind: 'talks.recommendation',
  label: (l) => t(l, 'talksActions.kinds.recommendation'),
  async load(db, ctx, ids) {
    const valid = validIds(ids);
    if (valid.length === 0) return [];
    const r = await db.execute<{ id: string; text: I18nText }>(sql`
        SELECT r.id, r.text FROM talks_recommendations r JOIN talks_sessions s ON s.id = r.session_id
        WHERE r.id = ANY(${uuidArray(valid)}) AND ${contentVisibleSql(ctx.actor)}`);
    return r.rows.map((x) => ({
      id: x.id,
      title: short(pick(x.text, ctx.locale).text),
      url: `/talks/recommendations/${x.id}`,
    }));
  },
  async assertCanLink(_db, ctx) {
    if (!isStaff(ctx.actor)) throw new AppError('forbidden');
  },
};
