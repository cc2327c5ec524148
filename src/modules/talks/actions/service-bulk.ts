import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { isStaff, requireActor, requireScope } from '../../../core/policy/policy.ts';
import { type I18nText, uuid } from '../../../core/validation/input.ts';
import type { ActionStatus } from '../schema.ts';
import { canReport, uuidArray } from './access.ts';
import { type BulkRejection, decode, parseFile } from './bulk-csv.ts';
import { lockWithAncestors, rollUp } from './rollup.ts';
import { actionVisibleSql } from './service-actions.ts';
import { changesSomething, type PlannedChange, planChange } from './service-updates.ts';

/**
 * Progress of many actions at once from a CSV file `action_id,status,progress,note,date`:
 * the file is kept, previewed (every change from → to, and every rejected row with its line and
 * reason), then applied in one transaction with one audit event. A row sets a state rather than
 * a step, so a row already applied changes nothing, and applying the same file twice changes
 * nothing the second time. Rows that are rejected are never applied; the others are.
 */

export interface BulkChange extends PlannedChange {
  line: number;
  actionId: string;
  actionText: I18nText;
  note: string | null;
  date: string;
}

export interface BulkSummary {
  id: string;
  filename: string;
  sha256: string;
  createdAt: string;
  appliedAt: string | null;
  /** What applying changes (or, once applied, what it changed). */
  changes: BulkChange[];
  /** Rows that match what is recorded already. */
  unchanged: number[];
  rejected: BulkRejection[];
  /** Parents whose progress was recomputed when applied. */
  rolledUp: number;
}

type Current = {
  id: string;
  status: ActionStatus;
  progress: number;
  responsible_org_id: string | null;
  has_children: boolean;
  text: I18nText;
};

/** What each row would change, against the actions as they are now (read inside `db`). */
async function plan(
  db: DbOrTx,
  ctx: Ctx,
  content: string,
): Promise<{ changes: BulkChange[]; unchanged: number[]; rejected: BulkRejection[] }> {
  const { rows, rejected } = parseFile(content);
  const ids = rows.map((r) => r.actionId);
  const current = new Map<string, Current>();
  const notes = new Set<string>();
  if (ids.length) {
    const found = await db.execute<Current>(sql`
      SELECT a.id, a.status, a.progress, a.responsible_org_id, a.text,
        EXISTS (SELECT 1 FROM talks_actions c WHERE c.parent_id = a.id) AS has_children
      FROM talks_actions a JOIN talks_sessions s ON s.id = a.session_id
      WHERE a.id = ANY(${uuidArray(ids)}) AND ${actionVisibleSql(ctx.actor)}`);
    for (const a of found.rows) current.set(a.id, a);
    // Notes already recorded from a file, so that a note row is written once.
    const earlier = await db.execute<{ action_id: string; happened_on: string; note: string }>(sql`
      SELECT u.action_id, u.happened_on::text AS happened_on, v.note
      FROM talks_action_updates u CROSS JOIN LATERAL jsonb_each_text(u.note) AS v(lang, note)
      WHERE u.action_id = ANY(${uuidArray(ids)}) AND u.source = 'csv' AND u.note IS NOT NULL`);
    for (const n of earlier.rows) notes.add(`${n.action_id} ${n.happened_on} ${n.note}`);
  }
  const changes: BulkChange[] = [];
  const unchanged: number[] = [];
  for (const row of rows) {
    const a = current.get(row.actionId);
    if (!a) {
      rejected.push({ line: row.line, reason: 'no such action (or not visible to you)' });
      continue;
    }
    if (!canReport(ctx.actor, a.responsible_org_id)) {
      rejected.push({ line: row.line, reason: 'you may not report on this action' });
      continue;
    }
    let planned: PlannedChange;
    try {
      planned = planChange(
        { status: a.status, progress: a.progress, hasChildren: a.has_children },
        { status: row.status, progress: row.progress },
      );
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      rejected.push({
        line: row.line,
        reason:
          e.code === 'invalid_transition'
            ? `status cannot go from ${a.status} to ${row.status}`
            : 'progress of an action with sub-actions is computed from them',
      });
      continue;
    }
    const newNote = row.note !== null && !notes.has(`${row.actionId} ${row.date} ${row.note}`);
    if (!changesSomething(planned) && !newNote) {
      unchanged.push(row.line);
      continue;
    }
    changes.push({
      ...planned,
      line: row.line,
      actionId: row.actionId,
      actionText: a.text,
      note: newNote ? row.note : null,
      date: row.date,
    });
  }
  rejected.sort((x, y) => x.line - y.line);
  return { changes, unchanged, rejected };
}

function requireBulkReporter(ctx: Ctx): void {
  requireActor(ctx);
  requireScope(ctx, 'write');
}

type ImportRow = {
  id: string;
  filename: string;
  content: string;
  sha256: string;
  locale: string;
  created_by: string | null;
  created_at: string;
  applied_at: string | null;
  result: Omit<BulkSummary, 'id' | 'filename' | 'sha256' | 'createdAt' | 'appliedAt'> | null;
};

const importColumns = sql`id, filename, content, sha256, locale, created_by,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at, result`;

/**
 * Keep a file and preview what applying it would change. Nothing of the actions is written, so no
 * audit event is due: the kept file is a draft that only its sender and staff see, and applying
 * it is what the audit log records (with the file's sha256).
 */
export const previewBulkUpdate = defineUseCase({
  name: 'talks.previewBulkUpdate',
  kind: 'write',
  audit: 'talks_action_import',
  allow: requireBulkReporter,
  input: z
    .object({
      filename: z.string().optional(),
      content: z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]),
    })
    .strict(),
  async run({ ctx, input, unchanged }): Promise<BulkSummary> {
    unchanged();
    return preview(ctx, input);
  },
});

