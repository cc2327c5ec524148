import type { FastifyRequest } from 'fastify';
import { formatDate, t } from '../../../../core/i18n/i18n.ts';
import { Csrf } from '../../../../core/ui/layout.tsx';
import type { BulkSummary } from '../service-bulk.ts';
import { day, shortText } from './common.tsx';

const status = (l: FastifyRequest['locale'], s: string | null) => (s ? t(l, `talksActions.status.${s}`) : '');

export function ImportForm({
  request,
  error,
}: {
  request: FastifyRequest;
  error?: { code: string; details?: unknown };
}) {
  const l = request.locale;
  return (
    <>
      <h1>{t(l, 'talksActions.import.title')}</h1>
      <p>{t(l, 'talksActions.import.intro')}</p>
      {error && (
        <div class="error-summary" role="alert">
          <p>{t(l, `errors.${error.code}`)}</p>
          {error.details !== undefined && <pre>{JSON.stringify(error.details, null, 1)}</pre>}
        </div>
      )}
      <form
        method="post"
        action={`/actions/import?_csrf=${encodeURIComponent(request.csrfToken)}`}
        enctype="multipart/form-data"
        class="form"
      >
        <div class="field">
          <label for="bulk-file">{t(l, 'talksActions.import.file')}</label>
          <input id="bulk-file" type="file" name="file" accept=".csv,text/csv" />
        </div>
        <div class="field">
          <label for="bulk-csv">{t(l, 'talksActions.import.paste')}</label>
          <textarea
            id="bulk-csv"
            name="csv"
            rows={8}
            cols={80}
            placeholder="action_id,status,progress,note,date"
          />
        </div>
        <button type="submit">{t(l, 'talksActions.import.preview')}</button>
      </form>
    </>
  );
}

export function ImportPreview({ request, summary }: { request: FastifyRequest; summary: BulkSummary }) {
  const l = request.locale;
  const applied = summary.appliedAt !== null;
  return (
    <>
      <h1>
        {t(l, applied ? 'talksActions.import.appliedTitle' : 'talksActions.import.previewTitle', {
          file: summary.filename,
        })}
      </h1>
      {applied && (
        <p>
          {t(l, 'talksActions.import.appliedOn', {
            date: formatDate(l, summary.appliedAt!, {
              dateStyle: 'medium',
              timeStyle: 'short',
              timeZone: 'UTC',
            }),
          })}{' '}
          {summary.rolledUp > 0 && t(l, 'talksActions.import.rolledUp', { count: summary.rolledUp })}
        </p>
      )}
      <h2>{t(l, 'talksActions.import.changes')}</h2>
      {summary.changes.length === 0 ? (
        <p>{t(l, 'talksActions.import.noChanges')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption>{t(l, 'talksActions.import.changes')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'talksActions.import.line')}</th>
                <th scope="col">{t(l, 'talksActions.import.action')}</th>
                <th scope="col">{t(l, 'talksActions.import.status')}</th>
                <th scope="col">{t(l, 'talksActions.import.progress')}</th>
                <th scope="col">{t(l, 'talksActions.import.note')}</th>
                <th scope="col">{t(l, 'talksActions.import.date')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.changes.map((c) => (
                <tr key={c.line}>
                  <td>{c.line}</td>
                  <td>
                    <a href={`/talks/actions/${c.actionId}`}>{shortText(l, c.actionText, 80)}</a>
                  </td>
                  <td>{c.statusTo ? `${status(l, c.statusFrom)} → ${status(l, c.statusTo)}` : '—'}</td>
                  <td>{c.progressTo !== null ? `${c.progressFrom}% → ${c.progressTo}%` : '—'}</td>
                  <td>{c.note ?? ''}</td>
                  <td>{day(l, c.date)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {summary.unchanged.length > 0 && (
        <p>{t(l, 'talksActions.import.unchanged', { count: summary.unchanged.length })}</p>
      )}
      {summary.rejected.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <caption>{t(l, 'talksActions.import.rejected')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'talksActions.import.line')}</th>
                <th scope="col">{t(l, 'talksActions.import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.rejected.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!applied && summary.changes.length > 0 && (
        <form method="post" action={`/actions/import/${summary.id}/apply`}>
          <Csrf request={request} />
          <button type="submit">
            {t(l, 'talksActions.import.apply', { count: summary.changes.length })}
          </button>
        </form>
      )}
      <p>
        <a href="/actions/import">{t(l, 'talksActions.import.another')}</a> ·{' '}
        <a href="/actions">{t(l, 'talksActions.tracker.title')}</a>
      </p>
    </>
  );
}
