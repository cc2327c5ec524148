import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { pick, t } from '../../../../core/i18n/i18n.ts';
import { LinkedRecords } from '../../../../core/links/routes.tsx';
import type { LinkView } from '../../../../core/links/service.ts';
import { Csrf } from '../../../../core/ui/layout.tsx';
import { participantRoles } from '../../schema.ts';
import type { Participant } from '../rows.ts';
import type { SessionDetail } from '../service-detail.ts';
import { formatLabel, formatWhen, I18n, I18nKeyText, OrgLink, roleLabel, statusLabel } from './common.tsx';
import { type Errors, type FormValues, PostButton } from './form.tsx';
import { ContributionForm } from './forms.tsx';

/** The session page: what, when, where, who; agenda; contributions; registration; staff tools. */

const transitionLabel: Record<string, Record<string, string>> = {
  draft: { scheduled: 'talks.transition.schedule' },
  scheduled: { draft: 'talks.transition.toDraft', held: 'talks.transition.held' },
  held: { scheduled: 'talks.transition.postpone', published: 'talks.transition.publish' },
  published: { held: 'talks.transition.unpublish' },
};

function ParticipantName({ request, p }: { request: FastifyRequest; p: Participant }): VNode {
  return (
    <>
      {p.organisationId && (
        <OrgLink
          request={request}
          id={p.organisationId}
          name={p.organisationName}
          names={p.organisationNames}
        />
      )}
      {p.organisationId && p.personId && ' — '}
      {p.personId && <a href={`/directory/people/${p.personId}`}>{p.personName}</a>}
    </>
  );
}

export interface SessionPageData {
  detail: SessionDetail;
  links: LinkView[];
  /** The reader's organisations (to register for one of them). */
  myOrgs: { id: string; name: string }[];
  /** The organisations the reader may write contributions for. */
  contributeOrgs: { id: string; name: string }[];
  contribution?: { values: FormValues; errors: Errors };
}

