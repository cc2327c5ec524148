import { sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import type { Tx } from '../../../core/db/tx.ts';
import type { Mailer } from '../../../core/mail/mailer.ts';

/**
 * Move people up from the waitlist, oldest first, while seats are free. The caller holds the
 * session's row lock (`SELECT … FOR UPDATE`), so two cancellations or registrations at once are
 * serialised and the session is never over-filled. Each promoted person gets a mail (outbox).
 */
export async function fillFromWaitlist(
  ctx: Ctx,
  tx: Tx,
  session: { id: string; capacity: number | null; title: Record<string, string> },
  mailer?: Mailer,
): Promise<string[]> {
  const free = sql`CASE WHEN ${session.capacity}::int IS NULL THEN 2147483647
    ELSE greatest(${session.capacity}::int - (SELECT count(*) FROM talks_registrations
      WHERE session_id = ${session.id} AND status = 'registered'), 0) END`;
  const r = await tx.execute<{ id: string; user_id: string; email: string | null }>(sql`
    WITH next AS (
      SELECT id FROM talks_registrations WHERE session_id = ${session.id} AND status = 'waitlisted'
      ORDER BY queued_at, id LIMIT (${free}))
    UPDATE talks_registrations g SET status = 'registered', updated_at = ${ctx.now.toISOString()}
    FROM next WHERE g.id = next.id
    RETURNING g.id, g.user_id, (SELECT email FROM users WHERE id = g.user_id) AS email`);
  for (const row of r.rows) {
    await audit(tx, ctx, {
      action: 'promote_from_waitlist',
      entity: 'talks_registration',
      entityId: row.id,
      before: { status: 'waitlisted' },
      after: { status: 'registered', sessionId: session.id, userId: row.user_id },
    });
    if (mailer && row.email) {
      const title = session.title.en ?? Object.values(session.title)[0] ?? '';
      await mailer.enqueue(tx, {
        to: row.email,
        subject: `A seat is yours: ${title}`,
        text: `Someone cancelled, and you have moved up from the waitlist: you are now registered for "${title}".\n`,
      });
    }
  }
  return r.rows.map((x) => x.id);
}
