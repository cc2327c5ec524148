import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';
import type { AppServices } from '../http/types.ts';
import { formatDate, localeNames, locales, t } from '../i18n/i18n.ts';
import { hasAnyRole, isStaff } from '../policy/policy.ts';
import { Csrf } from '../ui/layout.tsx';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  field,
  fields,
  formErrors,
  notice,
  safeNext,
  sendPage,
  statusOf,
} from './forms.tsx';
import { mustEnrolMfa } from './mfa.ts';
import {
  type ApiTokenInfo,
  createApiToken,
  disableTotp,
  enrolTotp,
  listApiTokens,
  revokeApiToken,
  tokenScopes,
  totpEnrolment,
} from './security.ts';
import { confirmTotp, getMe, setLanguage, updateProfile } from './service.ts';

/** Pages need a browser session: without one, go to the sign-in page and come back. */
function signedIn(request: FastifyRequest, reply: FastifyReply): Actor | null {
  if (request.actor && !request.actor.tokenScopes) return request.actor;
  void reply.redirect(`/login?next=${encodeURIComponent(request.url.split('?')[0])}`, 303);
  return null;
}

interface AccountState {
  errors?: FieldErrors;
  profile?: { name: string; locale: string };
  tokenName?: string;
  tokenScopes?: string[];
  newToken?: ApiTokenInfo & { token: string };
}

