import type { FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { t } from '../../../../core/i18n/i18n.ts';
import { Csrf } from '../../../../core/ui/layout.tsx';
import { sessionFormats } from '../../schema.ts';
import { ErrorSummary, type Errors, Field, type FormValues, I18nFields, Select } from './form.tsx';

/** The series and session forms (create and edit), without JavaScript. */

const timeZones = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

interface FormPageProps {
  request: FastifyRequest;
  title: string;
  action: string;
  values: FormValues;
  errors: Errors;
  cancelHref: string;
}

/** The page around a form: heading, conflict notice, error summary, and the save and cancel actions. */
function FormPage({
  request,
  title,
  action,
  errors,
  cancelHref,
  conflict,
  children,
}: Omit<FormPageProps, 'values'> & { conflict?: boolean; children: ComponentChildren }): VNode {
  const l = request.locale;
  return (
    <div class="wrap narrow">
      <h1>{title}</h1>
      {conflict && (
        <p class="notice warning" role="alert">
          {t(l, 'talks.form.conflict')}
        </p>
      )}
      <ErrorSummary errors={errors} locale={l} />
      <form method="post" action={action}>
        <Csrf request={request} />
        {children}
        <p class="actions">
          <button type="submit">{t(l, 'talks.form.save')}</button>{' '}
          <a href={cancelHref}>{t(l, 'talks.form.cancel')}</a>
        </p>
      </form>
    </div>
  );
}

export function SeriesForm({ request, title, action, values, errors, cancelHref }: FormPageProps): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
  return (
    <FormPage request={request} title={title} action={action} errors={errors} cancelHref={cancelHref}>
      <Field
        name="slug"
        label={t(l, 'talks.series.slug')}
        help={t(l, 'talks.series.slugHelp')}
        required
        {...common}
      />
      <I18nFields name="title" legend={t(l, 'talks.series.titleField')} required {...common} />
      <I18nFields name="subtitle" legend={t(l, 'talks.series.subtitle')} {...common} />
      <I18nFields name="description" legend={t(l, 'talks.series.description')} textarea {...common} />
      <Field
        name="organiser"
        label={t(l, 'talks.series.organiser')}
        help={t(l, 'talks.form.orgHelp')}
        {...common}
      />
    </FormPage>
  );
}

export function SessionForm({
  request,
  title,
  action,
  values,
  errors,
  cancelHref,
  series,
  conflict,
}: FormPageProps & {
  /** Series to choose from (new sessions only). */
  series?: { id: string; title: string }[];
  conflict?: boolean;
}): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
  return (
    <FormPage
      request={request}
      title={title}
      action={action}
      errors={errors}
      cancelHref={cancelHref}
      conflict={conflict}
    >
      {values.version && <input type="hidden" name="version" value={values.version} />}
      {series && (
        <Select
          name="series_id"
          label={t(l, 'talks.series.one')}
          options={series.map((s) => ({ value: s.id, label: s.title }))}
          {...common}
        />
      )}
      <I18nFields name="title" legend={t(l, 'talks.session.title')} required {...common} />
      <I18nFields name="subtitle" legend={t(l, 'talks.session.subtitle')} {...common} />
      <fieldset>
        <legend>{t(l, 'talks.session.when')}</legend>
        <Field
          name="starts_at"
          type="datetime-local"
          label={t(l, 'talks.session.startsAt')}
          help={t(l, 'talks.form.localTimeHelp')}
          required
          {...common}
        />
        <Field name="ends_at" type="datetime-local" label={t(l, 'talks.session.endsAt')} {...common} />
        <Select
          name="timezone"
          label={t(l, 'talks.session.timezone')}
          options={timeZones.map((z) => ({ value: z, label: z }))}
          {...common}
        />
      </fieldset>
      <fieldset>
        <legend>{t(l, 'talks.session.where')}</legend>
        <Select
          name="format"
          label={t(l, 'talks.session.format')}
          options={sessionFormats.map((f) => ({ value: f, label: t(l, `talks.format.${f}`) }))}
          {...common}
        />
        <Field name="venue" label={t(l, 'talks.session.venue')} {...common} />
        <Field
          name="venue_org"
          label={t(l, 'talks.session.venueOrg')}
          help={t(l, 'talks.form.orgHelp')}
          {...common}
        />
        <Field name="online_url" type="url" label={t(l, 'talks.session.onlineUrl')} {...common} />
      </fieldset>
      <Field
        name="languages"
        label={t(l, 'talks.session.languages')}
        help={t(l, 'talks.form.languagesHelp')}
        {...common}
      />
      <fieldset>
        <legend>{t(l, 'talks.registration.title')}</legend>
        <Field
          name="capacity"
          type="number"
          min={0}
          label={t(l, 'talks.session.capacity')}
          help={t(l, 'talks.form.capacityHelp')}
          {...common}
        />
        <div class="field">
          <label>
            <input
              type="checkbox"
              name="registration_open"
              value="1"
              checked={values.registration_open === '1'}
            />{' '}
            {t(l, 'talks.session.registrationOpen')}
          </label>
        </div>
      </fieldset>
      <I18nFields
        name="summary"
        legend={t(l, 'talks.session.summary')}
        help={t(l, 'talks.form.keyMessageHint')}
        textarea
        rows={6}
        {...common}
      />
    </FormPage>
  );
}

