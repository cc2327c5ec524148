import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { isStaff } from '../../../core/policy/policy.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { countryOptions } from '../countries.ts';
import { organisationKinds } from '../schema.ts';
import type { Organisation } from '../service.ts';
import type { CreateOrganisationInput } from '../service-input.ts';
import {
  contentLanguages,
  ErrorSummary,
  type Errors,
  Field,
  type FormValues,
  field,
  kindLabel,
  languageName,
  Select,
} from './components.tsx';

/** The organisation form: the same for creating and editing, re-shown with errors and the values typed. */
export function OrganisationForm({
  request,
  values,
  errors,
  action,
  title,
  sections,
  conflict,
  cancelHref,
}: {
  cancelHref: string;
  request: FastifyRequest;
  values: FormValues;
  errors: Errors;
  action: string;
  title: string;
  /** On creation: the Sections the organisation may be added to. */
  sections?: { id: string; name: string }[];
  conflict?: boolean;
}): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
  const editing = !!values.updated_at;
  return (
    <>
      <h1>{title}</h1>
      {conflict && (
        <p class="error-summary" role="alert">
          {t(l, 'directory.errors.conflict')}
        </p>
      )}
      <ErrorSummary errors={errors} locale={l} />
      <form method="post" action={action} class="stacked" novalidate>
        <Csrf request={request} />
        {editing && <input type="hidden" name="updated_at" value={values.updated_at} />}
        <fieldset>
          <legend>{t(l, 'directory.org.identity')}</legend>
          <Select
            name="kind"
            label={t(l, 'directory.table.kind')}
            options={organisationKinds.map((k) => ({ value: k, label: kindLabel(l, k) }))}
            required
            {...common}
          />
          <Field name="acronym" label={t(l, 'directory.org.acronym')} maxLength={50} {...common} />
          {sections && sections.length > 0 && (
            <Select
              name="section_id"
              label={t(l, 'directory.org.section')}
              options={sections.map((s) => ({ value: s.id, label: s.name }))}
              anyLabel={isStaff(request.actor) ? t(l, 'common.none') : undefined}
              {...common}
            />
          )}
        </fieldset>
        <fieldset aria-describedby="names-help">
          <legend>{t(l, 'directory.org.names')}</legend>
          <p id="names-help" class="help">
            {t(l, 'directory.org.namesHelp')}
          </p>
          {errors.names && (
            <strong id="f-names" class="field-error">
              {t(l, `directory.errors.${errors.names}`)}
            </strong>
          )}
          {contentLanguages(values, 'name_').map((lang) => (
            <Field
              key={lang}
              name={`name_${lang}`}
              lang={lang}
              label={t(l, 'directory.org.nameIn', { lang: languageName(l, lang) })}
              maxLength={300}
              {...common}
            />
          ))}
          <Field
            name="alt_names"
            textarea
            label={t(l, 'directory.org.altNames')}
            help={t(l, 'directory.org.altNamesHelp')}
            {...common}
          />
        </fieldset>
        <fieldset>
          <legend>{t(l, 'directory.org.place')}</legend>
          <Select
            name="country"
            label={t(l, 'directory.table.country')}
            options={countryOptions(l).map((c) => ({ value: c.code, label: c.name }))}
            anyLabel={t(l, 'common.none')}
            {...common}
          />
          <Field
            name="parent_id"
            label={t(l, 'directory.org.parent')}
            help={t(l, 'directory.org.parentHelp')}
            {...common}
          />
          <Field name="population" inputMode="numeric" label={t(l, 'directory.org.population')} {...common} />
          <Field name="lat" inputMode="decimal" label={t(l, 'directory.org.lat')} {...common} />
          <Field name="lon" inputMode="decimal" label={t(l, 'directory.org.lon')} {...common} />
        </fieldset>
        <fieldset>
          <legend>{t(l, 'directory.org.ids')}</legend>
          <Field name="geonames_id" inputMode="numeric" label={t(l, 'directory.org.geonames')} {...common} />
          <Field name="wikidata_id" label={t(l, 'directory.org.wikidata')} {...common} />
          <Field
            name="website"
            type="url"
            inputMode="url"
            label={t(l, 'directory.org.website')}
            {...common}
          />
        </fieldset>
        <fieldset>
          <legend>{t(l, 'directory.org.description')}</legend>
          {contentLanguages(values, 'description_').map((lang) => (
            <Field
              key={lang}
              name={`description_${lang}`}
              lang={lang}
              textarea
              label={`${t(l, 'directory.org.description')} (${languageName(l, lang)})`}
              maxLength={5000}
              {...common}
            />
          ))}
        </fieldset>
        <p class="actions">
          <button type="submit">{editing ? t(l, 'common.save') : t(l, 'common.create')}</button>{' '}
          <a href={cancelHref}>{t(l, 'common.cancel')}</a>
        </p>
      </form>
    </>
  );
}

/** An organisation as form values. */
export function organisationValues(o: Organisation): FormValues {
  const v: FormValues = {
    kind: o.kind,
    acronym: o.acronym ?? '',
    alt_names: o.altNames.join('\n'),
    country: o.country ?? '',
    parent_id: o.parentId ?? '',
    population: o.population === null ? '' : String(o.population),
    lat: o.lat === null ? '' : String(o.lat),
    lon: o.lon === null ? '' : String(o.lon),
    geonames_id: o.geonamesId === null ? '' : String(o.geonamesId),
    wikidata_id: o.wikidataId ?? '',
    website: o.website ?? '',
    updated_at: o.updatedAt,
  };
  for (const [lang, name] of Object.entries(o.names)) v[`name_${lang}`] = name;
  for (const [lang, d] of Object.entries(o.description ?? {})) v[`description_${lang}`] = d;
  return v;
}

/** A number field: empty is "none"; anything else must be a number (else the use case says so). */
function num(s: string): number | null | string {
  if (s === '') return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : s;
}

function langValues(body: Record<string, unknown>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(body)) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = field(body, k);
  }
  return out;
}

/** Form body → use case input. Wrong values are passed on as they are so that the use case names them. */
export function organisationInput(
  body: Record<string, unknown>,
): CreateOrganisationInput & { updatedAt?: string } {
  const s = (n: string) => field(body, n) || null;
  return {
    kind: field(body, 'kind') as CreateOrganisationInput['kind'],
    names: langValues(body, 'name_'),
    acronym: s('acronym'),
    altNames: field(body, 'alt_names')
      .split(/\r?\n/)
      .map((x) => x.trim())
      .filter(Boolean),
    country: s('country'),
    parentId: s('parent_id'),
    population: num(field(body, 'population')) as number | null,
    lat: num(field(body, 'lat')) as number | null,
    lon: num(field(body, 'lon')) as number | null,
    geonamesId: num(field(body, 'geonames_id')) as number | null,
    wikidataId: s('wikidata_id'),
    website: s('website'),
    description: langValues(body, 'description_'),
    ...(field(body, 'section_id') ? { sectionId: field(body, 'section_id') } : {}),
  };
}

/** Use case field paths → form field names. */
export function organisationFieldOf(path: string): string {
  const [head, sub] = path.split('.');
  const map: Record<string, string> = {
    altNames: 'alt_names',
    parentId: 'parent_id',
    geonamesId: 'geonames_id',
    wikidataId: 'wikidata_id',
    sectionId: 'section_id',
    updatedAt: 'updated_at',
  };
  if (head === 'names') return sub ? `name_${sub}` : 'names';
  if (head === 'description') return sub ? `description_${sub}` : 'description_en';
  return map[head] ?? head ?? 'form';
}
