import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatNumber, pick, t } from '../../../core/i18n/i18n.ts';
import { LocalisedText } from '../../../core/ui/layout.tsx';
import { membershipStatuses } from '../schema.ts';
import type { OrganisationDetail } from '../service.ts';
import {
  Country,
  Field,
  kindLabel,
  languageName,
  OrgLink,
  OrgName,
  PostButton,
  Select,
} from './components.tsx';
import { ContactList } from './person.tsx';

export function OrganisationPage({
  request,
  detail,
  groups,
}: {
  request: FastifyRequest;
  detail: OrganisationDetail;
  /** Sections and networks the reader may add this organisation to. */
  groups: { id: string; name: string }[];
}): VNode {
  const l = request.locale;
  const o = detail.organisation;
  const perms = detail.permissions;
  const none = <span class="muted">{t(l, 'directory.org.noValue')}</span>;
  const description = o.description ? pick(o.description, l) : null;
  return (
    <article class="organisation">
      <header>
        <p class="kicker">{kindLabel(l, o.kind)}</p>
        <h1>
          <OrgName request={request} org={o} />
          {o.acronym && <span class="muted"> ({o.acronym})</span>}
        </h1>
        {o.archivedAt && (
          <p class="notice warning" role="status">
            {t(l, 'directory.org.archived')}
          </p>
        )}
        {description?.text && (
          <p>
            <LocalisedText request={request} value={description} />
          </p>
        )}
        <p class="toolbar">
          {perms.edit && <a href={`/directory/organisations/${o.id}/edit`}>{t(l, 'common.edit')}</a>}
          {perms.archive && (
            <>
              {' '}
              <PostButton
                request={request}
                action={`/directory/organisations/${o.id}/archive`}
                label={o.archivedAt ? t(l, 'directory.org.restore') : t(l, 'directory.org.archive')}
                className="danger"
              >
                {o.archivedAt && <input type="hidden" name="restore" value="1" />}
              </PostButton>
            </>
          )}
        </p>
      </header>

      <section aria-labelledby="details">
        <h2 id="details">{t(l, 'directory.org.details')}</h2>
        <dl class="facts">
          <dt>{t(l, 'directory.table.country')}</dt>
          <dd>{o.country ? <Country code={o.country} locale={l} /> : none}</dd>
          <dt>{t(l, 'directory.org.parent')}</dt>
          <dd>{detail.parent ? <OrgLink request={request} org={detail.parent} /> : none}</dd>
          {detail.childrenCount > 0 && (
            <>
              <dt>{t(l, 'directory.org.children')}</dt>
              <dd>{formatNumber(l, detail.childrenCount)}</dd>
            </>
          )}
          <dt>{t(l, 'directory.org.population')}</dt>
          <dd>{o.population === null ? none : formatNumber(l, o.population)}</dd>
          <dt>{t(l, 'directory.org.coordinates')}</dt>
          <dd>
            {o.lat === null || o.lon === null
              ? none
              : `${formatNumber(l, Number(o.lat.toFixed(4)))}, ${formatNumber(l, Number(o.lon.toFixed(4)))}`}
          </dd>
          <dt>{t(l, 'directory.org.geonames')}</dt>
          <dd>
            {o.geonamesId ? (
              <a href={`https://www.geonames.org/${o.geonamesId}`} rel="external noopener">
                {o.geonamesId}
              </a>
            ) : (
              none
            )}
          </dd>
          <dt>{t(l, 'directory.org.wikidata')}</dt>
          <dd>
            {o.wikidataId ? (
              <a href={`https://www.wikidata.org/wiki/${o.wikidataId}`} rel="external noopener">
                {o.wikidataId}
              </a>
            ) : (
              none
            )}
          </dd>
          <dt>{t(l, 'directory.org.website')}</dt>
          <dd>
            {o.website ? (
              <a href={o.website} rel="external noopener nofollow">
                {o.website}
              </a>
            ) : (
              none
            )}
          </dd>
          {(o.kind === 'section' || o.kind === 'network') && (
            <>
              <dt>{t(l, 'directory.table.members')}</dt>
              <dd>
                <a href={`/directory?section=${o.id}`}>
                  {t(l, 'directory.org.membersList', { count: detail.memberCount })}
                </a>
              </dd>
            </>
          )}
        </dl>
        <p>
          <a href={`/talks/organisations/${o.id}/calendar.ics`}>{t(l, 'directory.org.calendar')}</a>
        </p>
      </section>

      <section aria-labelledby="names">
        <h2 id="names">{t(l, 'directory.org.allNames')}</h2>
        <table class="data compact">
          <caption class="visually-hidden">{t(l, 'directory.org.allNames')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(l, 'directory.org.language')}</th>
              <th scope="col">{t(l, 'directory.table.name')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(o.names).map(([lang, name]) => (
              <tr key={lang}>
                <th scope="row">{languageName(l, lang)}</th>
                <td lang={lang}>{name}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {o.altNames.length > 0 && (
          <p>
            {t(l, 'directory.org.altNames')}: {o.altNames.join(', ')}
          </p>
        )}
      </section>

      <MembershipsSection request={request} detail={detail} groups={groups} />
      <PeopleSection request={request} detail={detail} />
    </article>
  );
}

function MembershipsSection({
  request,
  detail,
  groups,
}: {
  request: FastifyRequest;
  detail: OrganisationDetail;
  groups: { id: string; name: string }[];
}): VNode {
  const l = request.locale;
  const o = detail.organisation;
  const manage = detail.permissions.manageMemberships;
  const canManage = (groupId: string) => manage === 'all' || manage.includes(groupId);
  return (
    <section aria-labelledby="memberships">
      <h2 id="memberships">{t(l, 'directory.memberships.title')}</h2>
      {detail.memberships.length === 0 ? (
        <p>{t(l, 'directory.memberships.none')}</p>
      ) : (
        <table class="data">
          <caption>{t(l, 'directory.memberships.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(l, 'directory.memberships.group')}</th>
              <th scope="col">{t(l, 'directory.memberships.status')}</th>
              <th scope="col">{t(l, 'directory.memberships.since')}</th>
              <th scope="col">{t(l, 'directory.memberships.until')}</th>
              <th scope="col">{t(l, 'common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.memberships.map((m) => (
              <tr key={m.id}>
                <th scope="row">
                  <OrgLink
                    request={request}
                    org={{ id: m.groupId, names: m.groupNames, name: m.groupName }}
                  />
                </th>
                <td>{t(l, `directory.status.${m.status}`)}</td>
                <td>{m.since ?? ''}</td>
                <td>{m.until ?? ''}</td>
                <td>
                  {m.status !== 'ended' && canManage(m.groupId) && (
                    <PostButton
                      request={request}
                      action={`/directory/memberships/${m.id}/end`}
                      label={t(l, 'directory.memberships.end')}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {groups.length > 0 && !o.archivedAt && (
        <form method="post" action={`/directory/organisations/${o.id}/memberships`} class="inline-form">
          <input type="hidden" name="_csrf" value={request.csrfToken} />
          <fieldset>
            <legend>{t(l, 'directory.memberships.add')}</legend>
            <Select
              name="group_id"
              label={t(l, 'directory.memberships.group')}
              options={groups.map((g) => ({ value: g.id, label: g.name }))}
              values={{}}
              errors={{}}
              locale={l}
              required
            />
            <Select
              name="status"
              label={t(l, 'directory.memberships.status')}
              options={membershipStatuses
                .filter((s) => s !== 'ended')
                .map((s) => ({ value: s, label: t(l, `directory.status.${s}`) }))}
              values={{ status: 'active' }}
              errors={{}}
              locale={l}
            />
            <Field
              name="since"
              type="date"
              label={t(l, 'directory.memberships.since')}
              values={{}}
              errors={{}}
              locale={l}
            />
            <button type="submit">{t(l, 'directory.memberships.add')}</button>
          </fieldset>
        </form>
      )}
    </section>
  );
}

function PeopleSection({ request, detail }: { request: FastifyRequest; detail: OrganisationDetail }): VNode {
  const l = request.locale;
  const o = detail.organisation;
  const showContacts = detail.people.some((p) => p.contacts.length > 0);
  return (
    <section aria-labelledby="people">
      <h2 id="people">{t(l, 'directory.people.title')}</h2>
      {detail.people.length === 0 ? (
        <p>{t(l, 'directory.people.none')}</p>
      ) : (
        <table class="data">
          <caption>{t(l, 'directory.people.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(l, 'directory.people.name')}</th>
              <th scope="col">{t(l, 'directory.people.roles')}</th>
              {showContacts && <th scope="col">{t(l, 'directory.people.contacts')}</th>}
            </tr>
          </thead>
          <tbody>
            {detail.people.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={`/directory/people/${p.id}`}>{p.name}</a>
                  {p.title && <span class="muted"> — {p.title}</span>}
                </th>
                <td>
                  {p.roles
                    .map(
                      (r) =>
                        `${t(l, `directory.role.${r.role}`)}${r.since ? ` (${r.since}–${r.until ?? ''})` : r.until ? ` (–${r.until})` : ''}${r.current ? '' : ` · ${t(l, 'directory.people.past')}`}`,
                    )
                    .join('; ')}
                </td>
                {showContacts && (
                  <td>
                    <ContactList request={request} contacts={p.contacts} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!showContacts && detail.people.length > 0 && (
        <p class="muted">{t(l, 'directory.people.hiddenContacts')}</p>
      )}
      {detail.permissions.managePeople && !o.archivedAt && (
        <p>
          <a href={`/directory/people/new?organisationId=${o.id}`}>{t(l, 'directory.people.add')}</a>
        </p>
      )}
    </section>
  );
}
