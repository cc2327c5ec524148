import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Ctx } from '../../core/context.ts';
import { type ListOrganisationsInput, listOrganisations, listPeople, type Person } from './service.ts';
import type { OrganisationSummary } from './service-rows.ts';

/**
 * Exports walk the same use cases as the lists, page by page (so permissions, archived records
 * and contact confidentiality are applied exactly as in the API), and stream the result.
 */

async function* pages<T>(
  first: { items: T[]; nextCursor: string | null },
  next: (cursor: string) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let page = first;
  for (;;) {
    yield* page.items;
    if (!page.nextCursor) return;
    page = await next(page.nextCursor);
  }
}

/** A spreadsheet would run a cell that starts with one of these as a formula. */
const neutralise = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export const organisationCsvColumns = [
  'id',
  'kind',
  'name',
  'names',
  'acronym',
  'country',
  'population',
  'lat',
  'lon',
  'archivedAt',
] as const;

function organisationRecord(o: OrganisationSummary): string[] {
  return [
    o.id,
    o.kind,
    neutralise(o.name),
    neutralise(JSON.stringify(o.names)),
    neutralise(o.acronym ?? ''),
    o.country ?? '',
    o.population === null ? '' : String(o.population),
    o.lat === null ? '' : String(o.lat),
    o.lon === null ? '' : String(o.lon),
    o.archivedAt ?? '',
  ];
}

export const personCsvColumns = ['id', 'name', 'title', 'roles', 'contacts'] as const;

function personRecord(p: Person): string[] {
  return [
    p.id,
    neutralise(p.name),
    neutralise(p.title ?? ''),
    neutralise(
      p.roles
        .filter((r) => r.current)
        .map((r) => `${r.role}@${r.organisationName}`)
        .join('; '),
    ),
    neutralise(p.contacts.map((c) => `${c.kind}: ${c.value}`).join('; ')),
  ];
}

/** The first page is read before anything is sent, so bad filters still answer with a 4xx. */
export async function organisationsExport(
  ctx: Ctx,
  filters: Omit<ListOrganisationsInput, 'cursor' | 'limit'>,
  format: 'csv' | 'json',
): Promise<Readable> {
  const list = (cursor?: string) => listOrganisations(ctx, { ...filters, cursor, limit: 100 });
  const rows = pages(await list(), (c) => list(c));
  return format === 'csv'
    ? toCsv(organisationCsvColumns, rows, organisationRecord)
    : toJsonArray(rows, (o) => o);
}

export async function peopleExport(
  ctx: Ctx,
  filters: { q?: string; organisationId?: string },
  format: 'csv' | 'json',
): Promise<Readable> {
  const list = (cursor?: string) => listPeople(ctx, { ...filters, cursor, limit: 100 });
  const rows = pages(await list(), (c) => list(c));
  return format === 'csv' ? toCsv(personCsvColumns, rows, personRecord) : toJsonArray(rows, (p) => p);
}

function toCsv<T>(
  columns: readonly string[],
  rows: AsyncGenerator<T>,
  record: (row: T) => string[],
): Readable {
  const csv = stringify({ header: true, columns: [...columns] });
  Readable.from(
    (async function* () {
      for await (const row of rows) yield record(row);
    })(),
  )
    .on('error', (e) => csv.destroy(e))
    .pipe(csv);
  return csv;
}

function toJsonArray<T>(rows: AsyncGenerator<T>, map: (row: T) => unknown): Readable {
  return Readable.from(
    (async function* () {
      yield '[';
      let first = true;
      for await (const row of rows) {
        yield `${first ? '\n' : ',\n'}${JSON.stringify(map(row))}`;
        first = false;
      }
      yield '\n]\n';
    })(),
  );
}
