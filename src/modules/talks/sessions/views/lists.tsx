import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../../core/i18n/i18n.ts';
import type { Series } from '../rows.ts';
import type { SessionListItem } from '../service-sessions.ts';
import { formatDay, formatLabel, I18n, statusLabel } from './common.tsx';

/** The Talks home (series, upcoming and past sessions) and a series' page. */

export function SessionsTable({
  request,
  caption,
  sessions,
  showSeries = true,
}: {
  request: FastifyRequest;
  caption: string;
  sessions: SessionListItem[];
  showSeries?: boolean;
}): VNode {
  const l = request.locale;
  return (
    <div class="table-wrap">
      <table class="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t(l, 'talks.session.date')}</th>
            <th scope="col">{t(l, 'talks.session.title')}</th>
            {showSeries && <th scope="col">{t(l, 'talks.series.one')}</th>}
            <th scope="col">{t(l, 'talks.session.hosts')}</th>
            <th scope="col">{t(l, 'talks.session.format')}</th>
            <th scope="col">{t(l, 'talks.session.status')}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                <time dateTime={s.startsAt}>{formatDay(l, s)}</time>
              </td>
              <th scope="row">
                <a href={`/talks/sessions/${s.id}`}>
                  <I18n request={request} value={s.title} />
                </a>
              </th>
              {showSeries && (
                <td>
                  <a href={`/talks/series/${s.seriesId}`}>
                    <I18n request={request} value={s.seriesTitle} />
                  </a>
                </td>
              )}
              <td>
                {s.hosts.map((h, i) => (
                  <span key={h.id}>
                    {i > 0 && ', '}
                    <I18n request={request} value={h.names} fallback={h.name} />
                  </span>
                ))}
              </td>
              <td>{formatLabel(l, s.format)}</td>
              <td>{statusLabel(l, s.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TalksIndex({
  request,
  series,
  upcoming,
  past,
  pastMoreHref,
  staff,
}: {
  request: FastifyRequest;
  series: (Series & { sessionCount: number })[];
  upcoming: SessionListItem[];
  past: SessionListItem[];
  pastMoreHref: string | null;
  staff: boolean;
}): VNode {
  const l = request.locale;
  return (
    <div class="wrap">
      <h1>{t(l, 'talks.title')}</h1>
      <p class="lead">{t(l, 'talks.lead')}</p>
      <p class="toolbar">
        <a href="/talks/search">{t(l, 'talksOutputs.search.title')}</a> ·{' '}
        <a href="/actions">{t(l, 'nav.actions')}</a>
        {request.actor && (
          <>
            {' '}
            · <a href="/talks/digest">{t(l, 'talksOutputs.digest.title')}</a>
          </>
        )}
      </p>
      {staff && (
        <p class="toolbar">
          <a href="/talks/sessions/new">{t(l, 'talks.session.new')}</a> ·{' '}
          <a href="/talks/series/new">{t(l, 'talks.series.new')}</a>
        </p>
      )}
      <section aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">{t(l, 'talks.upcoming')}</h2>
        {upcoming.length ? (
          <SessionsTable request={request} caption={t(l, 'talks.upcoming')} sessions={upcoming} />
        ) : (
          <p>{t(l, 'talks.noUpcoming')}</p>
        )}
      </section>
      <section aria-labelledby="past-h">
        <h2 id="past-h">{t(l, 'talks.past')}</h2>
        {past.length ? (
          <SessionsTable request={request} caption={t(l, 'talks.past')} sessions={past} />
        ) : (
          <p>{t(l, 'talks.noPast')}</p>
        )}
        {pastMoreHref && (
          <nav class="pagination" aria-label={t(l, 'talks.past')}>
            <a href={pastMoreHref}>{t(l, 'talks.morePast')}</a>
          </nav>
        )}
      </section>
      <section aria-labelledby="series-h">
        <h2 id="series-h">{t(l, 'talks.series.title')}</h2>
        {series.length ? (
          <ul>
            {series.map((s) => (
              <li key={s.id}>
                <a href={`/talks/series/${s.id}`}>
                  <I18n request={request} value={s.title} />
                </a>{' '}
                — {t(l, 'talks.series.sessionCount', { count: s.sessionCount })}
                {s.subtitle && (
                  <>
                    <br />
                    <I18n request={request} value={s.subtitle} />
                  </>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t(l, 'talks.series.none')}</p>
        )}
      </section>
    </div>
  );
}

export function SeriesPage({
  request,
  series,
  sessions,
  staff,
  notice,
}: {
  request: FastifyRequest;
  series: Series;
  sessions: SessionListItem[];
  staff: boolean;
  notice?: string;
}): VNode {
  const l = request.locale;
  void notice;
  return (
    <div class="wrap">
      <p>
        <a href="/talks">{t(l, 'talks.title')}</a>
      </p>
      <h1>
        <I18n request={request} value={series.title} />
      </h1>
      {series.subtitle && (
        <p class="lead">
          <I18n request={request} value={series.subtitle} />
        </p>
      )}
      {series.description && (
        <p>
          <I18n request={request} value={series.description} />
        </p>
      )}
      {staff && (
        <p class="toolbar">
          <a href={`/talks/sessions/new?series=${series.id}`}>{t(l, 'talks.session.new')}</a> ·{' '}
          <a href={`/talks/series/${series.id}/edit`}>{t(l, 'talks.series.edit')}</a>
        </p>
      )}
      <p>
        <a href={`/talks/series/${series.id}/calendar.ics`}>{t(l, 'talks.series.calendar')}</a>
      </p>
      <h2>{t(l, 'talks.series.sessions')}</h2>
      {sessions.length ? (
        <SessionsTable
          request={request}
          caption={t(l, 'talks.series.sessions')}
          sessions={sessions}
          showSeries={false}
        />
      ) : (
        <p>{t(l, 'talks.series.noSessions')}</p>
      )}
    </div>
  );
}
