import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { inTransaction } from '../../../core/db/tx.ts';
import { AppError } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { isCountryCode } from '../countries.ts';
import { membershipStatuses, organisationKinds } from '../schema.ts';
import {
  type OrganisationFields,
  type Outcome,
  RowProblem,
  resolveReference,
  upsertMembership,
  upsertOrganisation,
} from './organisations.ts';
import { type ImportSummary, type OnProgress, type Rejection, requireImporter } from './summary.ts';

export const organisationColumns = [
  'kind',
  'name',
  'acronym',
  'alt_names',
  'country',
  'parent',
  'population',
  'lat',
  'lon',
  'geonames_id',
  'wikidata_id',
  'website',
] as const;
export const membershipColumns = ['member', 'group', 'status', 'since', 'until', 'note'] as const;
/** `name_fr`, `name_uk`, …: the name in one language. */
const NAME_IN_LANGUAGE = /^name_([a-z]{2,3})$/;
const MAX_ROWS = 100_000;

export type CsvForm = 'organisations' | 'memberships';

export interface CsvImportSummary extends ImportSummary {
  form: CsvForm;
  /** False when some row was rejected: then nothing at all was written. */
  applied: boolean;
}

// Cells are strings; an empty cell means "not given".
const cell = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `longer than ${max} characters`)
    .refine(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      (s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s),
      'contains control characters',
    );
const number = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+(\.\d+)?$/, `${what} is not a number`)
    .transform(Number);

