import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { AppServices } from '../../core/http/types.ts';
import { formatNumber, t } from '../../core/i18n/i18n.ts';
import type { HomeBlock } from '../../core/module/manifest.ts';
import { type NetworkFigures, networkFigures } from './home-figures.ts';

function Figures({ request, figures }: { request: FastifyRequest; figures: NetworkFigures | null }): VNode {
  const l = request.locale;
  if (!figures || figures.byKind.length === 0) {
    return <p class="empty">{t(l, 'directory.home.figures.empty')}</p>;
  }
  const n = (v: number) => formatNumber(l, v);
  return (
    <>
      <ul class="figures">
        <li>
          <strong>{n(figures.members)}</strong>
          <span>{t(l, 'directory.home.figures.members')}</span>
        </li>
        <li>
          <strong>{n(figures.sections)}</strong>
          <span>{t(l, 'directory.home.figures.sections')}</span>
        </li>
        <li>
          <strong>{n(figures.activeMemberships)}</strong>
          <span>{t(l, 'directory.home.figures.memberships')}</span>
        </li>
        <li>
          <strong>{n(figures.countries)}</strong>
          <span>{t(l, 'directory.home.figures.countries')}</span>
        </li>
      </ul>
      <details>
        <summary>{t(l, 'directory.home.byKind.heading')}</summary>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t(l, 'directory.home.byKind.kind')}</th>
                <th scope="col" class="num">
                  {t(l, 'directory.home.byKind.members')}
                </th>
                <th scope="col" class="num">
                  {t(l, 'directory.home.byKind.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {figures.byKind.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">
                    <a href={`/directory?kind=${encodeURIComponent(k.kind)}`}>
                      {t(l, `directory.home.kinds.${k.kind}`, { defaultValue: k.kind })}
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

/** The network in numbers, on the home page. */
export const directoryHome: HomeBlock = {
  order: 10,
  async render(request: FastifyRequest, services: AppServices) {
    const figures = await networkFigures(services.database, services.cache);
    return <Figures request={request} figures={figures} />;
  },
};
