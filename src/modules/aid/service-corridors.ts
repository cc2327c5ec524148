import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { requireActor } from '../../core/policy/policy.ts';
import { uuid } from '../../core/validation/input.ts';
import { joinOrganisation } from '../directory/index.ts';
import { checkRead, isCentre, organisationPlace, requireCentre } from './access.ts';
import { corridorInput, corridorStatusInput } from './input.ts';
import type { CorridorStatus } from './schema.ts';

export interface Corridor {
  id: string;
  name: string;
  originName: string;
  destinationName: string;
  /** Public ends: the coordinates of the cities it runs between (null when unknown). */
  origin: [number, number] | null;
  destination: [number, number] | null;
  status: CorridorStatus;
  note: string | null;
  lastVerifiedAt: string | null;
  lastVerifiedByName: string | null;
  version: number;
  /** Exact route: only for aid coordinators and staff (absent otherwise); each read is audited. */
  path?: [number, number][] | null;
}

function corridorOf(r: any, withPath: boolean): Corridor {
  const end = (lon: unknown, lat: unknown): [number, number] | null =>
    lon === null || lat === null ? null : [Number(lon), Number(lat)];
  const c: Corridor = {
    id: r.id,
    name: r.name,
    originName: r.origin_name,
    destinationName: r.destination_name,
    origin: end(r.origin_lon, r.origin_lat),
    destination: end(r.destination_lon, r.destination_lat),
    status: r.status,
    note: r.note,
    lastVerifiedAt: r.last_verified_at ? new Date(r.last_verified_at).toISOString() : null,
    lastVerifiedByName: r.last_verified_by_name,
    version: Number(r.version),
  };
  if (withPath) c.path = r.path ?? null;
  return c;
}

/** The exact route is selected only for readers cleared to see it: confidentiality in the SQL. */
const columns = (withPath: boolean) => sql`c.id, c.name, c.origin_name, c.destination_name, c.status, c.note,
  c.last_verified_at, c.last_verified_by_name, c.version, oo.lat AS origin_lat, oo.lon AS origin_lon,
  od.lat AS destination_lat, od.lon AS destination_lon ${withPath ? sql`, c.path` : sql``}`;
const FROM = sql`aid_corridors c ${joinOrganisation('oo', sql`c.origin_org_id`)}
  ${joinOrganisation('od', sql`c.destination_org_id`)}`;

export const listCorridors = defineUseCase({
  name: 'aid.listCorridors',
  kind: 'read',
  public: true,
  restricted: 'aid_corridor',
  allow: checkRead,
  input: z.object({}).strict(),
  async run(uc): Promise<Corridor[]> {
    const withPath = isCentre(uc.ctx.actor);
    const r = await uc.ctx.db.execute(
      sql`SELECT ${columns(withPath)} FROM ${FROM} ORDER BY c.name LIMIT 500`,
    );
    const items = r.rows.map((x) => corridorOf(x, withPath));
    const shown = items.filter((c) => c.path).map((c) => c.id);
    if (shown.length > 0) await uc.restrictedRead('aid_corridor', null, { fields: ['path'], ids: shown });
    return items;
  },
});

export const getCorridor = defineUseCase({
  name: 'aid.getCorridor',
  kind: 'read',
  public: true,
  restricted: 'aid_corridor',
  allow: checkRead,
  input: z.object({ id: uuid }),
  async run(uc): Promise<Corridor> {
    const withPath = isCentre(uc.ctx.actor);
    const r = await uc.ctx.db.execute(
      sql`SELECT ${columns(withPath)} FROM ${FROM} WHERE c.id = ${uc.input.id}`,
    );
    if (!r.rows[0]) throw notFound('corridor');
    const c = corridorOf(r.rows[0], withPath);
    if (c.path) await uc.restrictedRead('aid_corridor', c.id, { fields: ['path'] });
    return c;
  },
});

/** The centre records a corridor; recording it counts as verifying it. */
export const createCorridor = defineUseCase({
  name: 'aid.createCorridor',
  kind: 'write',
  audit: 'aid_corridor',
  allow: requireCentre,
  input: corridorInput,
  async run(uc): Promise<Corridor> {
    const { ctx, input } = uc;
    const actor = requireActor(ctx);
    const tx = ctx.db;
    if (input.originOrgId) await organisationPlace(tx, input.originOrgId, 'originOrgId');
    if (input.destinationOrgId) await organisationPlace(tx, input.destinationOrgId, 'destinationOrgId');
    const at = ctx.now.toISOString();
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO aid_corridors (name, origin_name, destination_name, origin_org_id, destination_org_id, path, status, note,
        last_verified_at, last_verified_by, last_verified_by_name, created_at, updated_at)
      VALUES (${input.name}, ${input.originName}, ${input.destinationName}, ${input.originOrgId ?? null},
        ${input.destinationOrgId ?? null}, ${input.path ? JSON.stringify(input.path) : null}::jsonb, ${input.status},
        ${input.note || null}, ${at}, ${actor.userId}, ${actor.name}, ${at}, ${at})
      ON CONFLICT (name) DO NOTHING RETURNING id`);
    const id = r.rows[0]?.id;
    if (!id) throw new AppError('already_exists', { field: 'name' });
    // The route itself stays out of the audit log, which more people read than the route.
    await uc.audit({ action: 'create', entityId: id, after: { ...input, path: input.path ? 'set' : null } });
    const created = await tx.execute(sql`SELECT ${columns(true)} FROM ${FROM} WHERE c.id = ${id}`);
    return corridorOf(created.rows[0], true);
  },
});

/** The centre re-verifies a corridor and sets its status (who and when are kept). */
export const verifyCorridor = defineUseCase({
  name: 'aid.verifyCorridor',
  kind: 'write',
  audit: 'aid_corridor',
  allow: requireCentre,
  input: corridorStatusInput.extend({ id: uuid }),
  async run(uc): Promise<Corridor> {
    const { ctx, input } = uc;
    const { id } = input;
    const actor = requireActor(ctx);
    const tx = ctx.db;
    const r = await tx.execute<{ status: string; version: number }>(
      sql`SELECT status, version FROM aid_corridors WHERE id = ${id} FOR UPDATE`,
    );
    const before = r.rows[0];
    if (!before) throw notFound('corridor');
    if (Number(before.version) !== input.version)
      throw new AppError('conflict', { reason: 'stale_version', current: Number(before.version) });
    const at = ctx.now.toISOString();
    await tx.execute(sql`UPDATE aid_corridors SET status = ${input.status},
      note = COALESCE(${input.note || null}, note), last_verified_at = ${at}, last_verified_by = ${actor.userId},
      last_verified_by_name = ${actor.name}, version = version + 1, updated_at = ${at} WHERE id = ${id}`);
    await uc.audit({
      action: 'verify',
      entityId: id,
      before: { status: before.status },
      after: { status: input.status },
    });
    const after = await tx.execute(sql`SELECT ${columns(false)} FROM ${FROM} WHERE c.id = ${id}`);
    return corridorOf(after.rows[0], false);
  },
});
