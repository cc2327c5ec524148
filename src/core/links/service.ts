import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Ctx } from '../context.ts';
import { inTransaction } from '../db/tx.ts';
import { AppError, notFound } from '../errors.ts';
import { requireActor, requireScope } from '../policy/policy.ts';
import { type LinkTarget, linkKind } from './registry.ts';

export const linkRelations = ['related', 'follows_up', 'funds', 'implements', 'responds_to'] as const;
export type LinkRelation = (typeof linkRelations)[number];

export interface RecordRef {
  kind: string;
  id: string;
}

export interface LinkView {
  id: string;
  relation: string;
  note: string | null;
  createdAt: string;
  /** The record at the other end, as the reader may see it. */
  other: LinkTarget & { kind: string; kindLabel: string };
  /** `out` when the record asked about is the link's origin. */
  direction: 'out' | 'in';
}

function kindOf(name: string) {
  const k = linkKind(name);
  if (!k) throw new AppError('validation_failed', { field: 'kind', reason: 'unknown_kind', kind: name });
  return k;
}

/** Link two records. The actor must be allowed to link the origin, and able to read the target. */
export async function linkRecords(
  ctx: Ctx,
  input: { from: RecordRef; to: RecordRef; relation?: LinkRelation; note?: string | null },
): Promise<{ id: string }> {
  const actor = requireActor(ctx);
  requireScope(ctx, 'write');
  const fromKind = kindOf(input.from.kind);
  const toKind = kindOf(input.to.kind);
  if (input.from.kind === input.to.kind && input.from.id === input.to.id) {
    throw new AppError('validation_failed', { field: 'to', reason: 'self_link' });
  }
  const relation = input.relation ?? 'related';
  return inTransaction(ctx.db, async (tx) => {
    const [from] = await fromKind.load(tx, ctx, [input.from.id]);
    if (!from) throw notFound(input.from.kind);
    const [to] = await toKind.load(tx, ctx, [input.to.id]);
    if (!to) throw new AppError('unknown_reference', { field: 'to', kind: input.to.kind });
    await fromKind.assertCanLink(tx, ctx, input.from.id);
    const inserted = await tx.execute<{ id: string }>(sql`
      INSERT INTO record_links (from_kind, from_id, to_kind, to_id, relation, note, created_by, created_at)
      VALUES (${input.from.kind}, ${input.from.id}, ${input.to.kind}, ${input.to.id}, ${relation},
              ${input.note ?? null}, ${actor.userId}, ${ctx.now.toISOString()})
      ON CONFLICT DO NOTHING
      RETURNING id`);
    const id = inserted.rows[0]?.id;
    if (!id) throw new AppError('already_exists', { resource: 'link' });
    await audit(tx, ctx, {
      action: 'create',
      entity: 'record_link',
      entityId: id,
      after: { from: input.from, to: input.to, relation, note: input.note ?? null },
    });
    return { id };
  });
}

/** Remove a link (kept in history with who removed it). Either end's editor may do it. */
export async function unlinkRecords(ctx: Ctx, linkId: string): Promise<void> {
  const actor = requireActor(ctx);
  requireScope(ctx, 'write');
  await inTransaction(ctx.db, async (tx) => {
    const found = await tx.execute<{ from_kind: string; from_id: string; to_kind: string; to_id: string }>(
      sql`SELECT from_kind, from_id, to_kind, to_id FROM record_links
          WHERE id = ${linkId} AND removed_at IS NULL FOR UPDATE`,
    );
    const link = found.rows[0];
    if (!link) throw notFound('link');
    try {
      await kindOf(link.from_kind).assertCanLink(tx, ctx, link.from_id);
    } catch (e) {
      const to = linkKind(link.to_kind);
      if (!to) throw e;
      await to.assertCanLink(tx, ctx, link.to_id);
    }
    await tx.execute(
      sql`UPDATE record_links SET removed_at = ${ctx.now.toISOString()}, removed_by = ${actor.userId} WHERE id = ${linkId}`,
    );
    await audit(tx, ctx, { action: 'remove', entity: 'record_link', entityId: linkId, before: link });
  });
}

/**
 * The live links of a record, both ways, with the other end resolved by its part. Links whose
 * other end the reader may not see (or whose part is not loaded) are left out, so a link never
 * reveals a confidential record.
 */
export async function listLinks(
  ctx: Pick<Ctx, 'db' | 'actor' | 'locale'>,
  ref: RecordRef,
): Promise<LinkView[]> {
  const rows = await ctx.db.execute<{
    id: string;
    from_kind: string;
    from_id: string;
    to_kind: string;
    to_id: string;
    relation: string;
    note: string | null;
    created_at: Date;
  }>(sql`
    SELECT id, from_kind, from_id, to_kind, to_id, relation, note, created_at FROM record_links
    WHERE removed_at IS NULL
      AND ((from_kind = ${ref.kind} AND from_id = ${ref.id}) OR (to_kind = ${ref.kind} AND to_id = ${ref.id}))
    ORDER BY created_at, id`);
  const ends = rows.rows.map((r) => {
    const out = r.from_kind === ref.kind && r.from_id === ref.id;
    return { row: r, out, kind: out ? r.to_kind : r.from_kind, id: out ? r.to_id : r.from_id };
  });
  const byKind = new Map<string, string[]>();
  for (const e of ends) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e.id]);
  const resolved = new Map<string, LinkTarget>();
  for (const [kind, ids] of byKind) {
    const k = linkKind(kind);
    if (!k) continue;
    for (const target of await k.load(ctx.db, ctx, [...new Set(ids)]))
      resolved.set(`${kind}:${target.id}`, target);
  }
  const views: LinkView[] = [];
  for (const e of ends) {
    const target = resolved.get(`${e.kind}:${e.id}`);
    if (!target) continue;
    views.push({
      id: e.row.id,
      relation: e.row.relation,
      note: e.row.note,
      createdAt: new Date(e.row.created_at).toISOString(),
      direction: e.out ? 'out' : 'in',
      other: { ...target, kind: e.kind, kindLabel: linkKind(e.kind)!.label(ctx.locale) },
    });
  }
  return views;
}
