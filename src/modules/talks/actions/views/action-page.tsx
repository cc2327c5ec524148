import type { FastifyRequest } from 'fastify';
import { localeNames, pick, t } from '../../../../core/i18n/i18n.ts';
import { LinkedRecords } from '../../../../core/links/routes.tsx';
import type { LinkView } from '../../../../core/links/service.ts';
import { Csrf } from '../../../../core/ui/layout.tsx';
import type { FieldError } from '../../../../core/validation/input.ts';
import { themes } from '../../schema.ts';
import type { ActionDetail } from '../service-actions.ts';
import { actionTransitions } from '../workflow.ts';
import {
  ActionList,
  contentLangs,
  day,
  FormErrors,
  Progress,
  Responsible,
  RichText,
  Status,
  shortText,
} from './common.tsx';

export interface ActionFormState {
  form: 'update' | 'edit';
  values: Record<string, string | string[]>;
  errors: FieldError[];
}

const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));

function UpdateForm({
  request,
  detail,
  sessions,
  state,
}: {
  request: FastifyRequest;
  detail: ActionDetail;
  sessions: { id: string; title: Record<string, string>; startsAt: string }[];
  state?: ActionFormState;
}) {
  const l = request.locale;
  const a = detail.action;
  const v = state?.form === 'update' ? state.values : {};
  const leaf = a.childCount === 0;
  return (
    <form method="post" action={`/talks/actions/${a.id}/updates`} class="form">
      <h2 id="report-h">{t(l, 'talksActions.action.report')}</h2>
      <Csrf request={request} />
      {state?.form === 'update' && <FormErrors locale={l} errors={state.errors} />}
      <div class="field">
        <label for="u-status">{t(l, 'talksActions.action.newStatus')}</label>
        <select id="u-status" name="status">
          <option value="">
            {t(l, 'talksActions.action.keepStatus', { status: t(l, `talksActions.status.${a.status}`) })}
          </option>
          {actionTransitions[a.status].map((s) => (
            <option key={s} value={s} selected={str(v.status) === s}>
              {t(l, `talksActions.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {leaf && (
        <div class="field">
          <label for="u-progress">{t(l, 'talksActions.action.newProgress')}</label>
          <input
            id="u-progress"
            name="progress"
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="numeric"
            value={str(v.progress) || String(a.progress)}
          />
        </div>
      )}
      <div class="field">
        <label for="u-note">{t(l, 'talksActions.action.note')}</label>
        <textarea id="u-note" name="note" rows={3}>
          {str(v.note)}
        </textarea>
      </div>
      <div class="field">
        <label for="u-evidence">{t(l, 'talksActions.action.evidenceUrl')}</label>
        <input id="u-evidence" name="evidenceUrl" type="url" value={str(v.evidenceUrl)} />
      </div>
      <div class="field">
        <label for="u-date">{t(l, 'talksActions.action.happenedOn')}</label>
        <input
          id="u-date"
          name="happenedOn"
          type="date"
          required
          value={str(v.happenedOn) || new Date().toISOString().slice(0, 10)}
        />
      </div>
      {sessions.length > 0 && (
        <div class="field">
          <label for="u-session">{t(l, 'talksActions.action.session')}</label>
          <select id="u-session" name="sessionId">
            <option value="">{t(l, 'talksActions.forms.none')}</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id} selected={str(v.sessionId) === s.id}>
                {day(l, s.startsAt)} — {pick(s.title, l).text}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit">{t(l, 'talksActions.action.submit')}</button>
    </form>
  );
}

function EditForm({
  request,
  detail,
  sessions,
  state,
}: {
  request: FastifyRequest;
  detail: ActionDetail;
  sessions: { id: string; title: Record<string, string>; startsAt: string }[];
  state?: ActionFormState;
}) {
  const l = request.locale;
  const a = detail.action;
  const v: Record<string, string | string[]> =
    state?.form === 'edit'
      ? state.values
      : {
          ...Object.fromEntries(contentLangs.map((x) => [`text_${x}`, a.text[x] ?? ''])),
          dueOn: a.dueOn ?? '',
          weight: String(a.weight),
          rollup: a.rollup,
          themes: a.themes,
          followUpSessionId: a.followUpSessionId ?? '',
          responsibleOrgId: a.responsibleOrgId ?? '',
        };
  const chosen = (x: string) => (Array.isArray(v.themes) ? v.themes.includes(x) : v.themes === x);
  return (
    <form method="post" action={`/talks/actions/${a.id}`} class="form">
      <h2 id="edit-h">{t(l, 'talksActions.forms.editAction')}</h2>
      <Csrf request={request} />
      <input type="hidden" name="version" value={String(a.version)} />
      {state?.form === 'edit' && <FormErrors locale={l} errors={state.errors} />}
      {contentLangs.map((lang) => (
        <div class="field" key={lang}>
          <label for={`e-text-${lang}`}>{t(l, 'talksActions.forms.text', { lang: localeNames[lang] })}</label>
          <textarea id={`e-text-${lang}`} name={`text_${lang}`} lang={lang} rows={3}>
            {str(v[`text_${lang}`])}
          </textarea>
        </div>
      ))}
      <div class="field">
        <label for="e-resp">{t(l, 'talksActions.forms.responsibleOther')}</label>
        <input id="e-resp" name="responsibleOrgId" size={38} value={str(v.responsibleOrgId)} />
      </div>
      <div class="field">
        <label for="e-due">{t(l, 'talksActions.forms.dueOn')}</label>
        <input id="e-due" type="date" name="dueOn" value={str(v.dueOn)} />
      </div>
      <div class="field">
        <label for="e-weight">{t(l, 'talksActions.forms.weight')}</label>
        <input id="e-weight" name="weight" inputMode="decimal" size={6} value={str(v.weight)} />
      </div>
      <div class="field">
        <label for="e-rollup">{t(l, 'talksActions.forms.rollup')}</label>
        <select id="e-rollup" name="rollup">
          <option value="weighted">{t(l, 'talksActions.forms.rollupWeighted')}</option>
          <option value="plain" selected={str(v.rollup) === 'plain'}>
            {t(l, 'talksActions.forms.rollupPlain')}
          </option>
        </select>
      </div>
      <div class="field">
        <label for="e-follow">{t(l, 'talksActions.forms.followUp')}</label>
        <select id="e-follow" name="followUpSessionId">
          <option value="">{t(l, 'talksActions.forms.none')}</option>
          {sessions.map((s) => (
            <option key={s.id} value={s.id} selected={str(v.followUpSessionId) === s.id}>
              {day(l, s.startsAt)} — {pick(s.title, l).text}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>{t(l, 'talksActions.forms.themes')}</legend>
        {themes.map((x) => (
          <label key={x} class="check">
            <input type="checkbox" name="themes" value={x} checked={chosen(x)} />{' '}
            {t(l, `talksActions.themes.${x}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit">{t(l, 'talksActions.forms.save')}</button>
    </form>
  );
}

export function ActionPage({
  request,
  detail,
  links,
  sessions,
  state,
}: {
  request: FastifyRequest;
  detail: ActionDetail;
  links: LinkView[];
  sessions: { id: string; title: Record<string, string>; startsAt: string }[];
  state?: ActionFormState;
}) {
  const l = request.locale;
  const a = detail.action;
  return (
    <>
      <p>
        <a href={`/talks/sessions/${a.sessionId}/recommendations`}>{pick(detail.session.title, l).text}</a>
      </p>
      <h1>
        {t(l, 'talksActions.action.title')}: {shortText(l, a.text, 90)}
      </h1>
      <p class="lead">
        <RichText request={request} value={a.text} />
      </p>
      <dl>
        <dt>{t(l, 'talksActions.action.status')}</dt>
        <dd>
          <Status locale={l} action={a} />
        </dd>
        <dt>{t(l, 'talksActions.action.progress')}</dt>
        <dd>
          <Progress locale={l} value={a.progress} />
          {a.childCount > 0 && (
            <>
              {' '}
              (
              {t(l, 'talksActions.action.rolledUp', {
                rollup: t(
                  l,
                  a.rollup === 'plain'
                    ? 'talksActions.forms.rollupPlain'
                    : 'talksActions.forms.rollupWeighted',
                ),
              })}
              )
            </>
          )}
        </dd>
        <dt>{t(l, 'talksActions.action.responsible')}</dt>
        <dd>
          <Responsible request={request} action={a} />
        </dd>
        {a.ownerName && (
          <>
            <dt>{t(l, 'talksActions.action.owner')}</dt>
            <dd>{a.ownerName}</dd>
          </>
        )}
        <dt>{t(l, 'talksActions.action.due')}</dt>
        <dd>{day(l, a.dueOn)}</dd>
        <dt>{t(l, 'talksActions.action.from')}</dt>
        <dd>
          <a href={`/talks/sessions/${detail.session.id}`}>{pick(detail.session.title, l).text}</a> (
          {day(l, detail.session.startsAt)})
        </dd>
        {detail.recommendation && (
          <>
            <dt>{t(l, 'talksActions.action.recommendation')}</dt>
            <dd>
              <a href={`/talks/recommendations/${detail.recommendation.id}`}>
                {shortText(l, detail.recommendation.text)}
              </a>
            </dd>
          </>
        )}
        {detail.parent && (
          <>
            <dt>{t(l, 'talksActions.action.parent')}</dt>
            <dd>
              <a href={`/talks/actions/${detail.parent.id}`}>{shortText(l, detail.parent.text)}</a>
            </dd>
          </>
        )}
        {detail.followUpSession && (
          <>
            <dt>{t(l, 'talksActions.action.followUp')}</dt>
            <dd>
              <a href={`/talks/sessions/${detail.followUpSession.id}`}>
                {pick(detail.followUpSession.title, l).text}
              </a>{' '}
              ({day(l, detail.followUpSession.startsAt)})
            </dd>
          </>
        )}
      </dl>
      {detail.children.length > 0 && (
        <section aria-labelledby="children-h">
          <h2 id="children-h">{t(l, 'talksActions.action.children')}</h2>
          <ActionList request={request} actions={detail.children} />
        </section>
      )}
      <section aria-labelledby="updates-h">
        <h2 id="updates-h">{t(l, 'talksActions.action.updates')}</h2>
        {detail.updates.length === 0 ? (
          <p>{t(l, 'talksActions.action.noUpdates')}</p>
        ) : (
          <ol class="timeline" reversed>
            {detail.updates.map((u) => (
              <li key={u.id}>
                <strong>{day(l, u.happenedOn)}</strong>
                {u.statusTo && (
                  <>
                    {' — '}
                    {t(l, 'talksActions.action.statusChange', {
                      from: t(l, `talksActions.status.${u.statusFrom}`),
                      to: t(l, `talksActions.status.${u.statusTo}`),
                    })}
                  </>
                )}
                {u.progressTo !== null && (
                  <>
                    {' — '}
                    {t(l, 'talksActions.action.progressChange', { from: u.progressFrom, to: u.progressTo })}
                  </>
                )}
                {u.createdByName && <> — {t(l, 'talksActions.action.by', { name: u.createdByName })}</>}
                {u.note && (
                  <p>
                    <RichText request={request} value={u.note} />
                  </p>
                )}
                {u.evidenceUrl && (
                  <p>
                    <a href={u.evidenceUrl} rel="nofollow noopener">
                      {t(l, 'talksActions.action.evidence')}
                    </a>
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      {detail.permissions.report && (
        <UpdateForm request={request} detail={detail} sessions={sessions} state={state} />
      )}
      <LinkedRecords
        request={request}
        links={links}
        from={{ kind: 'talks.action', id: a.id }}
        canEdit={detail.permissions.report}
        back={`/talks/actions/${a.id}`}
      />
      {detail.permissions.edit && (
        <EditForm request={request} detail={detail} sessions={sessions} state={state} />
      )}
    </>
  );
}
