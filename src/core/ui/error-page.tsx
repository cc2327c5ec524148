import type { FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';
import { t } from '../i18n/i18n.ts';
import { renderPage } from './layout.tsx';

/** A friendly error page in the user's language, with the request id to quote when asking for help. */
export function renderErrorPage(request: FastifyRequest, e: AppError): string {
  const l = request.locale;
  return renderPage(request, {
    title: t(l, `errors.${e.code}`),
    children: (
      <section class="error-page">
        <h1>{t(l, `errors.${e.code}`)}</h1>
        <p>
          {t(
            l,
            `errorPage.hint.${e.status >= 500 ? 'server' : e.status === 404 ? 'missing' : e.status === 401 ? 'signin' : 'input'}`,
          )}
        </p>
        {e.code === 'validation_failed' && Array.isArray(e.details) && (
          <ul class="errors">
            {(e.details as { path?: string; message?: string }[]).map((d, i) => (
              <li key={i}>
                {d.path ? <strong>{d.path}: </strong> : null}
                {d.message}
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href="/">{t(l, 'errorPage.home')}</a>
        </p>
        <p class="muted">
          {t(l, 'errorPage.requestId')}: <code>{String(request.id)}</code>
        </p>
      </section>
    ),
  });
}
