import { sql } from 'drizzle-orm';
import { sqlUuids } from '../../core/db/sql-arrays.ts';
import { AppError } from '../../core/errors.ts';
import { t } from '../../core/i18n/i18n.ts';
import type { LinkKind } from '../../core/links/registry.ts';
import { joinOrganisation } from '../directory/index.ts';
import { actsFor, isCentre } from './access.ts';

/**
 * An aid appeal (a need) can be linked from other records, e.g. an action of a Peace Talks
 * session. Needs are public, so every reader may see the link's end; the community's members
 * and the centre may link it.
 */
export const needLinkKind: LinkKind = {
  kind: 'aid.need',
  async load(db, ctx, ids) {
    const r = await db.execute<{ id: string; item: string; name: string; status: string }>(sql`
      SELECT n.id, n.item, o.name, n.status FROM aid_needs n ${joinOrganisation('o', sql`n.community_org_id`, { inner: true })}
      WHERE n.id = ANY(${sqlUuids(ids)})`);
    return r.rows.map((n) => ({
      id: n.id,
      title: `${n.item} — ${n.name}`,
      url: `/aid/needs/${n.id}`,
      status: t(ctx.locale, `aid.needStatus.${n.status}`),
    }));
  },
  async assertCanLink(db, ctx, id) {
    const r = await db.execute<{ community_org_id: string }>(
      sql`SELECT community_org_id FROM aid_needs WHERE id = ${id}`,
    );
    const orgId = r.rows[0]?.community_org_id;
    if (!orgId) throw new AppError('not_found', { resource: 'need' });
    if (!isCentre(ctx.actor) && !actsFor(ctx.actor, orgId)) throw new AppError('forbidden');
  },
  label: (locale) => t(locale, 'aid.linkKind'),
};
