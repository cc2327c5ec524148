import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { sendPage } from '../auth/forms.tsx';
import { t } from '../i18n/i18n.ts';
import { requireRole } from '../policy/policy.ts';
import { allRoles, type Role } from '../policy/roles.ts';

const sections = [
  ['/admin/users', 'admin.nav.users'],
  ['/admin/security', 'admin.nav.security'],
  ['/admin/outbox', 'admin.nav.outbox'],
  ['/admin/audit', 'admin.nav.audit'],
] as const;

/** Sign-in first (a redirect), then the role check (403 page). */
export function staffOnly(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: Role[] = ['admin'],
): boolean {
  if (!request.actor) {
    void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    return false;
  }
  requireRole(request.ctx(), allowed);
  return true;
}

/** An administration page: its heading and the sub-navigation between administration pages. */
export function adminPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  children: ComponentChildren,
  opts: { status?: number; notice?: string } = {},
): FastifyReply {
  const l = request.locale;
  const path = request.url.split('?')[0];
  const isAdmin = request.actor?.roles.some((g) => g.role === 'admin');
  return sendPage(
    request,
    reply,
    title,
    <>
      {isAdmin && (
        <nav aria-label={t(l, 'admin.nav.label')} class="pagination">
          <ul>
            <li>
              <a href="/admin" aria-current={path === '/admin' ? 'page' : undefined}>
                {t(l, 'admin.nav.index')}
              </a>
            </li>
            {sections.map(([href, key]) => (
              <li key={href}>
                <a href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                  {t(l, key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <h1>{title}</h1>
      {children}
    </>,
    opts,
  );
}

export function RoleSelect({
  request,
  value,
  id = 'f-role',
  name = 'role',
  allowed = allRoles(),
}: {
  request: FastifyRequest;
  value?: string;
  id?: string;
  name?: string;
  allowed?: readonly Role[];
}): VNode {
  return (
    <select id={id} name={name}>
      {allowed.map((r) => (
        <option key={r} value={r} selected={value === r}>
          {t(request.locale, `auth.roles.${r}`)}
        </option>
      ))}
    </select>
  );
}

export const adminSections = sections;
