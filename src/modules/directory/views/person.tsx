import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { personRoleKinds } from '../schema.ts';
import type { Contact, Person } from '../service.ts';
import { contactKinds } from '../service-input.ts';
import {
  ErrorSummary,
  type Errors,
  Field,
  type FormValues,
  OrgLink,
  PostButton,
  Select,
} from './components.tsx';

/** Contact details as a list; the caller only ever has the ones the reader may see. */
export function ContactList({ request, contacts }: { request: FastifyRequest; contacts: Contact[] }): VNode {
  const l = request.locale;
  return (
    <ul class="contacts">
      {contacts.map((c) => (
        <li key={c.id}>
          <span class="label">{t(l, `directory.contactKind.${c.kind}`)}:</span>{' '}
          {c.kind === 'email' ? <a href={`mailto:${c.value}`}>{c.value}</a> : c.value}
          {c.confidentiality === 'restricted' && <small class="badge"> {t(l, 'common.restricted')}</small>}
        </li>
      ))}
    </ul>
  );
}

const roleOptions = (l: FastifyRequest['locale']) =>
  personRoleKinds.map((r) => ({ value: r, label: t(l, `directory.role.${r}`) }));

export function PersonPage({
  request,
  person,
}: {
  request: FastifyRequest;
  person: Person & { permissions: { edit: boolean; archive: boolean } };
}): VNode {
  const l = request.locale;
  const edit = person.permissions.edit && !person.archivedAt;
  return (
    <article>
      <h1>{person.name}</h1>
      {person.title && <p class="lead">{person.title}</p>}
      {person.archivedAt && <p class="notice warning">{t(l, 'directory.org.archived')}</p>}
      {edit && (
        <p class="toolbar">
          <a href={`/directory/people/${person.id}/edit`}>{t(l, 'common.edit')}</a>{' '}
          <PostButton
            request={request}
            action={`/directory/people/${person.id}/archive`}
            label={t(l, 'directory.people.archive')}
            className="danger"
          />
        </p>
      )}
      <section aria-labelledby="roles">
        <h2 id="roles">{t(l, 'directory.people.roles')}</h2>
        {person.roles.length === 0 ? (
          <p>{t(l, 'common.none')}</p>
        ) : (
          <table class="data">
            <caption class="visually-hidden">{t(l, 'directory.people.roles')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'directory.people.organisation')}</th>
                <th scope="col">{t(l, 'directory.people.role')}</th>
                <th scope="col">{t(l, 'directory.people.since')}</th>
                <th scope="col">{t(l, 'directory.people.until')}</th>
                {edit && <th scope="col">{t(l, 'common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {person.roles.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <OrgLink
                      request={request}
                      org={{ id: r.organisationId, names: r.organisationNames, name: r.organisationName }}
                    />
                  </th>
                  <td>{t(l, `directory.role.${r.role}`)}</td>
                  <td>{r.since ?? ''}</td>
                  <td>{r.until ?? ''}</td>
                  {edit && (
                    <td>
                      {r.current && (
                        <PostButton
                          request={request}
                          action={`/directory/roles/${r.id}/end`}
                          label={t(l, 'directory.people.endRole')}
                        />
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {edit && (
          <form method="post" action={`/directory/people/${person.id}/roles`} class="inline-form">
            <Csrf request={request} />
            <fieldset>
              <legend>{t(l, 'directory.people.addRole')}</legend>
              <Field
                name="organisation_id"
                label={t(l, 'directory.people.organisation')}
                help={t(l, 'directory.org.parentHelp')}
                values={{}}
                errors={{}}
                locale={l}
                required
              />
              <Select
                name="role"
                label={t(l, 'directory.people.role')}
                options={roleOptions(l)}
                values={{}}
                errors={{}}
                locale={l}
              />
              <Field
                name="since"
                type="date"
                label={t(l, 'directory.people.since')}
                values={{}}
                errors={{}}
                locale={l}
              />
              <button type="submit">{t(l, 'directory.people.addRole')}</button>
            </fieldset>
          </form>
        )}
      </section>
      <section aria-labelledby="contacts">
        <h2 id="contacts">{t(l, 'directory.people.contacts')}</h2>
        {person.contacts.length === 0 ? (
          <p class="muted">{t(l, 'directory.people.noContacts')}</p>
        ) : (
          <ul class="contacts">
            {person.contacts.map((c) => (
              <li key={c.id}>
                <ContactList request={request} contacts={[c]} />
                {edit && (
                  <PostButton
                    request={request}
                    action={`/directory/contacts/${c.id}/remove`}
                    label={t(l, 'directory.people.remove')}
                  >
                    <input type="hidden" name="person_id" value={person.id} />
                  </PostButton>
                )}
              </li>
            ))}
          </ul>
        )}
        {edit && (
          <form method="post" action={`/directory/people/${person.id}/contacts`} class="inline-form">
            <Csrf request={request} />
            <fieldset>
              <legend>{t(l, 'directory.people.addContact')}</legend>
              <Select
                name="kind"
                label={t(l, 'directory.people.contactKind')}
                options={contactKinds.map((k) => ({ value: k, label: t(l, `directory.contactKind.${k}`) }))}
                values={{}}
                errors={{}}
                locale={l}
              />
              <Field
                name="value"
                label={t(l, 'directory.people.contactValue')}
                values={{}}
                errors={{}}
                locale={l}
                required
              />
              <Select
                name="confidentiality"
                label={t(l, 'directory.people.confidentiality')}
                options={(['restricted', 'network', 'public'] as const).map((c) => ({
                  value: c,
                  label: t(l, `directory.confidentiality.${c}`),
                }))}
                values={{ confidentiality: 'restricted' }}
                errors={{}}
                locale={l}
              />
              <button type="submit">{t(l, 'directory.people.addContact')}</button>
            </fieldset>
          </form>
        )}
      </section>
    </article>
  );
}

export function PersonForm({
  request,
  title,
  action,
  values,
  errors,
  withRole,
  cancelHref,
  conflict,
}: {
  request: FastifyRequest;
  title: string;
  action: string;
  values: FormValues;
  errors: Errors;
  withRole: boolean;
  cancelHref: string;
  conflict?: boolean;
}): VNode {
  const l = request.locale;
  const common = { values, errors, locale: l };
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
        {values.updated_at && <input type="hidden" name="updated_at" value={values.updated_at} />}
        <fieldset>
          <legend>{t(l, 'directory.people.name')}</legend>
          <Field name="name" label={t(l, 'directory.people.name')} maxLength={200} required {...common} />
          <Field name="title" label={t(l, 'directory.people.title_field')} maxLength={200} {...common} />
        </fieldset>
        {withRole && (
          <fieldset>
            <legend>{t(l, 'directory.people.role')}</legend>
            <input type="hidden" name="organisation_id" value={values.organisation_id} />
            <Select name="role" label={t(l, 'directory.people.role')} options={roleOptions(l)} {...common} />
            <Field name="since" type="date" label={t(l, 'directory.people.since')} {...common} />
          </fieldset>
        )}
        <p class="actions">
          <button type="submit">{values.updated_at ? t(l, 'common.save') : t(l, 'common.create')}</button>{' '}
          <a href={cancelHref}>{t(l, 'common.cancel')}</a>
        </p>
      </form>
    </>
  );
}
