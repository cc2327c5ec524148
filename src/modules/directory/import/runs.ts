import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { loadActor } from '../../../core/auth/resolve.ts';
import type { Ctx } from '../../../core/context.ts';
import type { Database } from '../../../core/db/pool.ts';
import { type DbOrTx, inTransaction } from '../../../core/db/tx.ts';
import { AppError, isAppError } from '../../../core/errors.ts';
import type { Jobs } from '../../../core/jobs/jobs.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { importOrganisationsCsv } from './csv.ts';
import { requireImporter } from './summary.ts';

/**
 * CSV imports as background jobs (pg-boss): a large file is stored with its run, a worker on
 * any instance imports it, and the page of the run shows its progress and its summary. The
 * import itself is the same all-or-nothing use case as the command line's.
 */

export const IMPORT_QUEUE = 'directory.import';

export type ImportRunStatus = 'queued' | 'running' | 'done' | 'rejected' | 'failed';

export type ImportRun = {
  id: string;
  filename: string;
  status: ImportRunStatus;
  summary: unknown;
  error: unknown;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  bytes: number;
};

const columns = sql`id, filename, status, summary, error, created_by AS "createdBy", created_at AS "createdAt",
  started_at AS "startedAt", finished_at AS "finishedAt", octet_length(content)::int AS bytes`;

async function findRun(db: DbOrTx, id: string): Promise<ImportRun | null> {
  const r = await db.execute<ImportRun>(sql`SELECT ${columns} FROM import_runs WHERE id = ${id}`);
  return r.rows[0] ?? null;
}

/** Queue a CSV file for import. The file is checked for being UTF-8 text now; its rows by the job. */
export const startImport = defineUseCase({
  name: 'directory.startImport',
  kind: 'write',
  audit: 'directory_import_run',
  // The job is sent once the run is committed: a worker must find it.
  ownTransaction: true,
  allow: requireImporter,
  input: z
    .object({
      jobs: z.custom<Jobs>((v) => typeof v === 'object' && v !== null && 'send' in v),
      filename: z.string(),
      content: z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]),
    })
    .strict(),
  run: async (uc): Promise<ImportRun> => {
    const { ctx, input } = uc;
    const filename = input.filename.trim().slice(0, 200) || 'import.csv';
    let text: string;
    try {
      text =
        typeof input.content === 'string'
          ? input.content
          : new TextDecoder('utf-8', { fatal: true }).decode(input.content);
    } catch {
      throw new AppError('invalid_csv', { reason: 'not_utf8' });
    }
    if (text.includes('\u0000')) throw new AppError('invalid_csv', { reason: 'binary' });
    if (text.trim() === '') throw new AppError('invalid_csv', { reason: 'empty' });
    const run = await inTransaction(ctx.db, async (tx) => {
      const r = await tx.execute<ImportRun>(sql`
        INSERT INTO import_runs (filename, content, created_by) VALUES (${filename}, ${text}, ${ctx.actor?.userId ?? null})
        RETURNING ${columns}`);
      const created = r.rows[0];
      await uc.audit(
        { action: 'queue_import', entityId: created.id, after: { filename, bytes: created.bytes } },
        tx,
      );
      return created;
    });
    await input.jobs.send(IMPORT_QUEUE, { id: run.id });
    return (await findRun(ctx.db, run.id)) ?? run;
  },
});

export const getImportRun = defineUseCase({
  name: 'directory.getImportRun',
  kind: 'read',
  allow: requireImporter,
  input: z.object({ id: z.string() }).strict(),
  run: async ({ ctx, input }): Promise<ImportRun> => {
    // Anything but an id is a run that does not exist, not a malformed request.
    const run = /^[0-9a-f-]{36}$/i.test(input.id) ? await findRun(ctx.db, input.id) : null;
    if (!run) throw new AppError('not_found');
    return run;
  },
});

export const listImportRuns = defineUseCase({
  name: 'directory.listImportRuns',
  kind: 'read',
  allow: requireImporter,
  input: z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
  run: async ({ ctx, input }): Promise<ImportRun[]> => {
    const r = await ctx.db.execute<ImportRun>(
      sql`SELECT ${columns} FROM import_runs ORDER BY created_at DESC, id LIMIT ${input.limit}`,
    );
    return r.rows;
  },
});

/**
 * The job: claim the run (a retried or duplicated job finds it taken and does nothing), import
 * as the person who queued it, and record the outcome.
 */
export async function runImport(database: Database, id: string): Promise<void> {
  const db = database.db;
  const claimed = await db.execute<{ created_by: string | null; content: string }>(sql`
    UPDATE import_runs SET status = 'running', started_at = now()
    WHERE id = ${id} AND status = 'queued' RETURNING created_by, content`);
  const run = claimed.rows[0];
  if (!run) return;
  const actor = run.created_by ? await loadActor(db, run.created_by) : null;
  const ctx: Ctx = {
    db,
    actor,
    locale: 'en',
    now: new Date(),
    requestId: actor ? `job:${id}` : 'system:import',
  };
  try {
    if (run.created_by && !actor) throw new AppError('forbidden', { reason: 'user_disabled' });
    const summary = await importOrganisationsCsv(ctx, { csv: run.content });
    await db.execute(sql`
      UPDATE import_runs SET status = ${summary.applied ? 'done' : 'rejected'}, summary = ${JSON.stringify(summary)}::jsonb,
        finished_at = now() WHERE id = ${id}`);
  } catch (e) {
    const error = isAppError(e) ? { code: e.code, details: e.details ?? null } : { code: 'internal' };
    await db.execute(sql`
      UPDATE import_runs SET status = ${isAppError(e) ? 'rejected' : 'failed'}, error = ${JSON.stringify(error)}::jsonb,
        finished_at = now() WHERE id = ${id}`);
    if (!isAppError(e)) throw e;
  }
}
