import type { FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { type Locale, localeNames, rtlLocales, t } from '../i18n/i18n.ts';
import { navEntries } from '../module/install.ts';
import { hasAnyRole } from '../policy/policy.ts';
import { LanguageSwitcher } from './language-switcher.tsx';

export interface PageOptions {
  title: string;
  /** Main content. */
  children: ComponentChildren;
  /** Loads htmx for progressive enhancement; pages work without it. */
  htmx?: boolean;
  /** Flash message shown at the top (for example after a form was saved). */
  notice?: string;
}

/** A section's pages keep its navigation entry marked (e.g. /directory/… under Directory). */
function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function Layout({
  request,
  title,
  children,
  htmx,
  notice,
}: PageOptions & { request: FastifyRequest }): VNode {
  const l = request.locale;
  const actor = request.actor;
  const nav: [string, string][] = [
    ['/', t(l, 'nav.home')],
    ...navEntries()
      .filter((e) => !e.roles || hasAnyRole(actor, e.roles))
      .map((e): [string, string] => [e.href, t(l, e.label)]),
    ['/api/docs', t(l, 'nav.api')],
    ['/about', t(l, 'nav.about')],
  ];
  if (hasAnyRole(actor, ['admin'])) nav.push(['/admin', t(l, 'nav.admin')]);
  else if (hasAnyRole(actor, ['secretariat'])) nav.push(['/admin/users', t(l, 'nav.admin')]);
  const path = request.url.split('?')[0];
  return (
    <html lang={l} dir={rtlLocales.includes(l) ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Peace Talks`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        {htmx && <script src="/static/vendor/htmx/htmx.min.js" defer />}
      </head>
      <body>
        <a class="skip" href="#main">
          {t(l, 'nav.skip')}
        </a>
        <header class="site">
          <div class="bar wrap">
            <LanguageSwitcher request={request} />
            <div class="account">
              {actor ? (
                <>
                  <a href="/account">{actor.name}</a>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={request.csrfToken} />
                    <button type="submit" class="link">
                      {t(l, 'nav.signOut')}
                    </button>
                  </form>
                </>
              ) : (
                <a href="/login">{t(l, 'nav.signIn')}</a>
              )}
            </div>
          </div>
          <div class="masthead wrap">
            <a class="brand" href="/">
              <img src="/static/icon.svg" alt="" width="32" height="32" />
              <span>Peace Talks</span>
            </a>
            <nav aria-label={t(l, 'nav.main')}>
              <ul>
                {nav.map(([href, label]) => (
                  <li key={href}>
                    <a href={href} aria-current={isCurrent(path, href) ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {notice && (
            <p class="notice" role="status">
              {notice}
            </p>
          )}
          {children}
        </main>
        <footer class="site">
          <p class="wrap">
            <a href="/about">{t(l, 'nav.about')}</a> · {t(l, 'footer.license')} ·{' '}
            <a href="/source.tar.gz">{t(l, 'footer.source')}</a> · <a href="/api/docs">{t(l, 'nav.api')}</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

export function renderPage(request: FastifyRequest, opts: PageOptions): string {
  return `<!doctype html>${render(<Layout request={request} {...opts} />)}`;
}

/** Hidden CSRF field for every form that changes something. */
export function Csrf({ request }: { request: FastifyRequest }): VNode {
  return <input type="hidden" name="_csrf" value={request.csrfToken} />;
}

/** A multilingual value shown with a note when it comes from another language. */
export function LocalisedText({
  value,
  request,
}: {
  value: { text: string; lang: string; fallback: boolean };
  request: FastifyRequest;
}): VNode {
  if (!value.fallback || value.lang === 'und') return <>{value.text}</>;
  return (
    <>
      <span lang={value.lang}>{value.text}</span>{' '}
      <small class="fallback">
        ({t(request.locale, 'content.fallback', { lang: localeNames[value.lang as Locale] ?? value.lang })})
      </small>
    </>
  );
}