export function SessionPage({ request, data }: { request: FastifyRequest; data: SessionPageData }): VNode {
  const l = request.locale;
  const { detail, links } = data;
  const { session, permissions: can } = detail;
  const base = `/talks/sessions/${session.id}`;
  const byRole = (role: string) => detail.participants.filter((p) => p.role === role);
  const hosts = byRole('host');
  const agendaTitles = detail.agenda.map((a) => ({ id: a.id, title: pick(a.title, l).text, depth: a.depth }));
  const canContribute = can.contributeFor === 'all' || can.contributeFor.length > 0;
  return (
    <div class="wrap">
      <nav aria-label={t(l, 'talks.breadcrumb')}>
        <a href="/talks">{t(l, 'talks.title')}</a> ›{' '}
        <a href={`/talks/series/${detail.series.id}`}>
          <I18n request={request} value={detail.series.title} />
        </a>
      </nav>
      <h1>
        <I18n request={request} value={session.title} />
      </h1>
      {session.subtitle && (
        <p class="lead">
          <I18n request={request} value={session.subtitle} />
        </p>
      )}
      <dl>
        <dt>{t(l, 'talks.session.status')}</dt>
        <dd>{statusLabel(l, session.status)}</dd>
        <dt>{t(l, 'talks.session.when')}</dt>
        <dd>
          <time dateTime={session.startsAt}>{formatWhen(l, session)}</time>
        </dd>
        <dt>{t(l, 'talks.session.format')}</dt>
        <dd>{formatLabel(l, session.format)}</dd>
        {(session.venue || detail.venueOrg) && (
          <>
            <dt>{t(l, 'talks.session.venue')}</dt>
            <dd>
              {session.venue}
              {session.venue && detail.venueOrg && ', '}
              {detail.venueOrg && (
                <OrgLink
                  request={request}
                  id={detail.venueOrg.id}
                  name={detail.venueOrg.name}
                  names={detail.venueOrg.names}
                />
              )}
            </dd>
          </>
        )}
        {session.onlineUrl && session.format !== 'physical' && (
          <>
            <dt>{t(l, 'talks.session.onlineUrl')}</dt>
            <dd>
              <a href={session.onlineUrl} rel="noopener noreferrer">
                {session.onlineUrl}
              </a>
            </dd>
          </>
        )}
        <dt>{t(l, 'talks.session.languages')}</dt>
        <dd>{session.languages.join(', ')}</dd>
        {hosts.length > 0 && (
          <>
            <dt>{t(l, 'talks.session.hosts')}</dt>
            <dd>
              {hosts.map((p, i) => (
                <span key={p.id}>
                  {i > 0 && ', '}
                  <ParticipantName request={request} p={p} />
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>

      <nav aria-labelledby="outputs-h">
        <h2 id="outputs-h">{t(l, 'talks.session.outputs')}</h2>
        <ul>
          {(can.readContent || session.status === 'published') && (
            <li>
              <a href={`${base}/summary`}>{t(l, 'talks.session.summaryLink')}</a>
            </li>
          )}
          {can.readContent && (
            <li>
              <a href={`${base}/recommendations`}>{t(l, 'talks.session.recommendationsLink')}</a>
            </li>
          )}
          {can.readContent && (
            <li>
              <a href={`${base}/minutes`}>{t(l, 'talks.session.minutesLink')}</a>
            </li>
          )}
          {can.manage && (
            <li>
              <a href={`${base}/registrations`}>{t(l, 'talks.registration.manage')}</a>
            </li>
          )}
        </ul>
        {!can.readContent && <p>{t(l, 'talks.session.contentLater')}</p>}
      </nav>

      {can.manage && <StaffTools request={request} detail={detail} />}

      {session.format !== 'online' && <RegistrationBox request={request} data={data} />}

      <section aria-labelledby="participants-h">
        <h2 id="participants-h">{t(l, 'talks.session.participants')}</h2>
        {detail.participants.length === 0 ? (
          <p>{t(l, 'talks.session.noParticipants')}</p>
        ) : (
          <ul>
            {detail.participants.map((p) => (
              <li key={p.id}>
                <ParticipantName request={request} p={p} /> ({roleLabel(l, p.role)})
                {can.manage && (
                  <>
                    {' '}
                    <PostButton
                      request={request}
                      action={`${base}/participants/${p.id}/remove`}
                      label={t(l, 'talks.participant.remove')}
                      className="small secondary"
                    />
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        {can.manage && (
          <form method="post" action={`${base}/participants`}>
            <Csrf request={request} />
            <fieldset>
              <legend>{t(l, 'talks.participant.add')}</legend>
              <div class="field">
                <label for="f-participant_org">{t(l, 'talks.participant.organisation')}</label>
                <small id="f-participant_org-help" class="help">
                  {t(l, 'talks.form.orgHelp')}
                </small>
                <input
                  id="f-participant_org"
                  name="participant_org"
                  aria-describedby="f-participant_org-help"
                />
              </div>
              <div class="field">
                <label for="f-participant_person">{t(l, 'talks.participant.person')}</label>
                <small id="f-participant_person-help" class="help">
                  {t(l, 'talks.participant.personHelp')}
                </small>
                <input
                  id="f-participant_person"
                  name="participant_person"
                  aria-describedby="f-participant_person-help"
                />
              </div>
              <div class="field">
                <label for="f-participant_role">{t(l, 'talks.participant.role')}</label>
                <select id="f-participant_role" name="role">
                  {participantRoles.map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(l, r)}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit">{t(l, 'talks.participant.add')}</button>
            </fieldset>
          </form>
        )}
      </section>

      <Agenda request={request} detail={detail} />

      <section aria-labelledby="contributions-h">
        <h2 id="contributions-h">{t(l, 'talks.contribution.title')}</h2>
        {can.readContent && session.summary && <I18nKeyText request={request} value={session.summary} />}
        {detail.contributions === null ? (
          <p>{t(l, 'talks.session.contentLater')}</p>
        ) : detail.contributions.length === 0 ? (
          <p>{t(l, 'talks.contribution.none')}</p>
        ) : (
          detail.contributions.map((c) => {
            const mayEdit =
              can.contributeFor === 'all' ||
              (!!c.organisationId && can.contributeFor.includes(c.organisationId));
            return (
              <article key={c.id} class="contribution" aria-labelledby={`c-${c.id}`}>
                <h3 id={`c-${c.id}`}>
                  {c.speakerLabel ? (
                    <I18n request={request} value={c.speakerLabel} />
                  ) : c.organisationId ? (
                    <I18n request={request} value={c.organisationNames} fallback={c.organisationName ?? ''} />
                  ) : (
                    (c.personName ?? t(l, 'talks.contribution.anonymous'))
                  )}
                </h3>
                <I18nKeyText request={request} value={c.body} />
                {mayEdit && (
                  <p>
                    <a href={`${base}/contributions/${c.id}/edit`}>{t(l, 'talks.contribution.edit')}</a>{' '}
                    <PostButton
                      request={request}
                      action={`${base}/contributions/${c.id}/remove`}
                      label={t(l, 'talks.contribution.remove')}
                      className="small secondary"
                    />
                  </p>
                )}
              </article>
            );
          })
        )}
        {canContribute && (
          <ContributionForm
            request={request}
            compact
            title={t(l, 'talks.contribution.add')}
            action={`${base}/contributions`}
            values={data.contribution?.values ?? {}}
            errors={data.contribution?.errors ?? {}}
            organisations={data.contributeOrgs}
            staff={can.contributeFor === 'all'}
            agenda={agendaTitles}
          />
        )}
      </section>

      <LinkedRecords
        request={request}
        links={links}
        from={{ kind: 'talks.session', id: session.id }}
        canEdit={can.manage}
        back={base}
      />
    </div>
  );
}

function StaffTools({ request, detail }: { request: FastifyRequest; detail: SessionDetail }): VNode {
  const l = request.locale;
  const { session, permissions: can } = detail;
  const base = `/talks/sessions/${session.id}`;
  return (
    <section aria-labelledby="staff-h">
      <h2 id="staff-h">{t(l, 'talks.session.manage')}</h2>
      <p class="toolbar">
        <a href={`${base}/edit`}>{t(l, 'talks.session.edit')}</a>
      </p>
      <div class="actions">
        {can.transitions.map((to) => (
          <PostButton
            key={to}
            request={request}
            action={`${base}/status`}
            label={t(l, transitionLabel[session.status]?.[to] ?? `talks.status.${to}`)}
            className={to === 'published' ? undefined : 'secondary'}
          >
            <input type="hidden" name="status" value={to} />
            <input type="hidden" name="version" value={String(session.version)} />
          </PostButton>
        ))}
      </div>
      <form method="post" action={`${base}/copy`}>
        <Csrf request={request} />
        <fieldset>
          <legend>{t(l, 'talks.copy.title')}</legend>
          <p class="help">{t(l, 'talks.copy.help')}</p>
          <div class="field">
            <label for="f-copy_starts_at">{t(l, 'talks.copy.startsAt', { zone: session.timezone })}</label>
            <input id="f-copy_starts_at" name="copy_starts_at" type="datetime-local" required />
          </div>
          <button type="submit" class="secondary">
            {t(l, 'talks.copy.submit')}
          </button>
        </fieldset>
      </form>
    </section>
  );
}

function RegistrationBox({ request, data }: { request: FastifyRequest; data: SessionPageData }): VNode {
  const l = request.locale;
  const { detail } = data;
  const { session, registration: r, permissions: can } = detail;
  const base = `/talks/sessions/${session.id}`;
  const mine = r.mine;
  return (
    <section aria-labelledby="registration-h">
      <h2 id="registration-h">{t(l, 'talks.registration.title')}</h2>
      <p>
        {r.capacity === null
          ? t(l, 'talks.registration.countUnlimited', { registered: r.registered })
          : t(l, 'talks.registration.count', { registered: r.registered, capacity: r.capacity })}
        {r.waitlisted > 0 && ` ${t(l, 'talks.registration.waitlistCount', { count: r.waitlisted })}`}
      </p>
      {mine ? (
        <>
          <p role="status">
            <strong>
              {mine.status === 'registered'
                ? t(l, 'talks.registration.youAreRegistered')
                : t(l, 'talks.registration.youAreWaitlisted', { position: mine.waitlistPosition ?? 1 })}
            </strong>
            {mine.checkedInAt && ` ${t(l, 'talks.registration.checkedIn')}`}
          </p>
          {mine.accessibilityNeeds && (
            <p>
              {t(l, 'talks.registration.yourNeeds')}: {mine.accessibilityNeeds}
            </p>
          )}
          <PostButton
            request={request}
            action={`${base}/registrations/${mine.id}/cancel`}
            label={t(l, 'talks.registration.cancel')}
            className="secondary"
          />
        </>
      ) : can.register ? (
        <form method="post" action={`${base}/register`}>
          <Csrf request={request} />
          {data.myOrgs.length > 0 && (
            <div class="field">
              <label for="f-reg_org">{t(l, 'talks.registration.organisation')}</label>
              <select id="f-reg_org" name="organisation_id">
                <option value="">{t(l, 'talks.registration.noOrganisation')}</option>
                {data.myOrgs.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="field">
            <label for="f-accessibility_needs">{t(l, 'talks.registration.needs')}</label>
            <small id="f-accessibility_needs-help" class="help">
              {t(l, 'talks.registration.needsHelp')}
            </small>
            <textarea
              id="f-accessibility_needs"
              name="accessibility_needs"
              rows={2}
              maxLength={2000}
              aria-describedby="f-accessibility_needs-help"
            />
          </div>
          <button type="submit">
            {r.seatsLeft === 0
              ? t(l, 'talks.registration.joinWaitlist')
              : t(l, 'talks.registration.register')}
          </button>
        </form>
      ) : !request.actor && session.registrationOpen && session.status === 'scheduled' ? (
        <p>
          <a href={`/login?next=${encodeURIComponent(base)}`}>
            {t(l, 'talks.registration.signInToRegister')}
          </a>
        </p>
      ) : (
        <p>{t(l, 'talks.registration.closed')}</p>
      )}
    </section>
  );
}

function Agenda({ request, detail }: { request: FastifyRequest; detail: SessionDetail }): VNode | null {
  const l = request.locale;
  const { agenda, permissions: can, session } = detail;
  const base = `/talks/sessions/${session.id}`;
  if (agenda.length === 0 && !can.manage) return null;
  // Nested lists from the items in reading order (each with its depth).
  type Node = { item: (typeof agenda)[number]; children: Node[] };
  const roots: Node[] = [];
  const stack: Node[] = [];
  for (const item of agenda) {
    const node = { item, children: [] };
    while (stack.length > item.depth) stack.pop();
    (stack.length ? stack[stack.length - 1].children : roots).push(node);
    stack.push(node);
  }
  const render = (nodes: Node[]): VNode => (
    <ol>
      {nodes.map((n) => (
        <li key={n.item.id}>
          <I18n request={request} value={n.item.title} />
          {n.item.durationMinutes
            ? ` (${t(l, 'talks.agenda.minutes', { count: n.item.durationMinutes })})`
            : ''}
          {n.item.description && (
            <>
              <br />
              <I18n request={request} value={n.item.description} />
            </>
          )}
          {can.manage && (
            <>
              {' '}
              <a href={`${base}/agenda/${n.item.id}/edit`}>{t(l, 'talks.agenda.editItem')}</a>{' '}
              <PostButton
                request={request}
                action={`${base}/agenda/${n.item.id}/remove`}
                label={t(l, 'talks.agenda.remove')}
                className="small secondary"
              />
            </>
          )}
          {n.children.length > 0 && render(n.children)}
        </li>
      ))}
    </ol>
  );
  return (
    <section aria-labelledby="agenda-h">
      <h2 id="agenda-h">{t(l, 'talks.agenda.title')}</h2>
      {agenda.length ? render(roots) : <p>{t(l, 'talks.agenda.none')}</p>}
      {can.manage && (
        <form method="post" action={`${base}/agenda`}>
          <Csrf request={request} />
          <fieldset>
            <legend>{t(l, 'talks.agenda.add')}</legend>
            <div class="field">
              <label for="f-agenda_title">{t(l, 'talks.agenda.itemTitle', { lang: l })}</label>
              <input id="f-agenda_title" name="agenda_title" required maxLength={300} />
            </div>
            {agenda.length > 0 && (
              <div class="field">
                <label for="f-agenda_parent">{t(l, 'talks.agenda.parent')}</label>
                <select id="f-agenda_parent" name="parent_id">
                  <option value="">{t(l, 'talks.agenda.topLevel')}</option>
                  {agenda
                    .filter((a) => a.depth < 2)
                    .map((a) => (
                      <option key={a.id} value={a.id}>
                        {'— '.repeat(a.depth)}
                        {pick(a.title, l).text}
                      </option>
                    ))}
                </select>
              </div>
            )}
            <div class="field">
              <label for="f-agenda_minutes">{t(l, 'talks.agenda.duration')}</label>
              <input id="f-agenda_minutes" name="duration_minutes" type="number" min={1} />
            </div>
            <button type="submit">{t(l, 'talks.agenda.add')}</button>
          </fieldset>
        </form>
      )}
    </section>
  );
}