/** The account page: name and language, second factor, API tokens. */
export async function accountPages(app: FastifyInstance, services: AppServices): Promise<void> {
  const hide = { schema: { hide: true } };

  async function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    s: AccountState = {},
    status = 200,
  ) {
    const l = request.locale;
    const ctx = request.ctx();
    const me = await getMe(ctx);
    const tokens = await listApiTokens(ctx);
    const profile = s.profile ?? { name: me.name, locale: me.locale ?? '' };
    const offered = tokenScopes.filter((sc) => sc !== 'admin' || isStaff(request.actor));
    return sendPage(
      request,
      reply,
      t(l, 'auth.account.title'),
      <>
        <h1>{t(l, 'auth.account.title')}</h1>
        <p>
          {me.email} ·{' '}
          {me.roles.map((r) => t(l, `auth.roles.${r.role}`)).join(', ') || t(l, 'auth.account.noRole')}
        </p>
        <ErrorSummary errors={s.errors} request={request} />

        <section aria-labelledby="profile-h">
          <h2 id="profile-h">{t(l, 'auth.account.profile')}</h2>
          <form method="post" action="/account/profile" class="form">
            <Csrf request={request} />
            <Field
              name="name"
              label={t(l, 'auth.fields.name')}
              value={profile.name}
              errors={s.errors}
              required
              autocomplete="name"
              maxLength={200}
            />
            <div class="field">
              <label for="f-locale">{t(l, 'auth.fields.language')}</label>
              <select id="f-locale" name="locale">
                <option value="" selected={profile.locale === ''}>
                  {t(l, 'auth.account.browserLanguage')}
                </option>
                {locales.map((code) => (
                  <option key={code} value={code} lang={code} selected={profile.locale === code}>
                    {localeNames[code]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{t(l, 'common.save')}</button>
          </form>
        </section>

        <section aria-labelledby="mfa-h">
          <h2 id="mfa-h">{t(l, 'auth.account.mfa')}</h2>
          {me.totpEnabled ? (
            <>
              <p>{t(l, 'auth.account.mfaOn')}</p>
              <form method="post" action="/account/totp/disable" class="form">
                <Csrf request={request} />
                <Field
                  name="code"
                  label={t(l, 'auth.fields.code')}
                  errors={s.errors}
                  required
                  autocomplete="one-time-code"
                  inputMode="numeric"
                  maxLength={7}
                />
                <button type="submit" class="secondary">
                  {t(l, 'auth.account.mfaDisable')}
                </button>
              </form>
            </>
          ) : (
            <>
              <p>{t(l, 'auth.account.mfaOff')}</p>
              <p>
                <a href="/account/totp">{t(l, 'auth.account.mfaSetUp')}</a>
              </p>
            </>
          )}
        </section>

        <section aria-labelledby="tokens-h">
          <h2 id="tokens-h">{t(l, 'auth.tokens.title')}</h2>
          <p>{t(l, 'auth.tokens.intro')}</p>
          {s.newToken && (
            <div class="notice" role="status">
              <p>
                <strong>{t(l, 'auth.tokens.created', { name: s.newToken.name })}</strong>
              </p>
              <p>
                <label for="new-token">{t(l, 'auth.tokens.copyNow')}</label>
                <input id="new-token" type="text" readOnly value={s.newToken.token} class="code" />
              </p>
            </div>
          )}
          {tokens.length === 0 ? (
            <p>{t(l, 'auth.tokens.none')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t(l, 'auth.tokens.name')}</th>
                    <th scope="col">{t(l, 'auth.tokens.scopes')}</th>
                    <th scope="col">{t(l, 'auth.tokens.createdAt')}</th>
                    <th scope="col">{t(l, 'auth.tokens.lastUsed')}</th>
                    <th scope="col">{t(l, 'common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((tk) => (
                    <tr key={tk.id}>
                      <td>{tk.name}</td>
                      <td>{tk.scopes.map((sc) => t(l, `auth.tokens.scope.${sc}`)).join(', ')}</td>
                      <td>{formatDate(l, tk.createdAt)}</td>
                      <td>{tk.lastUsedAt ? formatDate(l, tk.lastUsedAt) : t(l, 'auth.tokens.never')}</td>
                      <td>
                        <form method="post" action={`/account/tokens/${tk.id}/revoke`} class="inline">
                          <Csrf request={request} />
                          <button
                            type="submit"
                            class="secondary small"
                            aria-label={`${t(l, 'auth.tokens.revoke')} ${tk.name}`}
                          >
                            {t(l, 'auth.tokens.revoke')}
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form method="post" action="/account/tokens" class="form">
            <Csrf request={request} />
            <h3>{t(l, 'auth.tokens.new')}</h3>
            <Field
              name="tokenName"
              label={t(l, 'auth.tokens.name')}
              value={s.tokenName}
              errors={s.errors}
              required
              maxLength={100}
            />
            <fieldset id="f-scopes">
              <legend>{t(l, 'auth.tokens.scopes')}</legend>
              {s.errors?.scopes && <small class="field-error">{s.errors.scopes}</small>}
              {offered.map((sc) => (
                <label key={sc} class="check">
                  <input
                    type="checkbox"
                    name="scopes"
                    value={sc}
                    checked={(s.tokenScopes ?? ['read']).includes(sc)}
                  />{' '}
                  {t(l, `auth.tokens.scope.${sc}`)} — <small>{t(l, `auth.tokens.scopeHint.${sc}`)}</small>
                </label>
              ))}
            </fieldset>
            <button type="submit">{t(l, 'auth.tokens.create')}</button>
          </form>
        </section>

        {hasAnyRole(request.actor, ['admin', 'secretariat']) && (
          <section aria-labelledby="staff-h">
            <h2 id="staff-h">{t(l, 'auth.account.staff')}</h2>
            <p>
              <a href="/admin/users">{t(l, 'auth.account.invitePeople')}</a>
            </p>
          </section>
        )}
      </>,
      { status, notice: notice(request, 'auth') },
    );
  }

  app.get('/account', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    return accountPage(request, reply);
  });

  app.post('/account/profile', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const profile = { name: field(request.body, 'name'), locale: field(request.body, 'locale') };
    try {
      await updateProfile(request.ctx(), { name: profile.name, locale: profile.locale || null });
      return reply.redirect('/account?done=saved', 303);
    } catch (e) {
      return accountPage(request, reply, { profile, errors: formErrors(request, e) }, statusOf(e));
    }
  });

  // The language switcher's choice, for a signed-in user: saved, then back to the same page.
  app.post('/account/language', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const next = safeNext(field(request.body, 'next'));
    await setLanguage(request.ctx(), { locale: field(request.body, 'locale') });
    return reply.redirect(next, 303);
  });

  app.post('/account/tokens', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const name = field(request.body, 'tokenName');
    const scopes = fields(request.body, 'scopes');
    try {
      const created = await createApiToken(request.ctx(), { name, scopes });
      // Shown once, in the answer to the form, never in an address or a later page.
      reply.header('cache-control', 'no-store');
      return accountPage(request, reply, { newToken: created }, 201);
    } catch (e) {
      const errors = formErrors(request, e);
      if (errors.name) {
        errors.tokenName = errors.name;
        delete errors.name;
      }
      return accountPage(request, reply, { tokenName: name, tokenScopes: scopes, errors }, statusOf(e));
    }
  });

  app.post('/account/tokens/:id/revoke', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    await revokeApiToken(request.ctx(), { id: (request.params as { id: string }).id });
    return reply.redirect('/account?done=tokenRevoked', 303);
  });

  // ---- TOTP enrolment
  async function totpPage(request: FastifyRequest, reply: FastifyReply, errors?: FieldErrors, status = 200) {
    const l = request.locale;
    const state = await totpEnrolment(request.ctx());
    if (state.enabled) return reply.redirect('/account', 303);
    const required = await mustEnrolMfa(services.database.db, request.actor);
    const grouped = state.secret?.match(/.{1,4}/g)?.join(' ');
    return sendPage(
      request,
      reply,
      t(l, 'auth.totp.title'),
      <section class="narrow">
        <h1>{t(l, 'auth.totp.title')}</h1>
        {required && (
          <p class="notice" role="status">
            {t(l, 'auth.totp.required')}
          </p>
        )}
        <p>{t(l, 'auth.totp.intro')}</p>
        <ErrorSummary errors={errors} request={request} />
        {state.secret ? (
          <>
            <ol>
              <li>
                {t(l, 'auth.totp.step1')}
                <p>
                  <code class="secret">{grouped}</code>
                </p>
                <p>
                  <a href={state.uri!}>{t(l, 'auth.totp.openApp')}</a>
                </p>
                <details>
                  <summary>{t(l, 'auth.totp.showUri')}</summary>
                  <code class="uri">{state.uri}</code>
                </details>
              </li>
              <li>{t(l, 'auth.totp.step2')}</li>
            </ol>
            <form method="post" action="/account/totp/confirm" class="form">
              <Csrf request={request} />
              <Field
                name="code"
                label={t(l, 'auth.fields.code')}
                errors={errors}
                required
                autocomplete="one-time-code"
                inputMode="numeric"
                maxLength={7}
              />
              <button type="submit">{t(l, 'auth.totp.confirm')}</button>
            </form>
            <form method="post" action="/account/totp/enrol" class="inline">
              <Csrf request={request} />
              <button type="submit" class="link">
                {t(l, 'auth.totp.restart')}
              </button>
            </form>
          </>
        ) : (
          <form method="post" action="/account/totp/enrol" class="form">
            <Csrf request={request} />
            <button type="submit">{t(l, 'auth.totp.start')}</button>
          </form>
        )}
        <form method="post" action="/logout" class="inline">
          <Csrf request={request} />
          <button type="submit" class="link">
            {t(l, 'nav.signOut')}
          </button>
        </form>
      </section>,
      { status },
    );
  }

  app.get('/account/totp', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    return totpPage(request, reply);
  });

  app.post('/account/totp/enrol', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    await enrolTotp(request.ctx());
    return reply.redirect('/account/totp', 303);
  });

  app.post('/account/totp/confirm', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    try {
      await confirmTotp(
        request.ctx(),
        { code: field(request.body, 'code'), sessionId: request.sessionId },
        services,
      );
      return reply.redirect('/account?done=totpEnabled', 303);
    } catch (e) {
      return totpPage(request, reply, formErrors(request, e, 'code'), statusOf(e));
    }
  });

  app.post('/account/totp/disable', hide, async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    try {
      await disableTotp(request.ctx(), { code: field(request.body, 'code') }, services);
      return reply.redirect('/account?done=totpDisabled', 303);
    } catch (e) {
      return accountPage(request, reply, { errors: formErrors(request, e, 'code') }, statusOf(e));
    }
  });
}
