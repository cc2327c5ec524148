import type { FastifyRequest } from 'fastify';
import { localeNames, pick, t } from '../../../../core/i18n/i18n.ts';
import { Csrf } from '../../../../core/ui/layout.tsx';
import type { FieldError, I18nText } from '../../../../core/validation/input.ts';
import { addressees, themes } from '../../schema.ts';
import type { Action } from '../rows.ts';
import type { SessionOutcomes } from '../service-recommendations.ts';
import { ActionList, contentLangs, FormErrors, RichText, shortText } from './common.tsx';

export type OrgOption = {
  id: string;
  name: string;
  names: I18nText;
};

export interface FormState {
  form: 'recommendation' | 'action';
  values: Record<string, string | string[]>;
  errors: FieldError[];
}

const val = (s: FormState | undefined, form: FormState['form'], k: string) =>
  s?.form === form ? s.values[k] : undefined;
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));
const has = (v: string | string[] | undefined, x: string) => (Array.isArray(v) ? v.includes(x) : v === x);

function TextFields({
  request,
  prefix,
  state,
  form,
}: {
  request: FastifyRequest;
  prefix: string;
  state?: FormState;
  form: FormState['form'];
}) {
  const l = request.locale;
  return (
    <fieldset>
      <legend>{t(l, 'talksActions.forms.textHelp')}</legend>
      {contentLangs.map((lang) => (
        <div class="field" key={lang}>
          <label for={`${prefix}-text-${lang}`}>
            {t(l, 'talksActions.forms.text', { lang: localeNames[lang] })}
          </label>
          <textarea id={`${prefix}-text-${lang}`} name={`text_${lang}`} lang={lang} rows={3}>
            {str(val(state, form, `text_${lang}`))}
          </textarea>
        </div>
      ))}
    </fieldset>
  );
}

function Checkboxes({
  name,
  legend,
  options,
  label,
  checked,
}: {
  name: string;
  legend: string;
  options: readonly string[];
  label: (o: string) => string;
  checked: string | string[] | undefined;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} class="check">
          <input type="checkbox" name={name} value={o} checked={has(checked, o)} /> {label(o)}
        </label>
      ))}
    </fieldset>
  );
}

