import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, localeNames, locales, t } from '../i18n/i18n.ts';

/** Link to the same page in another language, keeping the other query parameters. */
function langHref(url: string, lang: Locale): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return `${u.pathname}${u.search}`;
}

/** The page's address without `lang`, to come back to after choosing a language. */
function withoutLang(url: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.delete('lang');
  return `${u.pathname}${u.search}`;
}

/**
 * Readers signed out follow links (`?lang=`, remembered in a cookie). A signed-in user's
 * choice is saved to their account, so it is a form: a shared link with `?lang=` shows one
 * page in that language and never changes the saved setting.
 */
export function LanguageSwitcher({ request }: { request: FastifyRequest }): VNode {
  const l = request.locale;
  if (request.actor && request.sessionId) {
    return (
      <form method="post" action="/account/language" class="langs" aria-label={t(l, 'nav.language')}>
        <input type="hidden" name="_csrf" value={request.csrfToken} />
        <input type="hidden" name="next" value={withoutLang(request.url)} />
        <ul>
          {locales.map((code) => (
            <li key={code}>
              <button
                type="submit"
                name="locale"
                value={code}
                class="link"
                lang={code}
                aria-current={code === l ? 'true' : undefined}
              >
                {localeNames[code]}
              </button>
            </li>
          ))}
        </ul>
      </form>
    );
  }
  return (
    <nav class="langs" aria-label={t(l, 'nav.language')}>
      <ul>
        {locales.map((code) => (
          <li key={code}>
            <a
              href={langHref(request.url, code)}
              lang={code}
              hreflang={code}
              aria-current={code === l ? 'true' : undefined}
            >
              {localeNames[code]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
