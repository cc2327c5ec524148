import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead, requireSignedIn } from './access.ts';
import { capacityGroups } from './service-capacity.ts';
import { NEED_COLUMNS, NEED_FROM, needOf } from './service-needs.ts';

/**
 * Exports of needs, deliveries and reception capacity as CSV, JSON and HXL-tagged CSV (the
 * Humanitarian Exchange Language: a row of hashtags right under the header, so that HDX tools
 * read the columns). Every hashtag and attribute used is listed in the HXL standard's
 * knowledge base (`../shared/standards/hxl/`); a test checks it.
 */

type Value = string | number | boolean | null;
interface Column<R> {
  header: string;
  hxl: string;
  value: (r: R) => Value;
}
export interface Table {
  columns: { header: string; hxl: string }[];
  rows: Value[][];
}

export const exportFormats = ['csv', 'json', 'hxl.csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const MAX_ROWS = 100_000;

function table<R>(columns: Column<R>[], records: R[]): Table {
  return {
    columns: columns.map(({ header, hxl }) => ({ header, hxl })),
    rows: records.map((r) => columns.map((c) => c.value(r))),
  };
}

/** A spreadsheet would run a cell that starts with one of these as a formula. */
const neutralise = (v: Value) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export function render(t: Table, format: ExportFormat): string {
  if (format === 'json')
    return JSON.stringify(t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.header, r[i]]))));
  const head = [t.columns.map((c) => c.header)];
  if (format === 'hxl.csv') head.push(t.columns.map((c) => c.hxl));
  const body = t.rows.map((r) => r.map((v) => (v === null ? '' : String(neutralise(v)))));
  return stringify([...head, ...body]);
}

type Row = any;
const ts = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

const needColumns: Column<ReturnType<typeof needOf>>[] = [
  { header: 'id', hxl: '#meta+id', value: (n) => n.id },
  { header: 'community', hxl: '#org+name', value: (n) => n.communityName },
  { header: 'community_id', hxl: '#org+id', value: (n) => n.communityOrgId },
  { header: 'country', hxl: '#country+code+v_iso2', value: (n) => n.country },
  { header: 'latitude', hxl: '#geo+lat', value: (n) => n.lat },
  { header: 'longitude', hxl: '#geo+lon', value: (n) => n.lon },
  { header: 'cluster', hxl: '#sector+cluster+code', value: (n) => n.category },
  { header: 'item', hxl: '#item+name', value: (n) => n.item },
  { header: 'quantity', hxl: '#need+num', value: (n) => n.quantity },
  { header: 'unit', hxl: '#need+type', value: (n) => n.unit },
  { header: 'priority', hxl: '#severity', value: (n) => n.priority },
  { header: 'needed_by', hxl: '#date+end', value: (n) => n.neededBy },
  { header: 'allocated', hxl: '#item+num+incoming', value: (n) => n.allocatedQty },
  { header: 'delivered', hxl: '#output+num', value: (n) => n.deliveredQty },
  { header: 'status', hxl: '#status', value: (n) => n.status },
  { header: 'verified_at', hxl: '#date+reported', value: (n) => n.verifiedAt },
  { header: 'posted_at', hxl: '#date+start', value: (n) => n.createdAt },
];

const noInput = z.object({}).strict();

export const needsTable = defineUseCase({
  name: 'aid.exportNeeds',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: noInput,
  run: ({ ctx }) => needs(ctx),
});

async function needs(ctx: Ctx): Promise<Table> {
  const r = await ctx.db.execute(
    sql`SELECT ${NEED_COLUMNS} FROM ${NEED_FROM} ORDER BY n.created_at, n.id LIMIT ${MAX_ROWS}`,
  );
  return table(needColumns, r.rows.map(needOf));
}

