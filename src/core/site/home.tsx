import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { NetworkFigures } from './figures.ts';

/** The parts of the product, in the order the founding document names them. */
const parts = [
  'talks',
  'governance',
  'aid',
  'fund',
  'twinning',
  'leaders',
  'advocacy',
  'reconstruction',
] as const;

function Figures({ request, figures }: { request: FastifyRequest; figures: NetworkFigures | null }): VNode {
  const l = request.locale;
  if (!figures || figures.byKind.length === 0) {
    return <p class="empty">{t(l, 'site.home.figures.empty')}</p>;
  }
  const n = (v: number) => formatNumber(l, v);
  return (
    <>
      <ul class="figures">
        <li>
          <strong>{n(figures.members)}</strong>
          <span>{t(l, 'site.home.figures.members')}</span>
        </li>
        <li>
          <strong>{n(figures.sections)}</strong>
          <span>{t(l, 'site.home.figures.sections')}</span>
        </li>
        <li>
          <strong>{n(figures.activeMemberships)}</strong>
          <span>{t(l, 'site.home.figures.memberships')}</span>
        </li>
        <li>
          <strong>{n(figures.countries)}</strong>
          <span>{t(l, 'site.home.figures.countries')}</span>
        </li>
      </ul>
      <details>
        <summary>{t(l, 'site.home.byKind.heading')}</summary>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t(l, 'site.home.byKind.kind')}</th>
                <th scope="col" class="num">
                  {t(l, 'site.home.byKind.members')}
                </th>
                <th scope="col" class="num">
                  {t(l, 'site.home.byKind.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {figures.byKind.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">
                    <a href={`/directory?kind=${encodeURIComponent(k.kind)}`}>
                      {t(l, `site.kinds.${k.kind}`, { defaultValue: k.kind })}
                    </a>
                  </th>
                  <td class="num">{n(k.members)}</td>
                  <td class="num">{n(k.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

export function HomePage({
  request,
  figures,
}: {
  request: FastifyRequest;
  figures: NetworkFigures | null;
}): VNode {
  const l = request.locale;
  return (
    <>
      <section aria-labelledby="home-title">
        <p class="tagline">{t(l, 'site.home.tagline')}</p>
        <h1 id="home-title">Peace Talks</h1>
        <p class="lead">{t(l, 'site.home.lead')}</p>
        <p class="lead">{t(l, 'site.home.origin')}</p>
        <p class="actions">
          <a class="button" href="/directory">
            {t(l, 'site.home.cta.directory')}
          </a>
          <a class="button secondary" href="/map">
            {t(l, 'site.home.cta.map')}
          </a>
        </p>
      </section>

      <section aria-labelledby="home-figures">
        <h2 id="home-figures">{t(l, 'site.home.figures.heading')}</h2>
        <Figures request={request} figures={figures} />
      </section>

      <section aria-labelledby="home-start">
        <h2 id="home-start">{t(l, 'site.home.start.heading')}</h2>
        <ul class="cards">
          {(
            [
              ['/directory', 'directory'],
              ['/map', 'map'],
              ['/api/docs', 'api'],
              ['/about', 'about'],
            ] as const
          ).map(([href, key]) => (
            <li key={key}>
              <a class="card" href={href}>
                <strong>{t(l, `site.home.start.${key}.title`)}</strong>
                <span>{t(l, `site.home.start.${key}.text`)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="home-parts">
        <h2 id="home-parts">{t(l, 'site.home.parts.heading')}</h2>
        <p>{t(l, 'site.home.parts.intro')}</p>
        <ul class="grid">
          {parts.map((p) => (
            <li key={p} class="card">
              <h3>{t(l, `site.home.parts.${p}.title`)}</h3>
              <p class="small">{t(l, `site.home.parts.${p}.text`)}</p>
            </li>
          ))}
        </ul>
        <figure>
          <blockquote>
            <p>{t(l, 'site.home.quote.text')}</p>
          </blockquote>
          <figcaption>{t(l, 'site.home.quote.source')}</figcaption>
        </figure>
      </section>
    </>
  );
}
