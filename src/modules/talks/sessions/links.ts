import { sql } from 'drizzle-orm';
import { AppError } from '../../../core/errors.ts';
import { pick, t } from '../../../core/i18n/i18n.ts';
import type { LinkKind } from '../../../core/links/registry.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { visibleSessionSql } from './visibility.ts';

/** Sessions as ends of generic links (an action's follow-up session, a campaign's launch, …). */
export const sessionLinkKind: LinkKind = {
  kind: 'talks.session',
  async load(db, ctx, ids) {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (valid.length === 0) return [];
    const r = await db.execute<{
      id: string;
      title: Record<string, string>;
      status: string;
      starts_at: Date;
    }>(sql`
        SELECT s.id, s.title, s.status, s.starts_at FROM talks_sessions s
        WHERE s.id = ANY(${`{${valid.join(',')}}`}::uuid[]) AND ${visibleSessionSql(ctx.actor)}`);
    return r.rows.map((s) => ({
      id: s.id,
      title: `${pick(s.title, ctx.locale).text} (${new Date(s.starts_at).toISOString().slice(0, 10)})`,
      url: `/talks/sessions/${s.id}`,
      status: t(ctx.locale, `talks.status.${s.status}`),
    }));
  },
  async assertCanLink(_db, ctx) {
    if (!isStaff(ctx.actor)) throw new AppError('forbidden');
  },
  label: (locale) => t(locale, 'talks.session.kind'),
};
