import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatNumber, t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { type CapacityReport, capacityGroups } from '../service-capacity.ts';
import { ExportLinks } from './needs.tsx';
import { AidNav, day, ErrorSummary, type Errors, Field, Select, type Values } from './ui.tsx';

export function CapacityPage({
  request,
  reports,
  canReport,
  values,
  errors,
  organisations,
}: {
  request: FastifyRequest;
  reports: CapacityReport[];
  canReport: boolean;
  values: Values;
  errors: Errors;
  organisations: { value: string; label: string }[];
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/capacity" />
      <h1>{t(l, 'aid.capacity.title')}</h1>
      <p>{t(l, 'aid.capacity.intro')}</p>
      <div class="table-wrap">
        <table class="data">
          <caption>{t(l, 'aid.capacity.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                {t(l, 'aid.capacity.lrg')}
              </th>
              <th scope="col" rowSpan={2}>
                {t(l, 'aid.capacity.asOf')}
              </th>
              {capacityGroups.map((g) => (
                <th key={g} scope="colgroup" colSpan={2}>
                  {t(l, `aid.capacity.group.${g}`)}
                </th>
              ))}
            </tr>
            <tr>
              {capacityGroups.flatMap((g) => [
                <th key={`${g}a`} scope="col">
                  {t(l, 'aid.capacity.available')}
                </th>,
                <th key={`${g}u`} scope="col">
                  {t(l, 'aid.capacity.used')}
                </th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.orgName}</th>
                <td>{day(l, r.asOf)}</td>
                {capacityGroups.flatMap((g) => [
                  <td key={`${g}a`} class="num">
                    {formatNumber(l, r.groups[g].available)}
                  </td>,
                  <td key={`${g}u`} class="num">
                    {formatNumber(l, r.groups[g].used)}
                  </td>,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reports.length === 0 && <p>{t(l, 'aid.none')}</p>}
      <ExportLinks l={l} name="capacity" />
      {canReport && (
        <section aria-labelledby="cap-form-h">
          <h2 id="cap-form-h">{t(l, 'aid.capacity.report')}</h2>
          <p class="notice warning">{t(l, 'aid.capacity.noPersonalData')}</p>
          <ErrorSummary l={l} errors={errors} />
          <form method="post" action="/aid/capacity" class="form">
            <Csrf request={request} />
            <Select
              l={l}
              name="orgId"
              label={t(l, 'aid.capacity.lrg')}
              options={organisations}
              values={values}
              errors={errors}
              required
            />
            <Field
              l={l}
              name="asOf"
              label={t(l, 'aid.capacity.asOf')}
              type="date"
              values={values}
              errors={errors}
              required
            />
            {capacityGroups.map((g) => (
              <fieldset key={g}>
                <legend>{t(l, `aid.capacity.group.${g}`)}</legend>
                <Field
                  l={l}
                  name={`${g}Available`}
                  label={t(l, 'aid.capacity.available')}
                  type="number"
                  min={0}
                  values={values}
                  errors={errors}
                />
                <Field
                  l={l}
                  name={`${g}Used`}
                  label={t(l, 'aid.capacity.used')}
                  type="number"
                  min={0}
                  values={values}
                  errors={errors}
                />
              </fieldset>
            ))}
            <div class="actions">
              <button type="submit">{t(l, 'aid.capacity.report')}</button>
            </div>
          </form>
        </section>
      )}
    </>
  );
}