function RecommendationForm({
  request,
  sessionId,
  orgs,
  state,
}: {
  request: FastifyRequest;
  sessionId: string;
  orgs: OrgOption[];
  state?: FormState;
}) {
  const l = request.locale;
  const f = 'recommendation';
  return (
    <form method="post" action={`/talks/sessions/${sessionId}/recommendations`} class="form">
      <h3>{t(l, 'talksActions.forms.addRecommendation')}</h3>
      <Csrf request={request} />
      {state?.form === f && <FormErrors locale={l} errors={state.errors} />}
      <TextFields request={request} prefix="rec" state={state} form={f} />
      <div class="field">
        <label for="rec-sources">{t(l, 'talksActions.forms.sources')}</label>
        <small class="help" id="rec-sources-help">
          {t(l, 'talksActions.forms.sourcesHelp')}
        </small>
        <select
          id="rec-sources"
          name="sourceOrgIds"
          multiple
          size={Math.min(8, Math.max(3, orgs.length))}
          aria-describedby="rec-sources-help"
        >
          {orgs.map((o) => (
            <option key={o.id} value={o.id} selected={has(val(state, f, 'sourceOrgIds'), o.id)}>
              {pick(o.names, l, o.name).text}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="rec-other">{t(l, 'talksActions.forms.otherSource')}</label>
        <input id="rec-other" name="otherSourceId" value={str(val(state, f, 'otherSourceId'))} size={38} />
      </div>
      <Checkboxes
        name="addressees"
        legend={t(l, 'talksActions.forms.addressees')}
        options={addressees}
        label={(o) => t(l, `talksActions.addressees.${o}`)}
        checked={val(state, f, 'addressees')}
      />
      <Checkboxes
        name="themes"
        legend={t(l, 'talksActions.forms.themes')}
        options={themes}
        label={(o) => t(l, `talksActions.themes.${o}`)}
        checked={val(state, f, 'themes')}
      />
      <button type="submit">{t(l, 'talksActions.forms.add')}</button>
    </form>
  );
}

function ActionForm({
  request,
  outcomes,
  orgs,
  sections,
  state,
}: {
  request: FastifyRequest;
  outcomes: SessionOutcomes;
  orgs: OrgOption[];
  sections: OrgOption[];
  state?: FormState;
}) {
  const l = request.locale;
  const f = 'action';
  const all: Action[] = [...outcomes.recommendations.flatMap((r) => r.actions), ...outcomes.otherActions];
  const responsible = str(val(state, f, 'responsible'));
  return (
    <form method="post" action={`/talks/sessions/${outcomes.session.id}/actions`} class="form">
      <h3>{t(l, 'talksActions.forms.addAction')}</h3>
      <Csrf request={request} />
      {state?.form === f && <FormErrors locale={l} errors={state.errors} />}
      <TextFields request={request} prefix="act" state={state} form={f} />
      <div class="field">
        <label for="act-rec">{t(l, 'talksActions.forms.recommendation')}</label>
        <select id="act-rec" name="recommendationId">
          <option value="">{t(l, 'talksActions.forms.none')}</option>
          {outcomes.recommendations.map((r, i) => (
            <option key={r.id} value={r.id} selected={str(val(state, f, 'recommendationId')) === r.id}>
              {i + 1}. {shortText(l, r.text, 80)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="act-parent">{t(l, 'talksActions.forms.parent')}</label>
        <select id="act-parent" name="parentId">
          <option value="">{t(l, 'talksActions.forms.none')}</option>
          {all
            .filter((a) => a.depth < 2)
            .map((a) => (
              <option key={a.id} value={a.id} selected={str(val(state, f, 'parentId')) === a.id}>
                {'– '.repeat(a.depth)}
                {shortText(l, a.text, 80)}
              </option>
            ))}
        </select>
      </div>
      <div class="field">
        <label for="act-resp">{t(l, 'talksActions.forms.responsible')}</label>
        <select id="act-resp" name="responsible">
          <option value="">{t(l, 'talksActions.forms.none')}</option>
          <optgroup label={t(l, 'talksActions.forms.addressees')}>
            {addressees.map((a) => (
              <option key={a} value={`group:${a}`} selected={responsible === `group:${a}`}>
                {t(l, `talksActions.addressees.${a}`)}
              </option>
            ))}
          </optgroup>
          {[orgs, sections].map((list, i) =>
            list.length ? (
              <optgroup
                key={i}
                label={t(l, i === 0 ? 'talksActions.forms.sources' : 'talksActions.tracker.section')}
              >
                {list.map((o) => (
                  <option key={o.id} value={`org:${o.id}`} selected={responsible === `org:${o.id}`}>
                    {pick(o.names, l, o.name).text}
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
        </select>
      </div>
      <div class="field">
        <label for="act-resp-other">{t(l, 'talksActions.forms.responsibleOther')}</label>
        <small class="help" id="act-resp-other-help">
          {t(l, 'talksActions.forms.responsibleOtherHelp')}
        </small>
        <input
          id="act-resp-other"
          name="responsibleOrgId"
          size={38}
          value={str(val(state, f, 'responsibleOrgId'))}
          aria-describedby="act-resp-other-help"
        />
      </div>
      <div class="field">
        <label for="act-due">{t(l, 'talksActions.forms.dueOn')}</label>
        <input id="act-due" type="date" name="dueOn" value={str(val(state, f, 'dueOn'))} />
      </div>
      <div class="field">
        <label for="act-weight">{t(l, 'talksActions.forms.weight')}</label>
        <input
          id="act-weight"
          name="weight"
          inputMode="decimal"
          value={str(val(state, f, 'weight')) || '1'}
          size={6}
        />
      </div>
      <div class="field">
        <label for="act-rollup">{t(l, 'talksActions.forms.rollup')}</label>
        <select id="act-rollup" name="rollup">
          <option value="weighted">{t(l, 'talksActions.forms.rollupWeighted')}</option>
          <option value="plain" selected={str(val(state, f, 'rollup')) === 'plain'}>
            {t(l, 'talksActions.forms.rollupPlain')}
          </option>
        </select>
      </div>
      <Checkboxes
        name="themes"
        legend={t(l, 'talksActions.forms.themes')}
        options={themes}
        label={(o) => t(l, `talksActions.themes.${o}`)}
        checked={val(state, f, 'themes')}
      />
      <button type="submit">{t(l, 'talksActions.forms.add')}</button>
    </form>
  );
}

export function SessionOutcomesPage({
  request,
  outcomes,
  orgs,
  sections,
  state,
}: {
  request: FastifyRequest;
  outcomes: SessionOutcomes;
  orgs: OrgOption[];
  sections: OrgOption[];
  state?: FormState;
}) {
  const l = request.locale;
  const { session } = outcomes;
  return (
    <>
      <p>
        <a href={`/talks/sessions/${session.id}`}>{t(l, 'talksActions.session.back')}</a>
      </p>
      <h1>{t(l, 'talksActions.session.title')}</h1>
      <p class="lead">{t(l, 'talksActions.session.of', { title: pick(session.title, l).text })}</p>
      {!outcomes.contentVisible && <p>{t(l, 'talksActions.session.notPublished')}</p>}
      {outcomes.contentVisible && outcomes.recommendations.length === 0 && (
        <p>{t(l, 'talksActions.session.none')}</p>
      )}
      <ol class="recommendations">
        {outcomes.recommendations.map((r) => (
          <li key={r.id}>
            <article aria-labelledby={`rec-${r.id}`}>
              <h2 id={`rec-${r.id}`}>
                <RichText request={request} value={r.text} />
              </h2>
              <dl>
                {r.sources.length > 0 && (
                  <>
                    <dt>{t(l, 'talksActions.session.from')}</dt>
                    <dd>{r.sources.map((o) => pick(o.names, l, o.name).text).join(', ')}</dd>
                  </>
                )}
                {r.addressees.length > 0 && (
                  <>
                    <dt>{t(l, 'talksActions.session.to')}</dt>
                    <dd>{r.addressees.map((a) => t(l, `talksActions.addressees.${a}`)).join(', ')}</dd>
                  </>
                )}
                {r.themes.length > 0 && (
                  <>
                    <dt>{t(l, 'talksActions.session.themes')}</dt>
                    <dd>{r.themes.map((x) => t(l, `talksActions.themes.${x}`)).join(', ')}</dd>
                  </>
                )}
              </dl>
              <h3>{t(l, 'talksActions.session.actions')}</h3>
              {r.actions.length ? (
                <ActionList request={request} actions={r.actions} />
              ) : (
                <p>{t(l, 'talksActions.session.noActions')}</p>
              )}
              <p>
                <a href={`/talks/recommendations/${r.id}`}>{t(l, 'talksActions.session.timeline')}</a>
              </p>
            </article>
          </li>
        ))}
      </ol>
      {outcomes.otherActions.length > 0 && (
        <section aria-labelledby="other-actions">
          <h2 id="other-actions">{t(l, 'talksActions.session.otherActions')}</h2>
          <ActionList request={request} actions={outcomes.otherActions} />
        </section>
      )}
      {outcomes.canEdit && (
        <section aria-labelledby="edit-h">
          <h2 id="edit-h" class="visually-hidden">
            {t(l, 'talksActions.forms.add')}
          </h2>
          <RecommendationForm request={request} sessionId={session.id} orgs={orgs} state={state} />
          <ActionForm request={request} outcomes={outcomes} orgs={orgs} sections={sections} state={state} />
        </section>
      )}
    </>
  );
}
