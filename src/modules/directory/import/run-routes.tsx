import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../core/errors.ts';
import { errorResponse, html, idParams, security, typed } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { formatDate, formatNumber, t } from '../../../core/i18n/i18n.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { invalidField } from '../../../core/validation/input.ts';
import { RejectedRows } from './rejected-rows.tsx';
import { getImportRun, type ImportRun, listImportRuns, startImport } from './runs.ts';

const runSchema = z.object({
  id: z.string().uuid(),
  filename: z.string(),
  status: z.enum(['queued', 'running', 'done', 'rejected', 'failed']),
  bytes: z.number().int(),
  summary: z
    .unknown()
    .describe('created, updated, unchanged and rejected rows (with line numbers) once finished'),
  error: z.unknown().describe('the error code and details when the file was refused'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const present = (r: ImportRun) => ({
  id: r.id,
  filename: r.filename,
  status: r.status,
  bytes: r.bytes,
  summary: r.summary ?? null,
  error: r.error ?? null,
  createdAt: new Date(r.createdAt).toISOString(),
  finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
});

function RunSummary({ request, run }: { request: FastifyRequest; run: ImportRun }) {
  const l = request.locale;
  const s = run.summary as {
    created: number;
    updated: number;
    unchanged: number;
    rejected: { line?: number; reason: string }[];
  } | null;
  const e = run.error as { code: string; details?: unknown } | null;
  return (
    <>
      <p>
        <span class={`badge status-${run.status}`}>{t(l, `importRuns.status.${run.status}`)}</span>{' '}
        {run.filename} · {formatNumber(l, run.bytes)} B ·{' '}
        {formatDate(l, run.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
      </p>
      {s && run.status === 'done' && (
        <p class="notice" role="status">
          {t(l, 'import.done', {
            created: formatNumber(l, s.created),
            updated: formatNumber(l, s.updated),
            unchanged: formatNumber(l, s.unchanged),
          })}
        </p>
      )}
      {s && <RejectedRows locale={l} rejected={s.rejected} />}
      {e && (
        <div class="errors" role="alert">
          <p>{t(l, `errors.${e.code}`)}</p>
          {e.details !== undefined && e.details !== null && <pre>{JSON.stringify(e.details, null, 1)}</pre>}
        </div>
      )}
    </>
  );
}

/** CSV files imported in the background (pg-boss): upload, follow, read the summary. */
export async function importRunRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get('/directory/imports', { schema: { hide: true } }, async (request, reply) => {
    const l = request.locale;
    const runs = await listImportRuns(request.ctx());
    html(reply);
    return renderPage(request, {
      title: t(l, 'importRuns.title'),
      children: (
        <>
          <h1>{t(l, 'importRuns.title')}</h1>
          <p>{t(l, 'importRuns.intro')}</p>
          <form
            method="post"
            action={`/directory/imports?_csrf=${encodeURIComponent(request.csrfToken)}`}
            enctype="multipart/form-data"
            class="form"
          >
            <div class="field">
              <label for="import-file">{t(l, 'importRuns.file')}</label>
              <input id="import-file" type="file" name="file" accept=".csv,text/csv" required />
            </div>
            <button type="submit">{t(l, 'importRuns.submit')}</button>
          </form>
          <p>
            <a href="/directory/import">{t(l, 'importRuns.paste')}</a>
          </p>
          <h2>{t(l, 'importRuns.recent')}</h2>
          {runs.length === 0 ? (
            <p>{t(l, 'importRuns.none')}</p>
          ) : (
            <ul>
              {runs.map((r) => (
                <li key={r.id}>
                  <a href={`/directory/imports/${r.id}`}>{r.filename}</a> —{' '}
                  {t(l, `importRuns.status.${r.status}`)} ·{' '}
                  {formatDate(l, r.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    });
  });

  // The file arrives as multipart; its CSRF token is in the form's URL (checked by the kernel).
  app.post('/directory/imports', { schema: { hide: true } }, async (request, reply) => {
    if (!request.isMultipart()) throw new AppError('unsupported_media_type');
    const file = await request.file();
    if (!file) throw invalidField('file', 'required');
    const content = await file.toBuffer();
    const run = await startImport(request.ctx(), { jobs: services.jobs, filename: file.filename, content });
    return reply.redirect(`/directory/imports/${run.id}`, 303);
  });

  app.get('/directory/imports/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const l = request.locale;
    const run = await getImportRun(request.ctx(), { id: request.params.id });
    const pending = run.status === 'queued' || run.status === 'running';
    // Without JavaScript, a refresh every two seconds follows the run until it ends.
    if (pending) reply.header('refresh', '2');
    html(reply);
    return renderPage(request, {
      title: t(l, 'importRuns.run'),
      children: (
        <>
          <h1>{t(l, 'importRuns.run')}</h1>
          <RunSummary request={request} run={run} />
          <p>
            <a href="/directory/imports">{t(l, 'importRuns.back')}</a>
          </p>
        </>
      ),
    });
  });

  app.post(
    '/api/v1/directory/imports',
    {
      schema: {
        tags: ['directory'],
        summary:
          'Queue a CSV file of organisations or memberships for import in the background; follow it with GET',
        security,
        body: z
          .object({
            filename: z.string().min(1).max(200).default('import.csv'),
            csv: z
              .string()
              .min(1)
              .max(900_000)
              .describe('The CSV text, UTF-8, with a header (for larger files use the upload page)'),
          })
          .strict(),
        response: { 202: runSchema, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
    },
    async (request, reply) => {
      const run = await startImport(request.ctx(), {
        jobs: services.jobs,
        filename: request.body.filename,
        content: request.body.csv,
      });
      reply.code(202);
      return present(run);
    },
  );

  app.get(
    '/api/v1/directory/imports/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'The state and summary of a background import',
        security,
        params: idParams,
        response: { 200: runSchema, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => present(await getImportRun(request.ctx(), { id: request.params.id })),
  );
}
