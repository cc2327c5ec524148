import type { Command } from 'commander';
import { publicUrl } from '../../../../core/auth/onboarding.ts';
import { cliLog, withDatabase } from '../../../../core/cli/context.ts';
import { createMailer } from '../../../../core/mail/mailer.ts';
import { sweepReminders } from './sweep.ts';

/** `peacetalks talks remind [--now <time>]`: run the reminder sweep once (what the scheduled job does). */
export function registerTalksCommands(program: Command): void {
  const talks = program.command('talks').description('Peace Talks sessions: reminders and digests');
  talks
    .command('remind')
    .description('send the due reminders and weekly digests now (each is sent once, however often this runs)')
    .option('--now <time>', 'act as if it were this time (ISO 8601), e.g. to catch up after an outage')
    .action(async (opts: { now?: string }) => {
      const now = opts.now ? new Date(opts.now) : new Date();
      if (Number.isNaN(now.getTime())) {
        cliLog(`not a date: ${opts.now}`);
        process.exitCode = 2;
        return;
      }
      await withDatabase(async (opened, _ctx, config) => {
        const db = opened.database.db;
        const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
        // No job queue in a one-off command: with SMTP, deliver each mail at once.
        const jobs = {
          async send(_queue: string, data: Record<string, unknown>) {
            await mailer.deliver(db, String(data.id));
            return null;
          },
        };
        const r = await sweepReminders({ db, mailer, jobs, baseUrl: publicUrl(config) }, now);
        cliLog(
          `reminders sent: ${r.session_soon} before sessions, ${r.action_due_soon} before and ${r.action_overdue} after due dates, ${r.digest} digests`,
        );
      });
    });
}
