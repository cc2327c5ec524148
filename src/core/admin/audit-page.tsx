import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorSummary, type FieldErrors, formErrors, statusOf } from '../auth/forms.tsx';
import { formatDate, t } from '../i18n/i18n.ts';
import { type AuditFilter, type AuditItem, listAuditEvents } from './service.ts';
import { adminPage } from './ui.tsx';

const FILTERS = ['entity', 'entityId', 'actor', 'action', 'from', 'to'] as const;

/** Before/after of an event, compact: one line of JSON each. */
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** The audit log with its filters (a GET form) and keyset pagination ("older events"). */
export async function auditPage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const l = request.locale;
  const q = request.query as Record<string, string | undefined>;
  const filter: AuditFilter = {};
  for (const k of FILTERS) if (typeof q[k] === 'string' && q[k]) filter[k] = q[k]!.slice(0, 200);
  const before = Number.parseInt(q.before ?? '', 10);
  if (before > 0) filter.before = before;
  let items: AuditItem[] = [];
  let nextBefore: number | null = null;
  let errors: FieldErrors | undefined;
  let status = 200;
  try {
    ({ items, nextBefore } = await listAuditEvents(request.ctx(), filter));
  } catch (e) {
    errors = formErrors(request, e);
    status = statusOf(e);
  }
  const input = (name: (typeof FILTERS)[number], type = 'text') => (
    <div class={errors?.[name] ? 'field has-error' : 'field'}>
      <label for={`f-${name}`}>{t(l, `admin.audit.${name}`)}</label>
      {errors?.[name] && <small class="field-error">{errors[name]}</small>}
      <input id={`f-${name}`} name={name} type={type as 'text'} value={q[name] ?? ''} />
    </div>
  );
  const older = new URLSearchParams();
  for (const k of FILTERS) if (filter[k]) older.set(k, String(filter[k]));
  if (nextBefore) older.set('before', String(nextBefore));
  return adminPage(
    request,
    reply,
    t(l, 'admin.audit.title'),
    <>
      <p>{t(l, 'admin.audit.intro')}</p>
      <ErrorSummary errors={errors} request={request} />
      <form method="get" action="/admin/audit" class="filters">
        {input('entity')}
        {input('entityId')}
        {input('actor')}
        {input('action')}
        {input('from', 'date')}
        {input('to', 'date')}
        <button type="submit">{t(l, 'admin.audit.filter')}</button>{' '}
        <a href="/admin/audit">{t(l, 'admin.audit.clear')}</a>
      </form>
      {items.length === 0 ? (
        <p>{t(l, 'admin.audit.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table audit">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t(l, 'admin.audit.at')}</th>
                <th scope="col">{t(l, 'admin.audit.actor')}</th>
                <th scope="col">{t(l, 'admin.audit.action')}</th>
                <th scope="col">{t(l, 'admin.audit.entity')}</th>
                <th scope="col">{t(l, 'admin.audit.change')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>
                    <time dateTime={e.at}>
                      {formatDate(l, e.at, { dateStyle: 'medium', timeStyle: 'medium' })}
                    </time>
                  </td>
                  <td>{e.actorLabel ?? t(l, 'admin.audit.system')}</td>
                  <td>{e.action}</td>
                  <td>
                    <a
                      href={`/admin/audit?entity=${encodeURIComponent(e.entity)}&entityId=${encodeURIComponent(e.entityId ?? '')}`}
                    >
                      {e.entity}
                      {e.entityId ? ` ${e.entityId}` : ''}
                    </a>
                  </td>
                  <td>
                    {e.before != null && (
                      <div>
                        <small>{t(l, 'admin.audit.before')}</small>{' '}
                        <code class="audit-json">{json(e.before)}</code>
                      </div>
                    )}
                    {e.after != null && (
                      <div>
                        <small>{t(l, 'admin.audit.after')}</small>{' '}
                        <code class="audit-json">{json(e.after)}</code>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore && (
        <p>
          <a href={`/admin/audit?${older}`} rel="next">
            {t(l, 'admin.audit.older')}
          </a>
        </p>
      )}
    </>,
    { status },
  );
}