export function ContributionForm({
  request,
  title,
  action,
  values,
  errors,
  cancelHref,
  organisations,
  staff,
  agenda,
  conflict,
  compact,
}: {
  request: FastifyRequest;
  title: string;
  action: string;
  values: FormValues;
  errors: Errors;
  cancelHref?: string;
  /** Organisations the writer may speak for (a partner's own); staff type any organisation. */
  organisations: { id: string; name: string }[];
  staff: boolean;
  agenda: { id: string; title: string; depth: number }[];
  conflict?: boolean;
  /** On the session page: a heading of level 3, no cancel link. */
  compact?: boolean;
}): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
  const Heading = compact ? 'h3' : 'h1';
  return (
    <div class={compact ? undefined : 'wrap narrow'}>
      <Heading id="contribution-form-h">{title}</Heading>
      {conflict && (
        <p class="notice warning" role="alert">
          {t(l, 'talks.form.conflict')}
        </p>
      )}
      <ErrorSummary errors={errors} locale={l} />
      <form method="post" action={action} aria-labelledby="contribution-form-h">
        <Csrf request={request} />
        {values.version && <input type="hidden" name="version" value={values.version} />}
        {!values.version &&
          (staff ? (
            <Field
              name="organisation"
              label={t(l, 'talks.contribution.organisation')}
              help={t(l, 'talks.form.orgHelp')}
              {...common}
            />
          ) : (
            <Select
              name="organisation_id"
              label={t(l, 'talks.contribution.organisation')}
              options={organisations.map((o) => ({ value: o.id, label: o.name }))}
              {...common}
            />
          ))}
        {staff && (
          <Field
            name="speaker_label"
            label={t(l, 'talks.contribution.speakerLabel')}
            help={t(l, 'talks.contribution.speakerLabelHelp')}
            {...common}
          />
        )}
        {agenda.length > 0 && (
          <Select
            name="agenda_item_id"
            label={t(l, 'talks.contribution.agendaItem')}
            emptyLabel={t(l, 'talks.contribution.noAgendaItem')}
            options={agenda.map((a) => ({ value: a.id, label: `${'— '.repeat(a.depth)}${a.title}` }))}
            {...common}
          />
        )}
        <I18nFields
          name="body"
          legend={t(l, 'talks.contribution.body')}
          help={t(l, 'talks.form.keyMessageHint')}
          textarea
          rows={6}
          required
          {...common}
        />
        <p class="actions">
          <button type="submit">
            {values.version ? t(l, 'talks.form.save') : t(l, 'talks.contribution.add')}
          </button>
          {cancelHref && (
            <>
              {' '}
              <a href={cancelHref}>{t(l, 'talks.form.cancel')}</a>
            </>
          )}
        </p>
      </form>
    </div>
  );
}

export function AgendaItemForm({ request, title, action, values, errors, cancelHref }: FormPageProps): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
  return (
    <FormPage request={request} title={title} action={action} errors={errors} cancelHref={cancelHref}>
      <I18nFields name="title" legend={t(l, 'talks.agenda.itemTitleField')} required {...common} />
      <I18nFields name="description" legend={t(l, 'talks.agenda.description')} textarea {...common} />
      <Field
        name="duration_minutes"
        type="number"
        min={1}
        label={t(l, 'talks.agenda.duration')}
        {...common}
      />
      <Field
        name="position"
        type="number"
        min={0}
        label={t(l, 'talks.agenda.position')}
        help={t(l, 'talks.agenda.positionHelp')}
        {...common}
      />
    </FormPage>
  );
}
