import type { FastifyRequest } from 'fastify';
import { Fragment, type VNode } from 'preact';
import { t } from '../i18n/i18n.ts';

const principles = [
  'lowBandwidth',
  'languages',
  'accessibility',
  'confidentiality',
  'audit',
  'openData',
] as const;

/** Sources of the data the platform ships or imports, with their licences (each needs attribution). */
const sources = [
  { key: 'geonames', href: 'https://www.geonames.org/' },
  { key: 'naturalEarth', href: 'https://www.naturalearthdata.com/' },
  { key: 'wikipedia', href: 'https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities' },
  { key: 'wikidata', href: 'https://www.wikidata.org/wiki/Property:P190' },
  { key: 'uclg', href: 'https://www.uclg.org/' },
] as const;

export function AboutPage({ request, version }: { request: FastifyRequest; version: string }): VNode {
  const l = request.locale;
  return (
    <>
      <h1>{t(l, 'site.about.title')}</h1>
      <p class="lead">{t(l, 'site.about.intro')}</p>
      <p>{t(l, 'site.about.origin')}</p>

      <h2>{t(l, 'site.about.principles.heading')}</h2>
      <ul>
        {principles.map((p) => (
          <li key={p}>{t(l, `site.about.principles.${p}`)}</li>
        ))}
      </ul>

      <h2 id="license">{t(l, 'site.about.license.heading')}</h2>
      <p>{t(l, 'site.about.license.text')}</p>
      <ul>
        <li>
          <a href="https://www.gnu.org/licenses/agpl-3.0.html" hreflang="en">
            {t(l, 'site.about.license.link')}
          </a>{' '}
          <span class="tag">AGPL-3.0-or-later</span>
        </li>
        <li id="source">
          <a href="/source.tar.gz" type="application/gzip">
            {t(l, 'site.about.license.source')}
          </a>{' '}
          <span class="muted">({t(l, 'site.about.license.version', { version })})</span>
        </li>
      </ul>

      <h2 id="data">{t(l, 'site.about.data.heading')}</h2>
      <p>{t(l, 'site.about.data.intro')}</p>
      <dl class="facts">
        {sources.map((s) => (
          <Fragment key={s.key}>
            <dt>
              <a href={s.href}>{t(l, `site.about.data.${s.key}.name`)}</a>
            </dt>
            <dd>{t(l, `site.about.data.${s.key}.text`)}</dd>
          </Fragment>
        ))}
      </dl>
      <p class="muted small">{t(l, 'site.about.data.note')}</p>
    </>
  );
}
