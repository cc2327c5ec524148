import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  field,
  formErrors,
  notice,
  statusOf,
} from '../auth/forms.tsx';
import { grantRole, inviteUser, revokeRole, setRoleMfaRequirement } from '../auth/service.ts';
import type { AppServices } from '../http/types.ts';
import { formatDate, formatNumber, localeNames, locales, t } from '../i18n/i18n.ts';
import { hasRole } from '../policy/policy.ts';
import { allRoles } from '../policy/roles.ts';
import { Csrf } from '../ui/layout.tsx';
import { auditPage } from './audit-page.tsx';
import { adminCounts, getMfaPolicy, getUser, listOutbox, listUsers } from './service.ts';
import { adminPage, adminSections, RoleSelect, staffOnly } from './ui.tsx';

type Q = Record<string, string | undefined>;

interface InviteValues {
  email?: string;
  name?: string;
  role?: string;
  scopeOrgId?: string;
  locale?: string;
}

/** The administration pages: index, users and their roles, second-factor policy, outbox, audit log. */
export async function adminPages(app: FastifyInstance, services: AppServices): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get('/admin', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const l = request.locale;
    const c = await adminCounts(request.ctx());
    const figures: Record<string, string> = {
      '/admin/users': t(l, 'admin.index.users', { count: c.users, invited: formatNumber(l, c.invited) }),
      '/admin/security': t(l, 'admin.index.security'),
      '/admin/outbox': t(l, 'admin.index.outbox', { count: c.outbox }),
      '/admin/audit': t(l, 'admin.index.audit', { count: c.audit }),
    };
    return adminPage(
      request,
      reply,
      t(l, 'admin.index.title'),
      <ul class="cards">
        {adminSections.map(([href, key]) => (
          <li key={href}>
            <a class="card" href={href}>
              <strong>{t(l, key)}</strong>
              <span>{figures[href]}</span>
            </a>
          </li>
        ))}
      </ul>,
    );
  });

  // ---- users
  async function usersPage(
    request: FastifyRequest,
    reply: FastifyReply,
    invite: InviteValues = {},
    errors?: FieldErrors,
    status = 200,
  ) {
    const l = request.locale;
    const q = request.query as Q;
    const list = await listUsers(request.ctx(), { q: q.q, role: q.role, after: q.after });
    const isAdmin = hasRole(request.actor, 'admin');
    const invitable = isAdmin ? allRoles() : allRoles().filter((r) => r !== 'admin');
    const nextQs = new URLSearchParams({
      ...(q.q ? { q: q.q } : {}),
      ...(q.role ? { role: q.role } : {}),
      after: list.next ?? '',
    });
    return adminPage(
      request,
      reply,
      t(l, 'admin.users.title'),
      <>
        <section aria-labelledby="invite-h">
          <h2 id="invite-h">{t(l, 'admin.users.invite')}</h2>
          <ErrorSummary errors={errors} request={request} />
          <form method="post" action="/admin/users" class="form">
            <Csrf request={request} />
            <Field
              name="email"
              type="email"
              label={t(l, 'auth.fields.email')}
              value={invite.email}
              errors={errors}
              required
            />
            <Field
              name="name"
              label={t(l, 'auth.fields.name')}
              value={invite.name}
              errors={errors}
              required
              maxLength={200}
            />
            <div class={errors?.role ? 'field has-error' : 'field'}>
              <label for="f-role">{t(l, 'admin.users.role')}</label>
              {errors?.role && <small class="field-error">{errors.role}</small>}
              <RoleSelect request={request} value={invite.role ?? 'member'} allowed={invitable} />
            </div>
            <Field
              name="scopeOrgId"
              label={t(l, 'admin.users.scope')}
              hint={t(l, 'admin.users.scopeHint')}
              value={invite.scopeOrgId}
              errors={errors}
            />
            <div class="field">
              <label for="f-locale">{t(l, 'admin.users.mailLanguage')}</label>
              <select id="f-locale" name="locale">
                {locales.map((code) => (
                  <option key={code} value={code} selected={(invite.locale ?? l) === code}>
                    {localeNames[code]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{t(l, 'admin.users.sendInvitation')}</button>
          </form>
        </section>
        <section aria-labelledby="list-h">
          <h2 id="list-h">{t(l, 'admin.users.list')}</h2>
          <form method="get" action="/admin/users" class="filters">
            <div class="field">
              <label for="f-q">{t(l, 'admin.users.search')}</label>
              <input id="f-q" name="q" type="search" value={q.q ?? ''} />
            </div>
            <div class="field">
              <label for="f-filter-role">{t(l, 'admin.users.role')}</label>
              <select id="f-filter-role" name="role">
                <option value="">{t(l, 'admin.users.anyRole')}</option>
                {allRoles().map((r) => (
                  <option key={r} value={r} selected={q.role === r}>
                    {t(l, `auth.roles.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{t(l, 'common.search')}</button>
          </form>
          {list.items.length === 0 ? (
            <p>{t(l, 'admin.users.none')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t(l, 'auth.fields.name')}</th>
                    <th scope="col">{t(l, 'auth.fields.email')}</th>
                    <th scope="col">{t(l, 'admin.users.status')}</th>
                    <th scope="col">{t(l, 'admin.users.roles')}</th>
                    <th scope="col">{t(l, 'admin.users.mfa')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((u) => (
                    <tr key={u.id}>
                      <td>{isAdmin ? <a href={`/admin/users/${u.id}`}>{u.name}</a> : u.name}</td>
                      <td>{u.email}</td>
                      <td>{t(l, `admin.status.${u.status}`)}</td>
                      <td>
                        {u.roles
                          .map(
                            (r) =>
                              t(l, `auth.roles.${r.role}`) +
                              (r.scopeOrgId ? ` (${r.scopeOrgId.slice(0, 8)}…)` : ''),
                          )
                          .join(', ')}
                      </td>
                      <td>{u.totpEnabled ? t(l, 'common.yes') : t(l, 'common.no')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {list.next && (
            <p>
              <a href={`/admin/users?${nextQs}`} rel="next">
                {t(l, 'common.next')}
              </a>
            </p>
          )}
        </section>
      </>,
      { status, notice: notice(request, 'admin') },
    );
  }

  app.get('/admin/users', hide, async (request, reply) => {
    if (!staffOnly(request, reply, ['admin', 'secretariat'])) return reply;
    return usersPage(request, reply);
  });

  app.post('/admin/users', hide, async (request, reply) => {
    if (!staffOnly(request, reply, ['admin', 'secretariat'])) return reply;
    const v: InviteValues = {
      email: field(request.body, 'email'),
      name: field(request.body, 'name'),
      role: field(request.body, 'role'),
      scopeOrgId: field(request.body, 'scopeOrgId').trim(),
      locale: field(request.body, 'locale'),
    };
    try {
      await inviteUser(
        request.ctx(),
        {
          email: v.email!,
          name: v.name!,
          roles: [{ role: v.role!, scopeOrgId: v.scopeOrgId || null }],
          locale: v.locale,
        },
        services,
      );
      return reply.redirect('/admin/users?done=invited', 303);
    } catch (e) {
      return usersPage(request, reply, v, formErrors(request, e), statusOf(e));
    }
  });

  async function userPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: FieldErrors,
    values: { role?: string; scopeOrgId?: string } = {},
    status = 200,
  ) {
    const l = request.locale;
    const u = await getUser(request.ctx(), (request.params as { id: string }).id);
    return adminPage(
      request,
      reply,
      u.name,
      <>
        <p>
          {u.email} · {t(l, `admin.status.${u.status}`)} ·{' '}
          {t(l, 'admin.users.since', { date: formatDate(l, u.createdAt) })}
        </p>
        <section aria-labelledby="roles-h">
          <h2 id="roles-h">{t(l, 'admin.users.roles')}</h2>
          <ErrorSummary errors={errors} request={request} />
          {u.roles.length === 0 ? (
            <p>{t(l, 'auth.account.noRole')}</p>
          ) : (
            <ul>
              {u.roles.map((r) => (
                <li key={r.id}>
                  {t(l, `auth.roles.${r.role}`)}{' '}
                  {r.scopeOrgId
                    ? t(l, 'admin.users.scopedTo', { id: r.scopeOrgId })
                    : t(l, 'admin.users.wholeNetwork')}{' '}
                  <form method="post" action={`/admin/users/${u.id}/roles/${r.id}/revoke`} class="inline">
                    <Csrf request={request} />
                    <button
                      type="submit"
                      class="secondary small"
                      aria-label={`${t(l, 'admin.users.revoke')}: ${t(l, `auth.roles.${r.role}`)}`}
                    >
                      {t(l, 'admin.users.revoke')}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
          <form method="post" action={`/admin/users/${u.id}/roles`} class="form">
            <Csrf request={request} />
            <h3>{t(l, 'admin.users.grant')}</h3>
            <div class="field">
              <label for="f-role">{t(l, 'admin.users.role')}</label>
              <RoleSelect request={request} value={values.role} />
            </div>
            <Field
              name="scopeOrgId"
              label={t(l, 'admin.users.scope')}
              hint={t(l, 'admin.users.scopeHint')}
              value={values.scopeOrgId}
              errors={errors}
            />
            <button type="submit">{t(l, 'admin.users.grantSubmit')}</button>
          </form>
        </section>
        <p>
          <a href={`/admin/audit?entity=user&entityId=${u.id}`}>{t(l, 'admin.users.history')}</a>
        </p>
      </>,
      { status, notice: notice(request, 'admin') },
    );
  }

  app.get('/admin/users/:id', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    return userPage(request, reply);
  });

  app.post('/admin/users/:id/roles', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const id = (request.params as { id: string }).id;
    const values = {
      role: field(request.body, 'role'),
      scopeOrgId: field(request.body, 'scopeOrgId').trim(),
    };
    try {
      await grantRole(request.ctx(), {
        userId: id,
        role: values.role,
        scopeOrgId: values.scopeOrgId || null,
      });
      return reply.redirect(`/admin/users/${id}?done=roleGranted`, 303);
    } catch (e) {
      return userPage(request, reply, formErrors(request, e), values, statusOf(e));
    }
  });

  app.post('/admin/users/:id/roles/:roleId/revoke', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const { id, roleId } = request.params as { id: string; roleId: string };
    try {
      await revokeRole(request.ctx(), { userId: id, roleId });
      return reply.redirect(`/admin/users/${id}?done=roleRevoked`, 303);
    } catch (e) {
      return userPage(request, reply, formErrors(request, e), {}, statusOf(e));
    }
  });

  // ---- second factor per role
  app.get('/admin/security', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const l = request.locale;
    const policy = await getMfaPolicy(request.ctx());
    return adminPage(
      request,
      reply,
      t(l, 'admin.security.title'),
      <>
        <p>{t(l, 'admin.security.intro')}</p>
        <form method="post" action="/admin/security" class="form">
          <Csrf request={request} />
          <fieldset>
            <legend>{t(l, 'admin.security.legend')}</legend>
            {policy.map((p) => (
              <label key={p.role} class="check">
                <input type="checkbox" name="required" value={p.role} checked={p.required} />{' '}
                {t(l, `auth.roles.${p.role}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit">{t(l, 'common.save')}</button>
        </form>
      </>,
      { notice: notice(request, 'admin') },
    );
  });

  app.post('/admin/security', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const body = request.body as Record<string, unknown>;
    const raw = body?.required;
    const wanted = new Set(Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []);
    for (const role of allRoles()) {
      await setRoleMfaRequirement(request.ctx(), { role, required: wanted.has(role) });
    }
    return reply.redirect('/admin/security?done=saved', 303);
  });

  // ---- outbox
  app.get('/admin/outbox', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    const l = request.locale;
    const page = Number.parseInt((request.query as Q).page ?? '1', 10) || 1;
    const r = await listOutbox(request.ctx(), { page });
    return adminPage(
      request,
      reply,
      t(l, 'admin.outbox.title'),
      <>
        <p>{services.mailer.smtp ? t(l, 'admin.outbox.smtp') : t(l, 'admin.outbox.noSmtp')}</p>
        {r.items.length === 0 ? (
          <p>{t(l, 'admin.outbox.none')}</p>
        ) : (
          r.items.map((m) => (
            <article key={m.id} class="mail">
              <h2>{m.subject}</h2>
              <p class="muted">
                {t(l, 'admin.outbox.to')}: {m.to} ·{' '}
                {formatDate(l, m.createdAt, { dateStyle: 'medium', timeStyle: 'short' })} ·{' '}
                {t(l, `admin.outbox.status.${m.status}`)}
                {m.error ? ` · ${m.error}` : ''}
              </p>
              <details>
                <summary>{t(l, 'admin.outbox.show')}</summary>
                <pre>{m.text}</pre>
              </details>
            </article>
          ))
        )}
        {(r.page > 1 || r.hasMore) && (
          <nav aria-label={t(l, 'admin.pagination')} class="pagination">
            <ul>
              {r.page > 1 && (
                <li>
                  <a href={`/admin/outbox?page=${r.page - 1}`} rel="prev">
                    {t(l, 'common.previous')}
                  </a>
                </li>
              )}
              {r.hasMore && (
                <li>
                  <a href={`/admin/outbox?page=${r.page + 1}`} rel="next">
                    {t(l, 'common.next')}
                  </a>
                </li>
              )}
            </ul>
          </nav>
        )}
      </>,
    );
  });

  app.get('/admin/audit', hide, async (request, reply) => {
    if (!staffOnly(request, reply)) return reply;
    return auditPage(request, reply);
  });
}
