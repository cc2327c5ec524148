import type { Command } from 'commander';
import { withDatabase } from '../../core/cli/context.ts';
import { type LedgerProgress, verifyLedger } from './verify.ts';

/** `peacetalks verify ledger`: the Solidarity Fund's books, recomputed from their lines. */
export function registerLedgerCommands(program: Command): void {
  const verify =
    program.commands.find((c) => c.name() === 'verify') ??
    program.command('verify').description('check the integrity of tamper-evident records');
  verify
    .command('ledger')
    .description(
      'recompute the Solidarity Fund ledger: hash chain, zero sum of every transaction, every balance and monthly total; exit 2 at the first difference',
    )
    .action(async () => {
      const started = Date.now();
      const tty = process.stderr.isTTY;
      let lastReport = 0;
      const progress = (p: LedgerProgress) => {
        const now = Date.now();
        // A line every 2 s when not on a terminal, so that a long run in a log still shows it moves.
        if (!tty && now - lastReport < 2000 && p.done !== p.total) return;
        lastReport = now;
        const text = `${p.phase}: ${p.done} of ${p.total}`;
        process.stderr.write(tty ? `\r${text.padEnd(60)}` : `peacetalks: ${text}\n`);
      };
      const result = await withDatabase(async (opened) => verifyLedger(opened.database.db, progress));
      if (tty) process.stderr.write('\n');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (result.ok) {
        process.stdout.write(
          `ledger OK: ${result.transactions} transactions, ${result.lines} lines, ${result.accounts} accounts; chain intact, every transaction balances, balances and monthly totals match (${seconds} s)\n`,
        );
        return;
      }
      const d = result.firstDifference!;
      const where = [
        d.seq !== undefined ? `transaction #${d.seq}` : null,
        d.transactionId ? `(${d.transactionId})` : null,
        d.accountId ? `account ${d.accountId}` : null,
        d.month ? `month ${d.month}` : null,
      ]
        .filter(Boolean)
        .join(' ');
      const values =
        d.expected !== undefined
          ? ` — expected ${String(d.expected)}, found ${String(d.found ?? 'nothing')}`
          : '';
      process.stdout.write(`ledger DIFFERS [${d.check}] ${where}: ${d.reason}${values}\n`);
      process.exitCode = 2;
    });
}
