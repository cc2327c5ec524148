import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AppServices } from '../http/types.ts';
import { t } from '../i18n/i18n.ts';
import { Csrf } from '../ui/layout.tsx';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  field,
  formErrors,
  notice,
  safeNext,
  sendPage,
  statusOf,
} from './forms.tsx';
import { PASSWORD_MIN } from './passwords.ts';
import {
  acceptInvitation,
  checkOneTimeToken,
  requestPasswordReset,
  resetPassword,
  signIn,
  signOut,
  verifyMfa,
} from './service.ts';
import { createSessionFor, deleteSession, sessionCookieOptions } from './sessions.ts';
import { SESSION_COOKIE } from './tokens.ts';

/** Sign-in, second factor, sign-out, invitations and password reset: the pages before an account is in use. */
export async function authPages(app: FastifyInstance, services: AppServices): Promise<void> {
  const { config } = services;
  const hide = { schema: { hide: true } };

  const setSession = (reply: FastifyReply, cookie: string) =>
    reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(config));

  // ---- sign in
  function loginPage(
    request: FastifyRequest,
    reply: FastifyReply,
    v: { email?: string; next?: string; errors?: FieldErrors },
    status = 200,
  ) {
    const l = request.locale;
    return sendPage(
      request,
      reply,
      t(l, 'auth.login.title'),
      <section class="narrow">
        <h1>{t(l, 'auth.login.title')}</h1>
        <ErrorSummary errors={v.errors} request={request} />
        <form method="post" action="/login" class="form">
          <Csrf request={request} />
          <input type="hidden" name="next" value={v.next ?? '/'} />
          <Field
            name="email"
            type="email"
            label={t(l, 'auth.fields.email')}
            value={v.email}
            errors={v.errors}
            required
            autocomplete="username"
          />
          <Field
            name="password"
            type="password"
            label={t(l, 'auth.fields.password')}
            errors={v.errors}
            required
            autocomplete="current-password"
          />
          <button type="submit">{t(l, 'auth.login.submit')}</button>
        </form>
        <p>
          <a href="/password/forgot">{t(l, 'auth.login.forgot')}</a>
        </p>
      </section>,
      { status, notice: notice(request, 'auth') },
    );
  }

  app.get('/login', hide, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    if (request.actor) return reply.redirect(next, 303);
    if (request.mfaPending) return reply.redirect(`/login/mfa?next=${encodeURIComponent(next)}`, 303);
    return loginPage(request, reply, { next });
  });

  app.post('/login', hide, async (request, reply) => {
    const email = field(request.body, 'email');
    const next = safeNext(field(request.body, 'next'));
    try {
      const r = await signIn(
        request.ctx(),
        {
          email,
          password: field(request.body, 'password'),
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          replaceSessionId: request.sessionId,
        },
        services,
      );
      setSession(reply, r.cookie);
      return reply.redirect(r.mfaPending ? `/login/mfa?next=${encodeURIComponent(next)}` : next, 303);
    } catch (e) {
      return loginPage(request, reply, { email, next, errors: formErrors(request, e) }, statusOf(e));
    }
  });

  // ---- second factor
  function mfaPage(
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    errors?: FieldErrors,
    status = 200,
  ) {
    const l = request.locale;
    return sendPage(
      request,
      reply,
      t(l, 'auth.mfa.title'),
      <section class="narrow">
        <h1>{t(l, 'auth.mfa.title')}</h1>
        <p>{t(l, 'auth.mfa.intro')}</p>
        <ErrorSummary errors={errors} request={request} />
        <form method="post" action="/login/mfa" class="form">
          <Csrf request={request} />
          <input type="hidden" name="next" value={next} />
          <Field
            name="code"
            label={t(l, 'auth.fields.code')}
            errors={errors}
            required
            autocomplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
          />
          <button type="submit">{t(l, 'auth.mfa.submit')}</button>
        </form>
      </section>,
      { status },
    );
  }

  app.get('/login/mfa', hide, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    if (!request.mfaPending) return reply.redirect(request.actor ? next : '/login', 303);
    return mfaPage(request, reply, next);
  });

  app.post('/login/mfa', hide, async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    if (!request.mfaPending || !request.sessionId) return reply.redirect('/login', 303);
    try {
      await verifyMfa(
        request.ctx(),
        { sessionId: request.sessionId, code: field(request.body, 'code'), ip: request.ip },
        services,
      );
      return reply.redirect(next, 303);
    } catch (e) {
      return mfaPage(request, reply, next, formErrors(request, e, 'code'), statusOf(e));
    }
  });

  // ---- sign out
  app.post('/logout', hide, async (request, reply) => {
    if (request.sessionId) await signOut(request.ctx(), { sessionId: request.sessionId });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login?done=signedOut', 303);
  });

  // ---- choosing a password: from an invitation or a reset link
  function passwordPage(
    request: FastifyRequest,
    reply: FastifyReply,
    v: { kind: 'invitation' | 'reset'; token: string; name?: string; email: string; errors?: FieldErrors },
    status = 200,
  ) {
    const l = request.locale;
    const title = t(l, v.kind === 'invitation' ? 'auth.invitation.title' : 'auth.reset.title');
    const action = v.kind === 'invitation' ? `/invitations/${v.token}` : `/password/reset/${v.token}`;
    return sendPage(
      request,
      reply,
      title,
      <section class="narrow">
        <h1>{title}</h1>
        <p>
          {t(l, v.kind === 'invitation' ? 'auth.invitation.intro' : 'auth.reset.intro', { email: v.email })}
        </p>
        <ErrorSummary errors={v.errors} request={request} />
        <form method="post" action={action} class="form">
          <Csrf request={request} />
          {/* Lets password managers file the new password under the right account. */}
          <input type="hidden" name="username" value={v.email} autocomplete="username" />
          {v.kind === 'invitation' && (
            <Field
              name="name"
              label={t(l, 'auth.fields.name')}
              value={v.name}
              errors={v.errors}
              required
              autocomplete="name"
              maxLength={200}
            />
          )}
          <Field
            name="password"
            type="password"
            label={t(l, 'auth.fields.newPassword')}
            hint={t(l, 'auth.fields.passwordHint', { min: PASSWORD_MIN })}
            errors={v.errors}
            required
            autocomplete="new-password"
          />
          <Field
            name="confirm"
            type="password"
            label={t(l, 'auth.fields.confirmPassword')}
            errors={v.errors}
            required
            autocomplete="new-password"
          />
          <button type="submit">
            {t(l, v.kind === 'invitation' ? 'auth.invitation.submit' : 'auth.reset.submit')}
          </button>
        </form>
      </section>,
      { status },
    );
  }

  const tokenParam = (request: FastifyRequest) => {
    const token = (request.params as { token?: string }).token ?? '';
    if (!/^[\w-]{20,100}$/.test(token)) throw new AppError('invalid_token');
    return token;
  };

  function confirmMismatch(request: FastifyRequest): FieldErrors | null {
    if (field(request.body, 'password') === field(request.body, 'confirm')) return null;
    return { confirm: t(request.locale, 'auth.fieldErrors.confirm_mismatch') };
  }

  app.get('/invitations/:token', hide, async (request, reply) => {
    const token = tokenParam(request);
    const owner = await checkOneTimeToken(services.database.db, token, 'invitation', new Date());
    return passwordPage(request, reply, { kind: 'invitation', token, name: owner.name, email: owner.email });
  });

  app.post('/invitations/:token', hide, async (request, reply) => {
    const token = tokenParam(request);
    const owner = await checkOneTimeToken(services.database.db, token, 'invitation', new Date());
    const name = field(request.body, 'name');
    const base = { kind: 'invitation' as const, token, name, email: owner.email };
    const mismatch = confirmMismatch(request);
    if (mismatch) return passwordPage(request, reply, { ...base, errors: mismatch }, 400);
    try {
      const { userId } = await acceptInvitation(request.ctx(), {
        token,
        password: field(request.body, 'password'),
        name,
      });
      if (request.sessionId) await deleteSession(services.database.db, request.sessionId);
      setSession(
        reply,
        await createSessionFor(services.database.db, userId, {
          ttlHours: config.SESSION_TTL_HOURS,
          userAgent: request.headers['user-agent'],
        }),
      );
      return reply.redirect('/account?done=welcome', 303);
    } catch (e) {
      return passwordPage(request, reply, { ...base, errors: formErrors(request, e) }, statusOf(e));
    }
  });

  app.get('/password/forgot', hide, async (request, reply) => {
    const l = request.locale;
    return sendPage(
      request,
      reply,
      t(l, 'auth.forgot.title'),
      <section class="narrow">
        <h1>{t(l, 'auth.forgot.title')}</h1>
        <p>{t(l, 'auth.forgot.intro')}</p>
        <form method="post" action="/password/forgot" class="form">
          <Csrf request={request} />
          <Field
            name="email"
            type="email"
            label={t(l, 'auth.fields.email')}
            required
            autocomplete="username"
          />
          <button type="submit">{t(l, 'auth.forgot.submit')}</button>
        </form>
        <p>
          <a href="/login">{t(l, 'auth.forgot.back')}</a>
        </p>
      </section>,
      { notice: notice(request, 'auth') },
    );
  });

  app.post('/password/forgot', hide, async (request, reply) => {
    await requestPasswordReset(request.ctx(), { email: field(request.body, 'email') }, services);
    // The same answer whether or not the address has an account.
    return reply.redirect('/password/forgot?done=resetSent', 303);
  });

  app.get('/password/reset/:token', hide, async (request, reply) => {
    const token = tokenParam(request);
    const owner = await checkOneTimeToken(services.database.db, token, 'password_reset', new Date());
    return passwordPage(request, reply, { kind: 'reset', token, email: owner.email });
  });

  app.post('/password/reset/:token', hide, async (request, reply) => {
    const token = tokenParam(request);
    const owner = await checkOneTimeToken(services.database.db, token, 'password_reset', new Date());
    const base = { kind: 'reset' as const, token, email: owner.email };
    const mismatch = confirmMismatch(request);
    if (mismatch) return passwordPage(request, reply, { ...base, errors: mismatch }, 400);
    try {
      await resetPassword(request.ctx(), { token, password: field(request.body, 'password') });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login?done=passwordReset', 303);
    } catch (e) {
      return passwordPage(request, reply, { ...base, errors: formErrors(request, e) }, statusOf(e));
    }
  });
}
