import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { invalidField, uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead, checkWrite, organisationPlace, requireCentreOrMember } from './access.ts';
import { capacityFields, capacityInput, capacityKeys } from './input.ts';

export const capacityGroups = ['children', 'women', 'young', 'elderly', 'total'] as const;
type CapacityGroup = (typeof capacityGroups)[number];

export interface CapacityReport {
  id: string;
  orgId: string;
  orgName: string;
  country: string | null;
  lat: number | null;
  lon: number | null;
  asOf: string;
  groups: Record<CapacityGroup, { available: number; used: number }>;
  updatedAt: string;
}

/**
 * Refuse anything in a capacity payload that is not one of its aggregate counts: names, birth
 * dates, lists of people… There is no place for them, and storing them would put displaced
 * people at risk. Called before any other validation so that the answer says why.
 */
export function refusePersonalData(payload: unknown): void {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return;
  const extra = Object.keys(payload).filter((k) => !capacityKeys.has(k) && k !== '_csrf');
  const nested = Object.entries(payload)
    .filter(([, v]) => v !== null && typeof v === 'object')
    .map(([k]) => k);
  const fields = [...new Set([...extra, ...nested])];
  if (fields.length > 0) throw new AppError('personal_data_refused', { fields });
}

function reportOf(r: any): CapacityReport {
  const groups = Object.fromEntries(
    capacityGroups.map((g) => [g, { available: Number(r[`${g}_available`]), used: Number(r[`${g}_used`]) }]),
  ) as CapacityReport['groups'];
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    country: r.country,
    lat: r.lat,
    lon: r.lon,
    asOf: typeof r.as_of === 'string' ? r.as_of : new Date(r.as_of).toISOString().slice(0, 10),
    groups,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * An LRG (its members) or the centre reports its capacity for a date; a second report the same
 * day replaces it. The payload is refused as personal data before it is parsed, so that the
 * answer says why: its input is any payload, of which only the counts are accepted.
 */
export const reportCapacity = defineUseCase({
  name: 'aid.reportCapacity',
  kind: 'write',
  audit: 'aid_capacity',
  allow: checkWrite,
  input: z.preprocess((raw) => {
    refusePersonalData(raw);
    return raw;
  }, capacityInput),
  async run(uc): Promise<CapacityReport> {
    const { ctx, input } = uc;
    const actor = requireCentreOrMember(ctx, input.orgId);
    for (const g of ['children', 'women', 'young', 'elderly'] as const) {
      for (const side of ['Available', 'Used'] as const) {
        if (input[`${g}${side}`] > input[`total${side}`])
          throw invalidField(`${g}${side}`, 'more_than_total', `more than total${side}`);
      }
    }
    const tx = ctx.db;
    await organisationPlace(tx, input.orgId, 'orgId');
    const at = ctx.now.toISOString();
    const cols = capacityFields.map((f) => sql.raw(snake(f)));
    const vals = capacityFields.map((f) => sql`${input[f]}`);
    const r = await tx.execute<{ id: string; inserted: boolean }>(sql`
      INSERT INTO aid_capacity (org_id, as_of, ${sql.join(cols, sql`, `)}, reported_by, created_at, updated_at)
      VALUES (${input.orgId}, ${input.asOf}, ${sql.join(vals, sql`, `)}, ${actor.userId}, ${at}, ${at})
      ON CONFLICT (org_id, as_of) DO UPDATE SET
        ${sql.join(
          cols.map((c) => sql`${c} = EXCLUDED.${c}`),
          sql`, `,
        )}, reported_by = EXCLUDED.reported_by, updated_at = EXCLUDED.updated_at
      RETURNING id, (xmax = 0) AS inserted`);
    const { id, inserted } = r.rows[0];
    await uc.audit({ action: inserted ? 'create' : 'update', entityId: id, after: input });
    const [report] = await selectReports(tx, sql`c.id = ${id}`);
    return report;
  },
});

async function selectReports(db: Ctx['db'], where: ReturnType<typeof sql>, limit = 500) {
  const r = await db.execute(sql`SELECT c.*, o.name AS org_name, o.country, o.lat, o.lon
    FROM aid_capacity c ${joinOrganisation('o', sql`c.org_id`, { inner: true })} WHERE ${where}
    ORDER BY c.as_of DESC, o.name LIMIT ${limit}`);
  return r.rows.map(reportOf);
}

/** Every report, newest first, or only the latest of each LRG. */
export const listCapacity = defineUseCase({
  name: 'aid.listCapacity',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ latest: z.boolean().optional(), orgId: uuid.optional() }).strict(),
  async run({ ctx, input: f }): Promise<CapacityReport[]> {
    const conds = [sql`TRUE`];
    if (f.orgId) conds.push(sql`c.org_id = ${f.orgId}`);
    if (f.latest)
      conds.push(sql`c.as_of = (SELECT max(as_of) FROM aid_capacity l WHERE l.org_id = c.org_id)`);
    return selectReports(ctx.db, sql.join(conds, sql` AND `), 5000);
  },
});