const organisationRow = z
  .object({
    kind: z.enum(organisationKinds, `kind must be one of ${organisationKinds.join(', ')}`),
    name: text(300).pipe(z.string().min(1, 'name is empty')),
    names: z.record(z.string(), text(300)),
    acronym: cell(text(50)),
    alt_names: cell(text(3000)).transform((v) =>
      v === undefined
        ? undefined
        : v
            .split('|')
            .map((s) => s.trim())
            .filter(Boolean),
    ),
    country: cell(
      text(2)
        .transform((s) => s.toUpperCase())
        .refine(isCountryCode, 'country is not an ISO 3166-1 alpha-2 code'),
    ),
    parent: cell(text(300)),
    population: cell(
      number('population').pipe(
        z.number().int('population is not a whole number').min(0, 'population is negative'),
      ),
    ),
    lat: cell(number('lat').pipe(z.number().min(-90, 'lat is below -90').max(90, 'lat is above 90'))),
    lon: cell(number('lon').pipe(z.number().min(-180, 'lon is below -180').max(180, 'lon is above 180'))),
    geonames_id: cell(
      z
        .string()
        .trim()
        .regex(/^[1-9]\d{0,15}$/, 'geonames_id is not a GeoNames id')
        .transform(Number),
    ),
    wikidata_id: cell(
      z
        .string()
        .trim()
        .regex(/^Q[1-9]\d{0,11}$/, 'wikidata_id is not a Wikidata id (Q…)'),
    ),
    website: cell(
      text(500).pipe(z.string().regex(/^https?:\/\/[^\s<>"]+$/i, 'website is not an http(s) address')),
    ),
  })
  .refine(
    (r) => (r.lat === undefined) === (r.lon === undefined),
    'lat and lon go together: give both or neither',
  );

const isoDate = z.iso.date('not a date (YYYY-MM-DD)');
const membershipRow = z
  .object({
    member: text(300).pipe(z.string().min(1, 'member is empty')),
    group: text(300).pipe(z.string().min(1, 'group is empty')),
    status: cell(z.enum(membershipStatuses, `status must be one of ${membershipStatuses.join(', ')}`)),
    since: cell(isoDate),
    until: cell(isoDate),
    note: cell(text(1000)),
  })
  .refine((r) => !r.since || !r.until || r.since <= r.until, 'until is before since');

type OrganisationRow = z.output<typeof organisationRow>;
type MembershipRow = z.output<typeof membershipRow>;

/** Text of a file: UTF-8 only (a byte order mark is fine); anything binary is refused. */
function decode(input: string | Uint8Array): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new AppError('invalid_csv', { reason: 'not_utf8' });
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // NUL and U+FFFD (what a lenient decoder made of invalid bytes) never occur in a real CSV file.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
  if (/[\u0000\ufffd]/.test(text)) throw new AppError('invalid_csv', { reason: 'binary' });
  if (text.trim() === '') throw new AppError('invalid_csv', { reason: 'empty' });
  return text;
}

interface Parsed {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

function parseCsv(text: string): Parsed {
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      max_record_size: 100_000,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    throw new AppError('invalid_csv', { reason: 'syntax', line: err.lines, message: err.message });
  }
  if (records.length - 1 > MAX_ROWS)
    throw new AppError('invalid_csv', { reason: 'too_many_rows', max: MAX_ROWS });
  // info.lines is the line a record ends on; a quoted cell may span lines, and skipped blank lines come first.
  const firstLine = (r: (typeof records)[number]) =>
    r.info.lines -
    (r.raw
      .replace(/^[\r\n]+/, '')
      .replace(/\r?\n$/, '')
      .match(/\n/g)?.length ?? 0);
  const [head, ...body] = records;
  return {
    header: head.record.map((h) => h.trim().toLowerCase()),
    rows: body.map((r) => ({ line: firstLine(r), cells: r.record })),
  };
}

function detectForm(header: string[]): CsvForm {
  const duplicates = header.filter((h, i) => header.indexOf(h) !== i);
  if (duplicates.length)
    throw new AppError('invalid_csv', { reason: 'duplicate_columns', columns: duplicates });
  const form: CsvForm | undefined =
    header.includes('member') && header.includes('group')
      ? 'memberships'
      : header.includes('kind') && header.includes('name')
        ? 'organisations'
        : undefined;
  if (!form) {
    throw new AppError('invalid_csv', {
      reason: 'unknown_form',
      expected: ['kind,name,… (organisations)', 'member,group,… (memberships)'],
      columns: header,
    });
  }
  const allowed: readonly string[] = form === 'organisations' ? organisationColumns : membershipColumns;
  const unknown = header.filter(
    (h) => !allowed.includes(h) && !(form === 'organisations' && NAME_IN_LANGUAGE.test(h)),
  );
  if (unknown.length) {
    throw new AppError('invalid_csv', {
      reason: 'unknown_columns',
      columns: unknown,
      allowed: form === 'organisations' ? [...allowed, 'name_<language>'] : allowed,
    });
  }
  return form;
}

const describe = (error: z.ZodError) =>
  error.issues
    .map((i) => {
      const field = i.path.filter((p) => p !== 'names').join('.');
      return field && !i.message.startsWith(field) ? `${field}: ${i.message}` : i.message;
    })
    .join('; ');

/** Validate every row before writing anything; return the rows or every problem with its line. */
function validate<T>(
  parsed: Parsed,
  toObject: (cells: Record<string, string>) => unknown,
  schema: z.ZodType<T>,
): { rows: { line: number; value: T }[]; rejected: Rejection[] } {
  const rows: { line: number; value: T }[] = [];
  const rejected: Rejection[] = [];
  for (const { line, cells } of parsed.rows) {
    if (cells.length !== parsed.header.length) {
      rejected.push({ line, reason: `${cells.length} cells where the header has ${parsed.header.length}` });
      continue;
    }
    const record = Object.fromEntries(parsed.header.map((h, i) => [h, cells[i]]));
    const result = schema.safeParse(toObject(record));
    if (result.success) rows.push({ line, value: result.data });
    else rejected.push({ line, reason: describe(result.error) });
  }
  return { rows, rejected };
}

function organisationObject(cells: Record<string, string>): unknown {
  const names: Record<string, string> = {};
  for (const [k, v] of Object.entries(cells)) {
    const m = NAME_IN_LANGUAGE.exec(k);
    if (m && v.trim() !== '') names[m[1]] = v;
  }
  return { ...cells, names };
}

/** Thrown inside the transaction to roll it back when a row cannot be applied. */
class Rejected extends Error {
  constructor(readonly rejected: Rejection[]) {
    super('rejected');
  }
}

/**
 * Import organisations, or memberships, from CSV: every row is checked first, and a file with
 * any bad row writes nothing. Rows are matched to what is recorded (Wikidata id, GeoNames id,
 * else kind + country + name), so importing the same file twice changes nothing.
 */
export const importOrganisationsCsv = defineUseCase({
  name: 'directory.importOrganisationsCsv',
  kind: 'write',
  audit: 'directory_organisations',
  // A rejected row rolls the file's transaction back, and the rejected rows are the answer.
  ownTransaction: true,
  allow: requireImporter,
  input: z
    .object({
      csv: z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]),
      onProgress: z.custom<OnProgress>((v) => typeof v === 'function').optional(),
    })
    .strict(),
  run: async (uc): Promise<CsvImportSummary> => {
    const { ctx } = uc;
    const options = uc.input;
    const parsed = parseCsv(decode(uc.input.csv));
    const form = detectForm(parsed.header);
    const checked =
      form === 'organisations'
        ? validate(parsed, organisationObject, organisationRow)
        : validate(parsed, (c) => c, membershipRow);
    const empty = { form, created: 0, updated: 0, unchanged: 0 };
    if (checked.rejected.length) {
      uc.unchanged();
      return { ...empty, applied: false, rejected: checked.rejected };
    }

    try {
      return await inTransaction(ctx.db, async (tx) => {
        const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
        const rejected: Rejection[] = [];
        // Two rows about the same record would undo each other on every run.
        const touched = new Map<string, number>();
        const total = checked.rows.length;
        options.onProgress?.({ done: 0, total });
        let done = 0;
        for (const { line, value } of checked.rows) {
          try {
            let key: string;
            let outcome: Outcome;
            if (form === 'organisations') {
              const r = value as OrganisationRow;
              const fields: OrganisationFields = {
                kind: r.kind,
                name: r.name,
                names: r.names,
                acronym: r.acronym,
                altNames: r.alt_names,
                country: r.country,
                parentId: r.parent === undefined ? undefined : await resolveReference(tx, r.parent),
                population: r.population,
                lat: r.lat,
                lon: r.lon,
                geonamesId: r.geonames_id,
                wikidataId: r.wikidata_id,
                website: r.website,
              };
              const result = await upsertOrganisation(tx, fields, ctx.now);
              key = result.id;
              outcome = result.outcome;
            } else {
              const r = value as MembershipRow;
              const memberId = await resolveReference(tx, r.member);
              const groupId = await resolveReference(tx, r.group);
              key = `${memberId}/${groupId}`;
              outcome = await upsertMembership(
                tx,
                { memberId, groupId, status: r.status, since: r.since, until: r.until, note: r.note },
                ctx.now,
              );
            }
            const earlier = touched.get(key);
            if (earlier !== undefined)
              throw new RowProblem(
                `same ${form === 'organisations' ? 'organisation' : 'membership'} as line ${earlier}`,
              );
            touched.set(key, line);
            counts[outcome]++;
          } catch (e) {
            if (!(e instanceof RowProblem)) throw e;
            rejected.push({ line, reason: e.message });
          }
          if (++done % 200 === 0) options.onProgress?.({ done, total });
        }
        options.onProgress?.({ done: total, total });
        if (rejected.length) throw new Rejected(rejected);
        await uc.audit(
          {
            action: 'import',
            entity: form === 'organisations' ? 'directory_organisations' : 'directory_memberships',
            after: { source: 'csv', rows: total, ...counts },
          },
          tx,
        );
        return { form, ...counts, rejected: [], applied: true };
      });
    } catch (e) {
      if (!(e instanceof Rejected)) throw e;
      uc.unchanged();
      return { ...empty, applied: false, rejected: e.rejected };
    }
  },
});