const deliveryColumns: Column<Row>[] = [
  { header: 'delivery_id', hxl: '#meta+id', value: (r) => r.delivery_id },
  { header: 'shipment_id', hxl: '#activity+id', value: (r) => r.shipment_id },
  { header: 'corridor', hxl: '#access+name', value: (r) => r.corridor },
  { header: 'community', hxl: '#org+name', value: (r) => r.community },
  { header: 'community_id', hxl: '#org+id', value: (r) => r.community_id },
  { header: 'country', hxl: '#country+code+v_iso2', value: (r) => r.country },
  { header: 'cluster', hxl: '#sector+cluster+code', value: (r) => r.category },
  { header: 'item', hxl: '#item+name', value: (r) => r.item },
  { header: 'unit', hxl: '#item+type', value: (r) => r.unit },
  { header: 'sent', hxl: '#item+num+outgoing', value: (r) => Number(r.sent) },
  { header: 'received', hxl: '#output+num', value: (r) => Number(r.received) },
  { header: 'difference', hxl: '#indicator+num', value: (r) => Number(r.sent) - Number(r.received) },
  { header: 'flagged', hxl: '#indicator+bool', value: (r) => Number(r.sent) !== Number(r.received) },
  { header: 'confirmed_at', hxl: '#date+reported', value: (r) => ts(r.confirmed_at) },
  { header: 'follow_up_resolved_at', hxl: '#date+end', value: (r) => ts(r.resolved_at) },
];

/** One row per item of each confirmed delivery. Shipments are for signed-in readers only. */
export const deliveriesTable = defineUseCase({
  name: 'aid.exportDeliveries',
  kind: 'read',
  allow: requireSignedIn,
  input: noInput,
  run: ({ ctx }) => deliveries(ctx),
});

async function deliveries(ctx: Ctx): Promise<Table> {
  const r = await ctx.db.execute(sql`
    SELECT d.id AS delivery_id, s.id AS shipment_id, c.name AS corridor, o.name AS community, o.id AS community_id,
      o.country, n.category, n.item, n.unit, i.quantity AS sent, i.received_qty AS received, d.confirmed_at, d.resolved_at
    FROM aid_deliveries d JOIN aid_shipments s ON s.id = d.shipment_id
    JOIN aid_shipment_items i ON i.shipment_id = s.id JOIN aid_allocations a ON a.id = i.allocation_id
    JOIN aid_needs n ON n.id = a.need_id ${joinOrganisation('o', sql`s.destination_org_id`, { inner: true })}
    LEFT JOIN aid_corridors c ON c.id = s.corridor_id
    ORDER BY d.confirmed_at, d.id, i.id LIMIT ${MAX_ROWS}`);
  return table(deliveryColumns, r.rows);
}

const groupHxl: Record<(typeof capacityGroups)[number], string> = {
  children: '+children',
  women: '+f+adults',
  young: '+adolescents',
  elderly: '+elderly',
  total: '+ind',
};

const capacityColumns: Column<Row>[] = [
  { header: 'id', hxl: '#meta+id', value: (r) => r.id },
  { header: 'lrg', hxl: '#org+name', value: (r) => r.org_name },
  { header: 'lrg_id', hxl: '#org+id', value: (r) => r.org_id },
  { header: 'country', hxl: '#country+code+v_iso2', value: (r) => r.country },
  { header: 'latitude', hxl: '#geo+lat', value: (r) => r.lat },
  { header: 'longitude', hxl: '#geo+lon', value: (r) => r.lon },
  { header: 'as_of', hxl: '#date+reported', value: (r) => r.as_of },
  ...capacityGroups.flatMap((g): Column<Row>[] => [
    { header: `${g}_available`, hxl: `#capacity${groupHxl[g]}`, value: (r) => Number(r[`${g}_available`]) },
    { header: `${g}_used`, hxl: `#reached+displaced${groupHxl[g]}`, value: (r) => Number(r[`${g}_used`]) },
  ]),
];

export const capacityTable = defineUseCase({
  name: 'aid.exportCapacity',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: noInput,
  run: ({ ctx }) => capacity(ctx),
});

async function capacity(ctx: Ctx): Promise<Table> {
  const r =
    await ctx.db.execute(sql`SELECT c.*, c.as_of::text AS as_of, o.name AS org_name, o.country, o.lat, o.lon
    FROM aid_capacity c ${joinOrganisation('o', sql`c.org_id`, { inner: true })} ORDER BY c.as_of, o.name LIMIT ${MAX_ROWS}`);
  return table(capacityColumns, r.rows);
}

export const exportTables = {
  needs: needsTable,
  deliveries: deliveriesTable,
  capacity: capacityTable,
} as const;
export type ExportName = keyof typeof exportTables;
export const exportNames = ['needs', 'deliveries', 'capacity'] as const satisfies readonly ExportName[];
