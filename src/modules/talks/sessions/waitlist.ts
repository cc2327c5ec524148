import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { isLocale, pick, t } from '../../../core/i18n/i18n.ts';
import type { Mailer } from '../../../core/mail/mailer.ts';
import type { UseCaseRun } from '../../../core/module/use-case.ts';

/** What a change needs to tell people: the outbox, and the address of the platform for links. */
export interface MailDeps {
  mailer?: Mailer;
  baseUrl?: string;
}

/**
 * The mail services, passed in a use case's input by the API and the pages (`mail`): the kit's
 * context holds no services, and the promotion mails go to the outbox in the use case's transaction.
 */
export const mailDeps = z
  .custom<MailDeps>((v) => typeof v === 'object' && v !== null, { message: 'invalid' })
  .optional();

/**
 * Move people up from the waitlist, oldest first, while seats are free. The caller holds the
 * session's row lock (`SELECT … FOR UPDATE`) in its use case's transaction, so two cancellations
 * or registrations at once are serialised and the session is never over-filled. Each promotion is
 * audited, and each promoted person gets a mail (outbox).
 */
export async function fillFromWaitlist(
  uc: Pick<UseCaseRun<unknown>, 'ctx' | 'audit'>,
  session: { id: string; capacity: number | null; title: Record<string, string> },
  deps: MailDeps = {},
): Promise<string[]> {
  const { ctx } = uc;
  const tx = ctx.db;
  const free = sql`CASE WHEN ${session.capacity}::int IS NULL THEN 2147483647
    ELSE greatest(${session.capacity}::int - (SELECT count(*) FROM talks_registrations
      WHERE session_id = ${session.id} AND status = 'registered'), 0) END`;
  const r = await tx.execute<{
    id: string;
    user_id: string;
    email: string | null;
    locale: string | null;
  }>(sql`
    WITH next AS (
      SELECT id FROM talks_registrations WHERE session_id = ${session.id} AND status = 'waitlisted'
      ORDER BY queued_at, id LIMIT (${free}))
    UPDATE talks_registrations g SET status = 'registered', updated_at = ${ctx.now.toISOString()}
    FROM next WHERE g.id = next.id
    RETURNING g.id, g.user_id, (SELECT email FROM users WHERE id = g.user_id) AS email,
      (SELECT locale FROM users WHERE id = g.user_id) AS locale`);
  for (const row of r.rows) {
    await uc.audit({
      action: 'promote_from_waitlist',
      entity: 'talks_registration',
      entityId: row.id,
      before: { status: 'waitlisted' },
      after: { status: 'registered', sessionId: session.id, userId: row.user_id },
    });
    if (deps.mailer && row.email) {
      // In the language the person chose for mail, with the session's title in it when there is one.
      const locale = isLocale(row.locale) ? row.locale : 'en';
      const title = pick(session.title, locale).text;
      await deps.mailer.enqueue(tx, {
        to: row.email,
        subject: t(locale, 'talks.mail.promotedSubject', { title }),
        text: `${t(locale, 'talks.mail.promotedBody', { title, url: `${deps.baseUrl ?? ''}/talks/sessions/${session.id}` })}\n`,
      });
    }
  }
  return r.rows.map((x) => x.id);
}
