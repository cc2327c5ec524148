import type { FastifyRequest } from 'fastify';
import { pick } from '../../../../core/i18n/i18n.ts';
import type { FieldError } from '../../../../core/validation/input.ts';
import { actionStatuses, addressees, themes } from '../../schema.ts';
import type { Action } from '../rows.ts';
import { trackerSorts } from '../service-tracker.ts';
import { day, FormErrors, Progress, Responsible, Status, shortText, tt } from './common.tsx';
import type { OrgOption } from './session-page.tsx';

export interface TrackerView {
  filters: Record<string, string>;
  items: Action[];
  nextHref: string | null;
  firstHref: string | null;
  exportHref: string;
  sections: OrgOption[];
  errors: FieldError[] | null;
  canImport: boolean;
}

function Choice({
  id,
  name,
  label,
  value,
  options,
  any,
}: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  options: [string, string][];
  any?: string;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {any !== undefined && <option value="">{any}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v} selected={value === v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TrackerPage({ request, view }: { request: FastifyRequest; view: TrackerView }) {
  const l = request.locale;
  const f = view.filters;
  const any = tt(l, 'talksActions.tracker.any');
  return (
    <>
      <h1>{tt(l, 'talksActions.tracker.title')}</h1>
      <p class="lead">{tt(l, 'talksActions.tracker.intro')}</p>
      <FormErrors locale={l} errors={view.errors} />
      <form method="get" action="/actions" class="filters" aria-labelledby="filters-h">
        <h2 id="filters-h" class="visually-hidden">
          {tt(l, 'talksActions.tracker.filters')}
        </h2>
        <Choice
          id="t-section"
          name="section"
          label={tt(l, 'talksActions.tracker.section')}
          value={f.section}
          any={any}
          options={view.sections.map((s) => [s.id, pick(s.names, l, s.name).text])}
        />
        <div class="field">
          <label for="t-org">{tt(l, 'talksActions.tracker.responsible')}</label>
          <input id="t-org" name="responsibleOrgId" value={f.responsibleOrgId ?? ''} size={38} />
        </div>
        <Choice
          id="t-group"
          name="responsibleGroup"
          label={tt(l, 'talksActions.tracker.group')}
          value={f.responsibleGroup}
          any={any}
          options={addressees.map((a) => [a, tt(l, `talksActions.addressees.${a}`)])}
        />
        <Choice
          id="t-theme"
          name="theme"
          label={tt(l, 'talksActions.tracker.theme')}
          value={f.theme}
          any={any}
          options={themes.map((x) => [x, tt(l, `talksActions.themes.${x}`)])}
        />
        <Choice
          id="t-status"
          name="status"
          label={tt(l, 'talksActions.tracker.status')}
          value={f.status}
          any={any}
          options={actionStatuses.map((s) => [s, tt(l, `talksActions.status.${s}`)])}
        />
        <div class="field">
          <label for="t-after">{tt(l, 'talksActions.tracker.dueAfter')}</label>
          <input id="t-after" type="date" name="dueAfter" value={f.dueAfter ?? ''} />
        </div>
        <div class="field">
          <label for="t-before">{tt(l, 'talksActions.tracker.dueBefore')}</label>
          <input id="t-before" type="date" name="dueBefore" value={f.dueBefore ?? ''} />
        </div>
        <div class="field">
          <label class="check">
            <input type="checkbox" name="overdue" value="true" checked={f.overdue === 'true'} />{' '}
            {tt(l, 'talksActions.tracker.overdue')}
          </label>
        </div>
        <Choice
          id="t-sort"
          name="sort"
          label={tt(l, 'talksActions.tracker.sort')}
          value={f.sort}
          options={trackerSorts.map((s) => [s, tt(l, `talksActions.tracker.sorts.${s}`)])}
        />
        <Choice
          id="t-dir"
          name="dir"
          label={tt(l, 'talksActions.tracker.dir')}
          value={f.dir}
          any={any}
          options={[
            ['asc', tt(l, 'talksActions.tracker.asc')],
            ['desc', tt(l, 'talksActions.tracker.desc')],
          ]}
        />
        <button type="submit">{tt(l, 'talksActions.tracker.apply')}</button>{' '}
        <a href="/actions">{tt(l, 'talksActions.tracker.reset')}</a>
      </form>
      <p>
        <a href={view.exportHref}>{tt(l, 'talksActions.tracker.export')}</a>
        {view.canImport && (
          <>
            {' · '}
            <a href="/actions/import">{tt(l, 'talksActions.tracker.import')}</a>
          </>
        )}
      </p>
      {view.items.length === 0 ? (
        <p>{tt(l, 'talksActions.tracker.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption>{tt(l, 'talksActions.tracker.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{tt(l, 'talksActions.tracker.action')}</th>
                <th scope="col">{tt(l, 'talksActions.action.responsible')}</th>
                <th scope="col">{tt(l, 'talksActions.action.status')}</th>
                <th scope="col">{tt(l, 'talksActions.action.due')}</th>
                <th scope="col">{tt(l, 'talksActions.action.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/talks/actions/${a.id}`}>{shortText(l, a.text, 110)}</a>
                  </td>
                  <td>
                    <Responsible request={request} action={a} />
                  </td>
                  <td>
                    <Status locale={l} action={a} />
                  </td>
                  <td>{day(l, a.dueOn)}</td>
                  <td>
                    <Progress locale={l} value={a.progress} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(view.nextHref || view.firstHref) && (
        <nav class="pagination" aria-label={tt(l, 'talksActions.tracker.title')}>
          <ul>
            {view.firstHref && (
              <li>
                <a href={view.firstHref}>{tt(l, 'talksActions.tracker.first')}</a>
              </li>
            )}
            {view.nextHref && (
              <li>
                <a href={view.nextHref} rel="next">
                  {tt(l, 'talksActions.tracker.next')}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}
