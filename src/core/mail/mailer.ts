import { sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { DbOrTx } from '../db/tx.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Every message is first written to the outbox, in the caller's transaction, so that no mail
 * is sent for a change that rolled back. With SMTP configured a job delivers it; without, it
 * stays in the outbox (status `kept`), readable by admins in the pages.
 */
export interface Mailer {
  smtp: boolean;
  enqueue(db: DbOrTx, mail: Mail): Promise<string>;
  deliver(db: DbOrTx, id: string): Promise<void>;
}

export function createMailer(opts: { smtpUrl?: string; from: string }): Mailer {
  // nodemailer is loaded only when SMTP is configured: most instances never need it.
  let transport: Promise<Transporter> | null = null;
  const getTransport = () => {
    transport ??= import('nodemailer').then((m) => m.default.createTransport(opts.smtpUrl));
    return transport;
  };
  const smtp = !!opts.smtpUrl;
  return {
    smtp,
    async enqueue(db, mail) {
      const r = await db.execute<{ id: string }>(sql`
        INSERT INTO outbox ("to", subject, text, status) VALUES (${mail.to}, ${mail.subject}, ${mail.text}, ${smtp ? 'queued' : 'kept'})
        RETURNING id`);
      return r.rows[0].id;
    },
    async deliver(db, id) {
      if (!smtp) return;
      const r = await db.execute<{ to: string; subject: string; text: string; status: string }>(
        sql`SELECT "to", subject, text, status FROM outbox WHERE id = ${id}`,
      );
      const m = r.rows[0];
      if (!m || m.status === 'sent') return;
      try {
        await (await getTransport()).sendMail({
          from: opts.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
        });
        await db.execute(
          sql`UPDATE outbox SET status = 'sent', sent_at = now(), error = NULL WHERE id = ${id}`,
        );
      } catch (e) {
        await db.execute(
          sql`UPDATE outbox SET status = 'failed', error = ${String((e as Error).message).slice(0, 500)} WHERE id = ${id}`,
        );
        throw e;
      }
    },
  };
}