async function preview(ctx: Ctx, input: { filename?: string; content: string | Uint8Array }) {
  const content = decode(input.content);
  const planned = await plan(ctx.db, ctx, content);
  const filename = (input.filename ?? 'progress.csv').slice(0, 200) || 'progress.csv';
  const sha256 = createHash('sha256').update(content).digest('hex');
  const r = await ctx.db.execute<{ id: string; created_at: string }>(sql`
    INSERT INTO talks_action_imports (filename, content, sha256, locale, created_by, created_at)
    VALUES (${filename}, ${content}, ${sha256}, ${ctx.locale}, ${ctx.actor!.userId}, ${ctx.now.toISOString()})
    RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`);
  return {
    id: r.rows[0].id,
    filename,
    sha256,
    createdAt: r.rows[0].created_at,
    appliedAt: null,
    ...planned,
    rolledUp: 0,
  };
}

async function loadImport(db: DbOrTx, ctx: Ctx, id: string, lock: boolean): Promise<ImportRow> {
  if (!uuid.safeParse(id).success) throw notFound('import');
  const r = await db.execute<ImportRow>(
    sql`SELECT ${importColumns} FROM talks_action_imports WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  const row = r.rows[0];
  // A file is seen by whoever sent it, and by staff.
  if (!row || (row.created_by !== ctx.actor?.userId && !isStaff(ctx.actor))) throw notFound('import');
  return row;
}

/** A kept file: its preview against the actions as they are now, or what it changed once applied. */
export const getBulkUpdate = defineUseCase({
  name: 'talks.getBulkUpdate',
  kind: 'read',
  allow: requireActor,
  input: z.object({ id: uuid }).strict(),
  async run({ ctx, input }): Promise<BulkSummary> {
    const row = await loadImport(ctx.db, ctx, input.id, false);
    const base = { id: row.id, filename: row.filename, sha256: row.sha256, createdAt: row.created_at };
    if (row.applied_at && row.result) return { ...base, appliedAt: row.applied_at, ...row.result };
    return { ...base, appliedAt: null, ...(await plan(ctx.db, ctx, row.content)), rolledUp: 0 };
  },
});

/**
 * Apply a kept file in one transaction: every action named is locked with its ancestors, the
 * changes are computed again against what is recorded now, written with their updates, and the
 * parents' progress recomputed. Applying a file again (or the same content in another file)
 * finds every row unchanged and writes nothing but the record of that second application;
 * applying the same kept file again answers what it did the first time.
 */
export const applyBulkUpdate = defineUseCase({
  name: 'talks.applyBulkUpdate',
  kind: 'write',
  audit: 'talks_action_import',
  allow: requireBulkReporter,
  input: z.object({ id: uuid }).strict(),
  async run(uc): Promise<BulkSummary> {
    const { ctx, input, audit } = uc;
    const { id } = input;
    const tx = ctx.db;
    const row = await loadImport(tx, ctx, id, true);
    const base = { id: row.id, filename: row.filename, sha256: row.sha256, createdAt: row.created_at };
    // Applied already: the same answer again, and nothing written.
    if (row.applied_at && row.result) {
      uc.unchanged();
      return { ...base, appliedAt: row.applied_at, ...row.result };
    }
    const ids = parseFile(row.content).rows.map((r) => r.actionId);
    await lockWithAncestors(tx, ids);
    const { changes, unchanged, rejected } = await plan(tx, ctx, row.content);
    const now = ctx.now.toISOString();
    let rolledUp = 0;
    if (changes.length) {
      const records = changes.map((c) => ({
        action_id: c.actionId,
        happened_on: c.date,
        status_from: c.statusFrom,
        status_to: c.statusTo,
        progress_from: c.progressFrom,
        progress_to: c.progressTo,
        note: c.note === null ? null : { [row.locale]: c.note },
      }));
      const json = JSON.stringify(records);
      await tx.execute(sql`
        INSERT INTO talks_action_updates (action_id, happened_on, status_from, status_to, progress_from, progress_to,
          note, source, created_by, created_at)
        SELECT x.action_id, x.happened_on, x.status_from, x.status_to, x.progress_from, x.progress_to, x.note, 'csv',
          ${ctx.actor!.userId}, ${now}
        FROM jsonb_to_recordset(${json}::jsonb) AS x(action_id uuid, happened_on date, status_from text,
          status_to text, progress_from int, progress_to int, note jsonb)`);
      await tx.execute(sql`
        UPDATE talks_actions a SET status = coalesce(x.status_to, a.status),
          progress = coalesce(x.progress_to, a.progress), updated_at = ${now}
        FROM jsonb_to_recordset(${json}::jsonb) AS x(action_id uuid, status_to text, progress_to int)
        WHERE a.id = x.action_id AND (x.status_to IS NOT NULL OR x.progress_to IS NOT NULL)`);
      const moved = changes.filter(changesSomething).map((c) => c.actionId);
      rolledUp = (await rollUp(tx, moved, ctx.now)).length;
    }
    const result = { changes, unchanged, rejected, rolledUp };
    await tx.execute(sql`UPDATE talks_action_imports SET applied_at = ${now}, applied_by = ${ctx.actor!.userId},
      result = ${JSON.stringify(result)}::jsonb WHERE id = ${id}`);
    await audit({
      action: 'apply',
      entityId: id,
      after: {
        sha256: row.sha256,
        changes: changes.map(({ actionText: _, ...c }) => c),
        unchanged: unchanged.length,
        rejected: rejected.length,
        rolledUp,
      },
    });
    return { ...base, appliedAt: `${now.slice(0, 19)}Z`, ...result };
  },
});
