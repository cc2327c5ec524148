import { sql } from 'drizzle-orm';
import { audit } from '../../core/audit/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { parseInput } from '../../core/validation/input.ts';
import { checkRead, isCentre, organisationPlace, requireCentre } from './access.ts';
import { type CorridorInput, corridorInput, corridorStatusInput } from './input.ts';
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
const FROM = sql`aid_corridors c LEFT JOIN organisations oo ON oo.id = c.origin_org_id
  LEFT JOIN organisations od ON od.id = c.destination_org_id`;

export async function listCorridors(ctx: Ctx): Promise<Corridor[]> {
  checkRead(ctx);
  const withPath = isCentre(ctx.actor);
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute(sql`SELECT ${columns(withPath)} FROM ${FROM} ORDER BY c.name LIMIT 500`);
    const items = r.rows.map((x) => corridorOf(x, withPath));
    if (withPath && items.some((c) => c.path))
      await audit(tx, ctx, {
        action: 'read_restricted',
        entity: 'aid_corridor',
        after: { fields: ['path'], ids: items.filter((c) => c.path).map((c) => c.id) },
      });
    return items;
  });
}

export async function getCorridor(ctx: Ctx, id: string): Promise<Corridor> {
  checkRead(ctx);
  const withPath = isCentre(ctx.actor);
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.execute(sql`SELECT ${columns(withPath)} FROM ${FROM} WHERE c.id = ${id}`);
    if (!r.rows[0]) throw notFound('corridor');
    const c = corridorOf(r.rows[0], withPath);
    if (withPath && c.path)
      await audit(tx, ctx, {
        action: 'read_restricted',
        entity: 'aid_corridor',
        entityId: id,
        after: { fields: ['path'] },
      });
    return c;
  });
}

/** The centre records a corridor; recording it counts as verifying it. */
export async function createCorridor(ctx: Ctx, raw: CorridorInput): Promise<Corridor> {
  const actor = requireCentre(ctx);
  const input = parseInput(corridorInput, raw);
  return inTransaction(ctx.db, async (tx) => {
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
    await audit(tx, ctx, {
      action: 'create',
      entity: 'aid_corridor',
      entityId: id,
      after: { ...input, path: input.path ? 'set' : null },
    });
    const created = await tx.execute(sql`SELECT ${columns(true)} FROM ${FROM} WHERE c.id = ${id}`);
    return corridorOf(created.rows[0], true);
  });
}

/** The centre re-verifies a corridor and sets its status (who and when are kept). */
export async function verifyCorridor(
  ctx: Ctx,
  id: string,
  raw: { status: CorridorStatus; version: number; note?: string | null },
): Promise<Corridor> {
  const actor = requireCentre(ctx);
  const input = parseInput(corridorStatusInput, raw);
  return inTransaction(ctx.db, async (tx) => {
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
    await audit(tx, ctx, {
      action: 'verify',
      entity: 'aid_corridor',
      entityId: id,
      before: { status: before.status },
      after: { status: input.status },
    });
    const after = await tx.execute(sql`SELECT ${columns(false)} FROM ${FROM} WHERE c.id = ${id}`);
    return corridorOf(after.rows[0], false);
  });
}
