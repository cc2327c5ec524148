import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, inTransaction } from '../../../../core/db/tx.ts';
import { formatDate, isLocale, type Locale, pick, t } from '../../../../core/i18n/i18n.ts';
import type { Jobs } from '../../../../core/jobs/jobs.ts';
import type { Mailer } from '../../../../core/mail/mailer.ts';
import type { I18nText } from '../../../../core/validation/input.ts';
import { joinOrganisation } from '../../../directory/index.ts';
import { stripKeyMarkers } from '../../sessions/key-messages.ts';
import { digestFor, isoWeek } from './digest.ts';

/**
 * The reminder sweep, run every quarter of an hour by a scheduled job (and by
 * `peacetalks talks remind`): mail to registrants before a session, to the responsible
 * organisation's users before and after an action is due, and the weekly digest to those who
 * chose it. Each reminder goes once: the sweep first claims `(kind, subject, user)` in
 * `talks_reminders_sent` (ON CONFLICT DO NOTHING) and writes the mail to the outbox in the same
 * transaction, so two sweeps at once, or a sweep run again, send nothing twice, and a sweep that
 * fails sends nothing and leaves the reminder to the next one.
 */

export const REMINDERS_QUEUE = 'talks.reminders';
export const REMINDERS_CRON = '*/15 * * * *';

/** How long before a session its registrants are reminded. */
export const SESSION_NOTICE_HOURS = 48;
/** How many days before its due date an action is announced. */
export const ACTION_NOTICE_DAYS = 7;
/** Overdue actions are reminded once, if they fell due within this many days (not years-old ones). */
export const OVERDUE_WINDOW_DAYS = 30;

export interface SweepDeps {
  db: DbOrTx;
  mailer: Mailer;
  jobs?: Pick<Jobs, 'send'>;
  baseUrl: string;
}

export type SweepResult = Record<'session_soon' | 'action_due_soon' | 'action_overdue' | 'digest', number>;

type Claimed = { userId: string; email: string; name: string; locale: string | null; subjectId: string };

const day = (d: Date) => d.toISOString().slice(0, 10);
const localeOf = (v: string | null): Locale => (isLocale(v) ? v : 'en');
const k = (l: Locale, key: string, o?: Record<string, unknown>) => t(l, `talksOutputs.reminders.${key}`, o);

/**
 * Claim the reminders `candidates` selects (columns subject_id, user_id) and write one mail per
 * newly claimed reminder, in one transaction. Returns the number of mails written.
 */
async function claimAndMail(
  deps: SweepDeps,
  kind: string,
  candidates: SQL,
  compose: (tx: DbOrTx, c: Claimed, l: Locale) => Promise<{ subject: string; text: string } | null>,
): Promise<number> {
  const ids: string[] = [];
  await inTransaction(deps.db, async (tx) => {
    const r = await tx.execute<Claimed>(sql`
      WITH c AS (${candidates}),
      claimed AS (
        INSERT INTO talks_reminders_sent (kind, subject_id, user_id)
        SELECT ${kind}, c.subject_id::text, c.user_id FROM c
        ON CONFLICT DO NOTHING
        RETURNING subject_id, user_id)
      SELECT u.id AS "userId", u.email, u.name, u.locale, claimed.subject_id AS "subjectId"
      FROM claimed JOIN users u ON u.id = claimed.user_id
      ORDER BY claimed.subject_id, u.id`);
    for (const c of r.rows) {
      const l = localeOf(c.locale);
      const mail = await compose(tx, c, l);
      if (!mail) continue;
      const text = `${k(l, 'hello', { name: c.name })}\n\n${mail.text}\n\n${k(l, 'footer', { url: `${deps.baseUrl}/talks/digest` })}`;
      ids.push(await deps.mailer.enqueue(tx, { to: c.email, subject: mail.subject, text }));
    }
  });
  // Delivery after commit: a mail is never sent for reminders that were rolled back.
  if (deps.mailer.smtp && deps.jobs) {
    for (const id of ids) await deps.jobs.send('mail.deliver', { id }).catch(() => undefined);
  }
  return ids.length;
}

/** Users holding any role for an organisation (any scoped role), who can act for it. */
const orgUsers = (orgCol: SQL) => sql`
  SELECT DISTINCT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id
  WHERE ur.scope_org_id = ${orgCol} AND u.status = 'active'`;

// An action's text may go to its organisation's users when they may read it: the session is
// published, or their organisation takes part in it.
const actionReadable = sql`(s.status = 'published' OR EXISTS (SELECT 1 FROM talks_participants p
  WHERE p.session_id = s.id AND p.organisation_id = a.responsible_org_id))`;

