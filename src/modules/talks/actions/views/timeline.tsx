import type { FastifyRequest } from 'fastify';
import { pick, t } from '../../../../core/i18n/i18n.ts';
import type { RecommendationTimeline } from '../service-timeline.ts';
import { ActionList, day, Progress, RichText, shortText } from './common.tsx';

export function TimelinePage({
  request,
  timeline,
}: {
  request: FastifyRequest;
  timeline: RecommendationTimeline;
}) {
  const l = request.locale;
  const { recommendation: r, session, result } = timeline;
  return (
    <>
      <p>
        <a href={`/talks/sessions/${session.id}/recommendations`}>{pick(session.title, l).text}</a>
      </p>
      <h1>{t(l, 'talksActions.timeline.title')}</h1>
      <blockquote>
        <RichText request={request} value={r.text} />
      </blockquote>
      <section aria-labelledby="events-h">
        <h2 id="events-h">{t(l, 'talksActions.timeline.events')}</h2>
        <ol class="timeline">
          {timeline.events.map((e, i) => (
            <li key={i}>
              <strong>{day(l, e.date)}</strong> —{' '}
              {e.kind === 'made' && (
                <>
                  {t(l, 'talksActions.timeline.made', { session: '' })}
                  <a href={`/talks/sessions/${e.session.id}`}>{pick(e.session.title, l).text}</a>
                </>
              )}
              {e.kind === 'follow_up' && (
                <>
                  {t(l, 'talksActions.timeline.followUp', { session: '' })}
                  <a href={`/talks/sessions/${e.session.id}`}>{pick(e.session.title, l).text}</a>
                </>
              )}
              {e.kind === 'update' && (
                <>
                  {t(l, 'talksActions.timeline.update', { action: '' })}
                  <a href={`/talks/actions/${e.actionId}`}>{shortText(l, e.actionText, 90)}</a>
                  {e.statusTo && (
                    <>
                      {' — '}
                      {t(l, 'talksActions.action.statusChange', {
                        from: t(l, `talksActions.status.${e.statusFrom}`),
                        to: t(l, `talksActions.status.${e.statusTo}`),
                      })}
                    </>
                  )}
                  {e.progressTo !== null && (
                    <>
                      {' — '}
                      {t(l, 'talksActions.action.progressChange', { from: e.progressFrom, to: e.progressTo })}
                    </>
                  )}
                  {e.session && (
                    <>
                      {' — '}
                      {t(l, 'talksActions.action.reportedIn', { session: pick(e.session.title, l).text })}
                    </>
                  )}
                  {e.note && (
                    <p>
                      <RichText request={request} value={e.note} />
                    </p>
                  )}
                  {e.evidenceUrl && (
                    <p>
                      <a href={e.evidenceUrl} rel="nofollow noopener">
                        {t(l, 'talksActions.action.evidence')}
                      </a>
                    </p>
                  )}
                </>
              )}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="result-h">
        <h2 id="result-h">{t(l, 'talksActions.timeline.result')}</h2>
        {result.progress !== null && (
          <p>
            {t(l, 'talksActions.timeline.progress')}: <Progress locale={l} value={result.progress} />
          </p>
        )}
        <p>
          {t(l, result.completed ? 'talksActions.timeline.completed' : 'talksActions.timeline.notCompleted')}
        </p>
        <h3>{t(l, 'talksActions.timeline.actions')}</h3>
        <ActionList request={request} actions={timeline.actions} />
      </section>
    </>
  );
}
