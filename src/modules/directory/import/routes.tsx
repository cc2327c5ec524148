import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../core/errors.ts';
import { errorResponse, html, security, typed } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { formatNumber, t } from '../../../core/i18n/i18n.ts';
import { Csrf, renderPage } from '../../../core/ui/layout.tsx';
import { type CsvImportSummary, importOrganisationsCsv } from './csv.ts';
import { RejectedRows } from './rejected-rows.tsx';
import { requireImporter } from './summary.ts';

const summarySchema = z.object({
  form: z.enum(['organisations', 'memberships']),
  applied: z.boolean().describe('False when a row was rejected: then nothing was written'),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int().optional(), reason: z.string() })),
});
const count = z.coerce.number().int().min(0).max(1_000_000);
const doneQuery = z.object({
  created: count.optional(),
  updated: count.optional(),
  unchanged: count.optional(),
});

interface Outcome {
  csv: string;
  summary?: CsvImportSummary;
  error?: AppError;
}

function ImportPage({ request, outcome }: { request: FastifyRequest; outcome?: Outcome }) {
  const l = request.locale;
  const rejected = outcome?.summary?.rejected ?? [];
  return (
    <>
      <h1>{t(l, 'import.title')}</h1>
      <p>{t(l, 'import.intro')}</p>
      {outcome?.error && (
        <div class="errors" role="alert">
          <p>{t(l, 'import.invalidCsv')}</p>
          <pre>{JSON.stringify(outcome.error.details ?? {}, null, 1)}</pre>
        </div>
      )}
      <RejectedRows locale={l} rejected={rejected} />
      <form method="post" action="/directory/import">
        <Csrf request={request} />
        <label for="import-csv">{t(l, 'import.csvLabel')}</label>
        <p id="import-csv-hint" class="hint">
          {t(l, 'import.csvHint')}
        </p>
        <textarea id="import-csv" name="csv" rows={12} cols={80} required aria-describedby="import-csv-hint">
          {outcome?.csv ?? ''}
        </textarea>
        <p>
          <button type="submit">{t(l, 'import.submit')}</button>
        </p>
      </form>
    </>
  );
}

/** Import organisations or memberships from CSV through the web: a page for staff and a JSON route. */
export async function importRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get('/directory/import', { schema: { hide: true, querystring: doneQuery } }, async (request, reply) => {
    requireImporter(request.ctx());
    const q = request.query;
    const notice =
      q.created !== undefined
        ? t(request.locale, 'import.done', {
            created: formatNumber(request.locale, q.created),
            updated: formatNumber(request.locale, q.updated ?? 0),
            unchanged: formatNumber(request.locale, q.unchanged ?? 0),
          })
        : undefined;
    html(reply);
    return renderPage(request, {
      title: t(request.locale, 'import.title'),
      notice,
      children: <ImportPage request={request} />,
    });
  });

  app.post(
    '/directory/import',
    {
      schema: {
        hide: true,
        body: z.object({ csv: z.string().max(5_000_000), _csrf: z.string().optional() }),
      },
    },
    async (request, reply) => {
      const ctx = request.ctx();
      requireImporter(ctx);
      const csv = request.body.csv;
      let outcome: Outcome;
      try {
        const summary = await importOrganisationsCsv(ctx, { csv });
        if (summary.applied) {
          const { created, updated, unchanged } = summary;
          return reply.redirect(
            `/directory/import?created=${created}&updated=${updated}&unchanged=${unchanged}`,
            303,
          );
        }
        outcome = { csv, summary };
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'invalid_csv') throw e;
        outcome = { csv, error: e };
      }
      html(reply.code(422));
      return renderPage(request, {
        title: t(request.locale, 'import.title'),
        children: <ImportPage request={request} outcome={outcome} />,
      });
    },
  );

  app.post(
    '/api/v1/directory/import',
    {
      schema: {
        tags: ['directory'],
        summary:
          'Import organisations or memberships from CSV (all rows or none); importing twice changes nothing',
        security,
        body: z
          .object({ csv: z.string().min(1).max(5_000_000).describe('The CSV text, UTF-8, with a header') })
          .strict(),
        response: {
          200: summarySchema,
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          422: summarySchema,
        },
      },
    },
    async (request, reply) => {
      const summary = await importOrganisationsCsv(request.ctx(), { csv: request.body.csv });
      if (!summary.applied) reply.code(422);
      return summary;
    },
  );
}
