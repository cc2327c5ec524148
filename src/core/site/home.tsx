import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../i18n/i18n.ts';
import { navEntries } from '../module/install.ts';

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

/** The home page; `blocks` are the parts' figures (their `home` in the manifests), in order. */
export function HomePage({ request, blocks }: { request: FastifyRequest; blocks: VNode[] }): VNode {
  const l = request.locale;
  const entries = navEntries();
  const ctas = entries.filter((e) => e.cta);
  const cards = entries.filter((e) => e.card);
  return (
    <>
      <section aria-labelledby="home-title">
        <p class="tagline">{t(l, 'site.home.tagline')}</p>
        <h1 id="home-title">Peace Talks</h1>
        <p class="lead">{t(l, 'site.home.lead')}</p>
        <p class="lead">{t(l, 'site.home.origin')}</p>
        {ctas.length > 0 && (
          <p class="actions">
            {ctas.map((e) => (
              <a key={e.href} class={e.cta === 'primary' ? 'button' : 'button secondary'} href={e.href}>
                {t(l, e.ctaLabel ?? e.label)}
              </a>
            ))}
          </p>
        )}
      </section>

      {blocks.length > 0 && (
        <section aria-labelledby="home-figures">
          <h2 id="home-figures">{t(l, 'site.home.figures.heading')}</h2>
          {blocks}
        </section>
      )}

      <section aria-labelledby="home-start">
        <h2 id="home-start">{t(l, 'site.home.start.heading')}</h2>
        <ul class="cards">
          {[
            ...cards.map((e) => ({ href: e.href, title: e.card!.title, text: e.card!.text })),
            { href: '/api/docs', title: 'site.home.start.api.title', text: 'site.home.start.api.text' },
            { href: '/about', title: 'site.home.start.about.title', text: 'site.home.start.about.text' },
          ].map((c) => (
            <li key={c.href}>
              <a class="card" href={c.href}>
                <strong>{t(l, c.title)}</strong>
                <span>{t(l, c.text)}</span>
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
