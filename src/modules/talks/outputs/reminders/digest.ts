import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../../core/db/tx.ts';
import { formatDate, type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import { defineUseCase } from '../../../../core/module/use-case.ts';
import { requireActor } from '../../../../core/policy/policy.ts';
import type { I18nText } from '../../../../core/validation/input.ts';
import { checkRead, checkWrite } from '../../sessions/access.ts';
import { stripKeyMarkers } from '../../sessions/key-messages.ts';

/** The weekly digest: sessions of the coming two weeks, and the open actions of the reader's organisations. */

const DIGEST_DAYS = 14;

/** ISO 8601 week of a date, e.g. `2026-W48` (the digest is sent once per week). */
export function isoWeek(d: Date): string {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = x.getUTCDay() || 7;
  x.setUTCDate(x.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(x.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((x.getTime() - yearStart) / 86400_000 + 1) / 7);
  return `${x.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export interface Digest {
  sessions: { id: string; title: string; when: string }[];
  actions: { id: string; text: string; dueOn: string; overdue: boolean; progress: number }[];
  text(baseUrl: string): string;
}

export async function digestFor(db: DbOrTx, userId: string, now: Date, l: Locale): Promise<Digest> {
  const until = new Date(now.getTime() + DIGEST_DAYS * 86400_000);
  const today = now.toISOString().slice(0, 10);
  const [s, a] = await Promise.all([
    db.execute<{ id: string; title: I18nText; startsAt: string; timezone: string }>(sql`
      SELECT id, title, starts_at AS "startsAt", timezone FROM talks_sessions
      WHERE status = 'scheduled' AND starts_at > ${now.toISOString()} AND starts_at <= ${until.toISOString()}
      ORDER BY starts_at, id LIMIT 20`),
    db.execute<{ id: string; text: I18nText; dueOn: string; progress: number }>(sql`
      SELECT a.id, a.text, a.due_on AS "dueOn", a.progress FROM talks_actions a
      JOIN talks_sessions s ON s.id = a.session_id
      WHERE a.responsible_org_id IN (SELECT scope_org_id FROM user_roles WHERE user_id = ${userId} AND scope_org_id IS NOT NULL)
        AND a.status NOT IN ('done', 'dropped') AND a.due_on IS NOT NULL
        AND a.due_on <= ${until.toISOString().slice(0, 10)}::date
        AND (s.status = 'published' OR EXISTS (SELECT 1 FROM talks_participants p
          WHERE p.session_id = s.id AND p.organisation_id = a.responsible_org_id))
      ORDER BY a.due_on, a.id LIMIT 30`),
  ]);
  const sessions = s.rows.map((x) => ({
    id: x.id,
    title: pick(x.title, l).text,
    when: formatDate(l, new Date(x.startsAt), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: x.timezone,
    }),
  }));
  const actions = a.rows.map((x) => ({
    id: x.id,
    text: stripKeyMarkers(pick(x.text, l).text),
    dueOn: x.dueOn,
    overdue: x.dueOn < today,
    progress: x.progress,
  }));
  const k = (key: string, o?: Record<string, unknown>) => t(l, `talksOutputs.reminders.${key}`, o);
  return {
    sessions,
    actions,
    text: (baseUrl) =>
      [
        sessions.length
          ? `${k('digestSessions')}\n${sessions.map((x) => `- ${x.when}: ${x.title}\n  ${baseUrl}/talks/sessions/${x.id}`).join('\n')}`
          : '',
        actions.length
          ? `${k('digestActions')}\n${actions
              .map(
                (x) =>
                  `- ${x.overdue ? `${k('overdue')} ` : ''}${x.dueOn} (${x.progress}%): ${x.text}\n  ${baseUrl}/talks/actions/${x.id}`,
              )
              .join('\n')}`
          : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
  };
}

/** The signed-in reader's own digest choice (readers who are not signed in have none). */
const signedInReader = (ctx: Parameters<typeof checkRead>[0]) => {
  checkRead(ctx);
  requireActor(ctx);
};

export const getDigestSubscription = defineUseCase({
  name: 'talks.getDigestSubscription',
  kind: 'read',
  allow: signedInReader,
  input: z.object({}).strict(),
  run: async ({ ctx }): Promise<{ weekly: boolean }> => {
    const actor = requireActor(ctx);
    const r = await ctx.db.execute<{ weekly: boolean }>(
      sql`SELECT weekly FROM talks_digest_subscriptions WHERE user_id = ${actor.userId}`,
    );
    return { weekly: r.rows[0]?.weekly ?? false };
  },
});

/** What this week's digest would hold for the signed-in reader, in their language. */
export const previewDigest = defineUseCase({
  name: 'talks.previewDigest',
  kind: 'read',
  allow: signedInReader,
  input: z.object({}).strict(),
  run: ({ ctx }) => digestFor(ctx.db, requireActor(ctx).userId, ctx.now, ctx.locale),
});

export const subscriptionInput = z.object({ weekly: z.boolean() }).strict();

/** Opt in to (or out of) the weekly digest, for oneself. */
export const setDigestSubscription = defineUseCase({
  name: 'talks.setDigestSubscription',
  kind: 'write',
  audit: 'talks_digest_subscription',
  allow: checkWrite,
  input: subscriptionInput,
  run: async (uc): Promise<{ weekly: boolean }> => {
    const { ctx, input: f } = uc;
    const actor = checkWrite(ctx);
    const before = await ctx.db.execute<{ weekly: boolean }>(
      sql`SELECT weekly FROM talks_digest_subscriptions WHERE user_id = ${actor.userId} FOR UPDATE`,
    );
    await ctx.db.execute(sql`
      INSERT INTO talks_digest_subscriptions (user_id, weekly, updated_at) VALUES (${actor.userId}, ${f.weekly}, ${ctx.now.toISOString()})
      ON CONFLICT (user_id) DO UPDATE SET weekly = EXCLUDED.weekly, updated_at = EXCLUDED.updated_at`);
    await uc.audit({
      action: 'update',
      entityId: actor.userId,
      before: before.rows[0] ?? null,
      after: { weekly: f.weekly },
    });
    return { weekly: f.weekly };
  },
});