export async function sweepReminders(deps: SweepDeps, now: Date): Promise<SweepResult> {
  const today = day(now);
  const soon = new Date(now.getTime() + SESSION_NOTICE_HOURS * 3600_000).toISOString();
  const dueBy = day(new Date(now.getTime() + ACTION_NOTICE_DAYS * 86400_000));
  const overdueFrom = day(new Date(now.getTime() - OVERDUE_WINDOW_DAYS * 86400_000));

  const session_soon = await claimAndMail(
    deps,
    'session_soon',
    sql`SELECT s.id AS subject_id, r.user_id FROM talks_sessions s
      JOIN talks_registrations r ON r.session_id = s.id AND r.status = 'registered'
      JOIN users u ON u.id = r.user_id AND u.status = 'active'
      WHERE s.status = 'scheduled' AND s.starts_at > ${now.toISOString()} AND s.starts_at <= ${soon}`,
    async (tx, c, l) => {
      const s = (
        await tx.execute<{
          title: I18nText;
          startsAt: string;
          timezone: string;
          venue: string | null;
          onlineUrl: string | null;
        }>(sql`
          SELECT title, starts_at AS "startsAt", timezone, venue, online_url AS "onlineUrl" FROM talks_sessions WHERE id = ${c.subjectId}`)
      ).rows[0]!;
      const title = pick(s.title, l).text;
      const when = formatDate(l, new Date(s.startsAt), {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone: s.timezone,
      });
      return {
        subject: k(l, 'sessionSubject', { title }),
        text: [
          k(l, 'sessionText', { title, when, zone: s.timezone }),
          s.venue ? `${k(l, 'venue')}: ${s.venue}` : '',
          s.onlineUrl ? `${k(l, 'online')}: ${s.onlineUrl}` : '',
          `${deps.baseUrl}/talks/sessions/${c.subjectId}`,
        ]
          .filter(Boolean)
          .join('\n'),
      };
    },
  );

  const actionMail = (kind: 'Soon' | 'Overdue') => async (tx: DbOrTx, c: Claimed, l: Locale) => {
    const a = (
      await tx.execute<{ text: I18nText; dueOn: string; progress: number; status: string; org: string }>(sql`
        SELECT a.text, a.due_on AS "dueOn", a.progress, a.status, o.name AS org
        FROM talks_actions a ${joinOrganisation('o', sql`a.responsible_org_id`, { inner: true })} WHERE a.id = ${c.subjectId}`)
    ).rows[0]!;
    const text = stripKeyMarkers(pick(a.text, l).text);
    const short = text.length > 80 ? `${text.slice(0, 79)}…` : text;
    return {
      subject: k(l, `action${kind}Subject`, { text: short }),
      text: [
        k(l, `action${kind}Text`, { org: a.org, due: a.dueOn }),
        '',
        text,
        '',
        `${k(l, 'progress')}: ${a.progress}% · ${t(l, `talksOutputs.actionStatus.${a.status}`)}`,
        `${deps.baseUrl}/talks/actions/${c.subjectId}`,
      ].join('\n'),
    };
  };
  const openActions = sql`a.status NOT IN ('done', 'dropped') AND a.responsible_org_id IS NOT NULL AND ${actionReadable}`;

  const action_due_soon = await claimAndMail(
    deps,
    'action_due_soon',
    sql`SELECT a.id AS subject_id, ou.user_id FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
      CROSS JOIN LATERAL (${orgUsers(sql`a.responsible_org_id`)}) ou
      WHERE ${openActions} AND a.due_on >= ${today}::date AND a.due_on <= ${dueBy}::date`,
    actionMail('Soon'),
  );

  const action_overdue = await claimAndMail(
    deps,
    'action_overdue',
    sql`SELECT a.id AS subject_id, ou.user_id FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
      CROSS JOIN LATERAL (${orgUsers(sql`a.responsible_org_id`)}) ou
      WHERE ${openActions} AND a.due_on < ${today}::date AND a.due_on >= ${overdueFrom}::date`,
    actionMail('Overdue'),
  );

  // The digest of the current ISO week, to each subscriber once; nothing is sent for an empty week.
  const week = isoWeek(now);
  const digest = await claimAndMail(
    deps,
    'digest',
    sql`SELECT ${week} AS subject_id, d.user_id FROM talks_digest_subscriptions d
      JOIN users u ON u.id = d.user_id AND u.status = 'active' WHERE d.weekly`,
    async (tx, c, l) => {
      const d = await digestFor(tx, c.userId, now, l);
      if (d.sessions.length === 0 && d.actions.length === 0) return null;
      return { subject: k(l, 'digestSubject', { week }), text: d.text(deps.baseUrl) };
    },
  );

  return { session_soon, action_due_soon, action_overdue, digest };
}
