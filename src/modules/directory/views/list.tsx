import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatNumber, t } from '../../../core/i18n/i18n.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { countryOptions } from '../countries.ts';
import { organisationKinds } from '../schema.ts';
import type { OrganisationSummary, PersonHit } from '../service.ts';
import { Country, type FormValues, kindLabel, OrgLink, Select } from './components.tsx';

export interface ListView {
  filters: FormValues;
  items: OrganisationSummary[];
  /** Ranked search results (a query was given): no name-ordered paging. */
  searched: boolean;
  people: PersonHit[];
  nextHref: string | null;
  firstHref: string | null;
  sections: { id: string; name: string; names: Record<string, string> }[];
  exportQuery: string;
}

function SearchForm({ request, view }: { request: FastifyRequest; view: ListView }): VNode {
  const l = request.locale;
  const f = view.filters;
  return (
    <search>
      <form method="get" action="/directory" class="directory-search">
        <div class="field">
          <label for="f-q">{t(l, 'directory.search.label')}</label>
          <input
            id="f-q"
            type="search"
            name="q"
            value={f.q ?? ''}
            maxLength={200}
            placeholder={t(l, 'directory.search.placeholder')}
            autocomplete="off"
            // Live search when htmx is there; without it the form submits as usual.
            hx-get="/directory"
            hx-trigger="input changed delay:300ms, search"
            hx-target="#results"
            hx-select="#results"
            hx-swap="outerHTML"
            hx-include="closest form"
            hx-push-url="true"
          />
        </div>
        <fieldset>
          <legend>{t(l, 'directory.filters.legend')}</legend>
          <Select
            name="kind"
            label={t(l, 'directory.filters.kind')}
            anyLabel={t(l, 'directory.filters.any')}
            options={organisationKinds.map((k) => ({ value: k, label: kindLabel(l, k) }))}
            values={f}
            errors={{}}
            locale={l}
          />
          <Select
            name="country"
            label={t(l, 'directory.filters.country')}
            anyLabel={t(l, 'directory.filters.any')}
            options={countryOptions(l).map((c) => ({ value: c.code, label: c.name }))}
            values={f}
            errors={{}}
            locale={l}
          />
          <Select
            name="section"
            label={t(l, 'directory.filters.section')}
            anyLabel={t(l, 'directory.filters.any')}
            options={view.sections.map((s) => ({ value: s.id, label: s.names[l] ?? s.name }))}
            values={f}
            errors={{}}
            locale={l}
          />
        </fieldset>
        <p class="actions">
          <button type="submit">{t(l, 'directory.search.button')}</button>{' '}
          <a href="/directory">{t(l, 'directory.filters.reset')}</a>
        </p>
      </form>
    </search>
  );
}

export function DirectoryPage({ request, view }: { request: FastifyRequest; view: ListView }): VNode {
  const l = request.locale;
  return (
    <>
      <h1>{t(l, 'directory.title')}</h1>
      <p class="lead">{t(l, 'directory.intro')}</p>
      <p class="toolbar">
        <a href="/directory/sections">{t(l, 'directory.sections.title')}</a>
        {isStaff(request.actor) && (
          <>
            {' · '}
            <a href="/directory/organisations/new">{t(l, 'directory.org.new')}</a>
          </>
        )}
      </p>
      <SearchForm request={request} view={view} />
      <div id="results" aria-live="polite">
        {view.items.length === 0 ? (
          <p>{view.searched ? t(l, 'directory.search.none') : t(l, 'directory.empty')}</p>
        ) : (
          <table class="data">
            <caption>
              {view.searched
                ? t(l, 'directory.search.results', { q: view.filters.q })
                : t(l, 'directory.table.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'directory.table.name')}</th>
                <th scope="col">{t(l, 'directory.table.kind')}</th>
                <th scope="col">{t(l, 'directory.table.country')}</th>
                <th scope="col" class="num">
                  {t(l, 'directory.table.population')}
                </th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <OrgLink request={request} org={o} />
                    {o.acronym && <span class="muted"> ({o.acronym})</span>}
                  </th>
                  <td>{kindLabel(l, o.kind)}</td>
                  <td>
                    <Country code={o.country} locale={l} />
                  </td>
                  <td class="num">{o.population === null ? '' : formatNumber(l, o.population)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {view.people.length > 0 && (
          <section aria-labelledby="people-hits">
            <h2 id="people-hits">{t(l, 'directory.search.people')}</h2>
            <ul>
              {view.people.map((p) => (
                <li key={p.id}>
                  <a href={`/directory/people/${p.id}`}>{p.name}</a>
                  {p.organisations.length > 0 &&
                    ` — ${p.organisations.map((o) => `${t(l, `directory.role.${o.role}`)}, ${o.name}`).join('; ')}`}
                </li>
              ))}
            </ul>
          </section>
        )}
        {(view.nextHref || view.firstHref) && (
          <nav aria-label={t(l, 'directory.pagination.label')} class="pagination">
            {view.firstHref && <a href={view.firstHref}>{t(l, 'directory.pagination.first')}</a>}{' '}
            {view.nextHref && (
              <a href={view.nextHref} rel="next">
                {t(l, 'directory.pagination.next')}
              </a>
            )}
          </nav>
        )}
        <p class="muted">
          {t(l, 'directory.exports.label')}:{' '}
          <a href={`/api/v1/directory/organisations.csv${view.exportQuery}`}>
            {t(l, 'directory.exports.csv')}
          </a>{' '}
          ·{' '}
          <a href={`/api/v1/directory/organisations.json${view.exportQuery}`}>
            {t(l, 'directory.exports.json')}
          </a>
        </p>
      </div>
    </>
  );
}

export function SectionsPage({
  request,
  sections,
}: {
  request: FastifyRequest;
  sections: (OrganisationSummary & { memberCount: number })[];
}): VNode {
  const l = request.locale;
  return (
    <>
      <h1>{t(l, 'directory.sections.title')}</h1>
      {sections.length === 0 ? (
        <p>{t(l, 'directory.sections.none')}</p>
      ) : (
        <table class="data">
          <caption>{t(l, 'directory.sections.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(l, 'directory.table.name')}</th>
              <th scope="col">{t(l, 'directory.table.kind')}</th>
              <th scope="col" class="num">
                {t(l, 'directory.table.members')}
              </th>
            </tr>
          </thead>
          <tbody>
            {sections.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <OrgLink request={request} org={s} />
                </th>
                <td>{kindLabel(l, s.kind)}</td>
                <td class="num">
                  <a href={`/directory?section=${s.id}`}>{formatNumber(l, s.memberCount)}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
