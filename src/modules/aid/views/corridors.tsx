import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { corridorStatuses } from '../schema.ts';
import type { Corridor } from '../service-corridors.ts';
import { AidNav, day, ErrorSummary, type Errors, Field, Select, Table, type Values } from './ui.tsx';

export function CorridorsPage({
  request,
  corridors,
  isCentre,
  values,
  errors,
  organisations,
}: {
  request: FastifyRequest;
  corridors: Corridor[];
  isCentre: boolean;
  values: Values;
  errors: Errors;
  organisations: { value: string; label: string }[];
}): VNode {
  const l = request.locale;
  const statusOptions = corridorStatuses.map((s) => ({ value: s, label: t(l, `aid.corridorStatus.${s}`) }));
  return (
    <>
      <AidNav l={l} current="/aid/corridors" />
      <h1>{t(l, 'aid.corridors.title')}</h1>
      <p class="help">
        {isCentre ? t(l, 'aid.corridors.restrictedShown') : t(l, 'aid.corridors.restrictedHidden')}
      </p>
      <Table
        caption={t(l, 'aid.corridors.title')}
        head={[
          t(l, 'aid.fields.name'),
          t(l, 'aid.corridors.route'),
          t(l, 'aid.fields.status'),
          t(l, 'aid.corridors.verified'),
          ...(isCentre ? [t(l, 'aid.corridors.path'), t(l, 'aid.corridors.reverify')] : []),
        ]}
      >
        {corridors.map((c) => (
          <tr key={c.id}>
            <td>{c.name}</td>
            <td>
              {c.originName} → {c.destinationName}
            </td>
            <td>{t(l, `aid.corridorStatus.${c.status}`)}</td>
            <td>
              {c.lastVerifiedAt
                ? t(l, 'aid.needs.verifiedBy', {
                    who: c.lastVerifiedByName ?? '—',
                    when: day(l, c.lastVerifiedAt),
                  })
                : '—'}
            </td>
            {isCentre && (
              <>
                <td>
                  <span class="badge badge-restricted">{t(l, 'aid.corridors.restricted')}</span>{' '}
                  {c.path ? c.path.map((p) => `${p[1].toFixed(4)}, ${p[0].toFixed(4)}`).join(' → ') : '—'}
                </td>
                <td>
                  <form method="post" action={`/aid/corridors/${c.id}/verify`} class="inline-form">
                    <Csrf request={request} />
                    <input type="hidden" name="version" value={String(c.version)} />
                    <label for={`st-${c.id}`}>{t(l, 'aid.fields.status')}</label>
                    <select id={`st-${c.id}`} name="status">
                      {statusOptions.map((o) => (
                        <option key={o.value} value={o.value} selected={o.value === c.status}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                    <button type="submit">{t(l, 'aid.corridors.reverify')}</button>
                  </form>
                </td>
              </>
            )}
          </tr>
        ))}
      </Table>
      {corridors.length === 0 && <p>{t(l, 'aid.none')}</p>}
      {isCentre && (
        <section aria-labelledby="new-corridor-h">
          <h2 id="new-corridor-h">{t(l, 'aid.corridors.new')}</h2>
          <ErrorSummary l={l} errors={errors} />
          <form method="post" action="/aid/corridors" class="form">
            <Csrf request={request} />
            <Field l={l} name="name" values={values} errors={errors} required />
            <Field l={l} name="originName" values={values} errors={errors} required />
            <Select
              l={l}
              name="originOrgId"
              options={organisations}
              anyLabel="—"
              values={values}
              errors={errors}
            />
            <Field l={l} name="destinationName" values={values} errors={errors} required />
            <Select
              l={l}
              name="destinationOrgId"
              options={organisations}
              anyLabel="—"
              values={values}
              errors={errors}
            />
            <Select l={l} name="status" options={statusOptions} values={values} errors={errors} required />
            <Field l={l} name="path" textarea values={values} errors={errors} help={t(l, 'aid.help.path')} />
            <div class="actions">
              <button type="submit">{t(l, 'aid.corridors.new')}</button>
            </div>
          </form>
        </section>
      )}
    </>
  );
}
