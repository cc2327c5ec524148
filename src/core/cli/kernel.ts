import type { Command } from 'commander';
import { verifyAudit } from '../audit/verify.ts';
import { cliLog, withDatabase } from './context.ts';

export function registerKernelCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply the database migrations (also done at every start) and exit')
    .action(async () => {
      await withDatabase(async () => cliLog('the database schema is up to date'));
    });

  const verify = program.command('verify').description('check the integrity of tamper-evident records');
  verify
    .command('audit')
    .description(
      'seal the audit events written so far, recompute the hash chain and report the first broken link',
    )
    .action(async () => {
      const result = await withDatabase(async (opened) =>
        verifyAudit(opened.database.db, (n, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rchecked ${n} of ${total} events`);
        }),
      );
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (result.ok) {
        process.stdout.write(`audit log OK: ${result.checked} events, chain intact\n`);
        // Events committed while this ran are sealed by the app's next round, and checked next time.
        if (result.unsealed)
          process.stdout.write(`${result.unsealed} events written meanwhile are not sealed yet\n`);
      } else {
        process.stdout.write(
          `audit log BROKEN at event ${result.firstBroken!.id}: ${result.firstBroken!.reason} (${result.checked} events before it are intact)\n`,
        );
        process.exitCode = 2;
      }
    });
}
