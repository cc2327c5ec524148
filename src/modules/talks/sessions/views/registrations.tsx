import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../../core/i18n/i18n.ts';
import type { Registration, Session } from '../rows.ts';
import { formatWhen, I18n } from './common.tsx';
import { PostButton } from './form.tsx';

/** The staff's list of registrations: seats, waitlist, accessibility needs (restricted), check-in. */
export function RegistrationsPage({
  request,
  session,
  registrations,
}: {
  request: FastifyRequest;
  session: Session;
  registrations: Registration[];
}): VNode {
  const l = request.locale;
  const base = `/talks/sessions/${session.id}`;
  return (
    <div class="wrap">
      <p>
        <a href={base}>
          <I18n request={request} value={session.title} />
        </a>
      </p>
      <h1>{t(l, 'talks.registration.manage')}</h1>
      <p>{formatWhen(l, session)}</p>
      <p class="notice warning">{t(l, 'talks.registration.restrictedNotice')}</p>
      {registrations.length === 0 ? (
        <p>{t(l, 'talks.registration.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption>{t(l, 'talks.registration.manage')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'talks.registration.person')}</th>
                <th scope="col">{t(l, 'talks.registration.organisation')}</th>
                <th scope="col">{t(l, 'talks.registration.status')}</th>
                <th scope="col">{t(l, 'talks.registration.needs')}</th>
                <th scope="col">{t(l, 'talks.registration.attendance')}</th>
              </tr>
            </thead>
            <tbody>
              {registrations.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.userName} <small>{r.userEmail}</small>
                  </th>
                  <td>{r.organisationName ?? '—'}</td>
                  <td>{t(l, `talks.registration.statuses.${r.status}`)}</td>
                  <td>{r.accessibilityNeeds ?? '—'}</td>
                  <td>
                    {r.status === 'registered' && (
                      <>
                        {r.checkedInAt ? `${t(l, 'talks.registration.checkedIn')} ` : ''}
                        <PostButton
                          request={request}
                          action={`${base}/registrations/${r.id}/check-in`}
                          label={
                            r.checkedInAt
                              ? t(l, 'talks.registration.undoCheckIn')
                              : t(l, 'talks.registration.checkIn')
                          }
                          className="small"
                        >
                          {r.checkedInAt && <input type="hidden" name="undo" value="1" />}
                        </PostButton>{' '}
                      </>
                    )}
                    {r.status !== 'cancelled' && (
                      <PostButton
                        request={request}
                        action={`${base}/registrations/${r.id}/cancel`}
                        label={t(l, 'talks.registration.cancel')}
                        className="small secondary"
                      >
                        <input type="hidden" name="back" value="registrations" />
                      </PostButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
