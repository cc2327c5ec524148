import type { Command } from 'commander';
import { BackupError, backupDatabase, restoreDatabase } from '../backup/index.ts';
import { cliLog, withDatabase } from './context.ts';

/** One progress line per table; on a terminal it counts up in place. */
function progressPrinter(verb: string) {
  let current = '';
  return {
    update({ table, done, total }: { table: string; done: number; total: number }) {
      if (process.stderr.isTTY) {
        process.stderr.write(`\r\x1b[Kpeacetalks: ${verb} ${table}: ${done} of ${total} rows`);
        current = table;
      }
      if (done === total && (done > 0 || total === 0)) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        else cliLog(`${verb} ${table}: ${total} rows`);
        current = '';
      }
    },
    end() {
      if (current && process.stderr.isTTY) process.stderr.write('\n');
    },
  };
}

/** A refusal the user can act on: print it without a stack trace. */
async function userErrors(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    cliLog(e.message);
    process.exitCode = 1;
  }
}

export function registerDataCommands(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'the archive to write, e.g. peacetalks-2025-01-31.tar.gz')
    .description('write all data to a versioned .tar.gz archive (one consistent snapshot)')
    .addHelpText(
      'after',
      `
The archive holds manifest.json (format version, app version, applied migrations, row count
and SHA-256 of every file) and one NDJSON file per table. It is read in a single snapshot, so
it can be taken while the platform is running. Background jobs (the pg-boss schema) are
transient and are not included; queued emails stay in the outbox table, which is.`,
    )
    .action(async (file: string) => {
      await userErrors(async () => {
        const progress = progressPrinter('saving');
        const manifest = await withDatabase(
          (opened) => backupDatabase(opened.database.pool, file, (p) => progress.update(p)),
          { migrate: false },
        );
        progress.end();
        const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
        process.stdout.write(`backup written to ${file}: ${manifest.tables.length} tables, ${rows} rows\n`);
      });
    });

  program
    .command('restore')
    .argument('<file>', 'an archive written by `peacetalks backup`')
    .description('load a backup into an empty database (all of it or, on any error, nothing)')
    .addHelpText(
      'after',
      `
restore refuses a database that already holds data: start it on a new data folder
(PEACETALKS_DATA_DIR) or a new, empty DATABASE_URL. The backup must come from the same
version of the database schema (same migrations); every file's checksum is verified first.`,
    )
    .action(async (file: string) => {
      await userErrors(async () => {
        const progress = progressPrinter('restoring');
        const result = await withDatabase((opened) =>
          restoreDatabase(opened.database.pool, file, (p) => progress.update(p)),
        );
        progress.end();
        process.stdout.write(
          `restored ${file} (written ${result.manifest.createdAt}): ${result.tables} tables, ${result.rows} rows\n`,
        );
      });
    });
}
