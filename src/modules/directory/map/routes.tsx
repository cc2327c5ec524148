import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../../core/cache/cached.ts';
import { errorResponse, html, typed } from '../../../core/http/api-kit.ts';
import type { AppServices } from '../../../core/http/types.ts';
import { formatNumber, t } from '../../../core/i18n/i18n.ts';
import { renderPage } from '../../../core/ui/layout.tsx';
import { countryName } from '../countries.ts';
import { type MapData, mapData, mapSections, type SectionOption } from './counts.ts';
import { worldMap } from './geometry.ts';

// Lower bounds of the classes of the choropleth, and their colours (light to dark blue).
const THRESHOLDS = [1, 2, 5, 10, 25, 50, 100, 250, 1000];
const PALETTE = [
  '#deebf7',
  '#c6dbef',
  '#9ecae1',
  '#6baed6',
  '#4292c6',
  '#2171b5',
  '#08519c',
  '#08306b',
  '#041c40',
];
const NO_MEMBERS = '#eceae4';
const SEA = '#f5f9fc';

function classOf(n: number): number {
  let i = 0;
  while (i + 1 < THRESHOLDS.length && n >= THRESHOLDS[i + 1]) i++;
  return i;
}

const mapQuery = z.object({
  section: z
    .union([z.literal(''), z.uuid()])
    .optional()
    .describe('Only the members of this Section (or network)'),
});
const mapJson = z.object({
  section: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  total: z.number().int().describe('Member organisations, with or without a country'),
  withoutCountry: z.number().int(),
  countries: z.array(
    z.object({
      country: z.string().describe('ISO 3166-1 alpha-2'),
      name: z.string(),
      count: z.number().int(),
    }),
  ),
});

function Legend({ request, max }: { request: FastifyRequest; max: number }) {
  const l = request.locale;
  const classes = THRESHOLDS.map((lower, i) => {
    const next = THRESHOLDS[i + 1];
    const label =
      next === undefined || next > max
        ? lower === max
          ? formatNumber(l, lower)
          : `≥ ${formatNumber(l, lower)}`
        : next - 1 === lower
          ? formatNumber(l, lower)
          : `${formatNumber(l, lower)}–${formatNumber(l, next - 1)}`;
    return { colour: PALETTE[i], label, lower };
  }).filter((c) => c.lower <= Math.max(max, 1));
  return (
    <div class="map-legend">
      <p id="map-legend-title">
        <strong>{t(l, 'map.legend')}</strong>
      </p>
      <ul aria-labelledby="map-legend-title">
        {[{ colour: NO_MEMBERS, label: t(l, 'map.none'), lower: 0 }, ...classes].map((c) => (
          <li key={c.lower}>
            <svg width="14" height="14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" fill={c.colour} stroke="#777" stroke-width="0.5" />
            </svg>{' '}
            {c.label}
          </li>
        ))}
      </ul>
    </div>
  );
}

function WorldSvg({ request, data }: { request: FastifyRequest; data: MapData }) {
  const l = request.locale;
  const world = worldMap();
  const counts = new Map(data.countries.map((c) => [c.country, c.count]));
  const title = data.section
    ? t(l, 'map.svgTitleSection', { section: data.section.name })
    : t(l, 'map.svgTitle');
  return (
    <svg
      viewBox={`0 0 ${world.width} ${world.height}`}
      width="100%"
      role="img"
      aria-labelledby="map-svg-title map-svg-desc"
      class="world-map"
    >
      <title id="map-svg-title">{title}</title>
      <desc id="map-svg-desc">
        {t(l, 'map.svgDesc', {
          total: formatNumber(l, data.total - data.withoutCountry),
          countries: formatNumber(l, data.countries.length),
        })}
      </desc>
      <path d={world.sphere} fill={SEA} stroke="#c9d6e2" />
      <g stroke="#ffffff" stroke-width="0.4" stroke-linejoin="round">
        {world.countries.map((c) => {
          const n = counts.get(c.iso2) ?? 0;
          return n > 0 ? (
            <path key={c.iso2} d={c.d} fill={PALETTE[classOf(n)]} data-country={c.iso2}>
              <title>{`${countryName(c.iso2, l)}: ${formatNumber(l, n)}`}</title>
            </path>
          ) : (
            <path key={c.iso2} d={c.d} fill={NO_MEMBERS} />
          );
        })}
      </g>
      {data.cities.length > 0 && (
        <g fill="#c0392b" stroke="#ffffff" stroke-width="0.6">
          {data.cities.map((city, i) => {
            const p = world.project(city.lon, city.lat);
            return p ? (
              <circle key={i} cx={p[0]} cy={p[1]} r="2.6">
                <title>{city.name}</title>
              </circle>
            ) : null;
          })}
        </g>
      )}
    </svg>
  );
}

function MapPage({
  request,
  data,
  sections,
}: {
  request: FastifyRequest;
  data: MapData;
  sections: SectionOption[];
}) {
  const l = request.locale;
  const max = data.countries[0]?.count ?? 0;
  return (
    <>
      <h1>{t(l, 'map.title')}</h1>
      <p>{t(l, 'map.intro')}</p>
      <form method="get" action="/map" class="map-filter">
        <label for="map-section">{t(l, 'map.section')}</label>{' '}
        <select id="map-section" name="section">
          <option value="">{t(l, 'map.allSections')}</option>
          {sections.map((s) => (
            <option key={s.id} value={s.id} selected={data.section?.id === s.id}>
              {s.name}
            </option>
          ))}
        </select>{' '}
        <button type="submit">{t(l, 'map.show')}</button>
      </form>
      <figure class="map">
        <WorldSvg request={request} data={data} />
        <figcaption>
          <Legend request={request} max={max} />
          {data.section && <p>{t(l, 'map.cities', { count: data.cities.length })}</p>}
        </figcaption>
      </figure>
      <table class="map-table">
        <caption>
          {data.section
            ? t(l, 'map.tableCaptionSection', { section: data.section.name })
            : t(l, 'map.tableCaption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t(l, 'map.country')}</th>
            <th scope="col">{t(l, 'map.members')}</th>
          </tr>
        </thead>
        <tbody>
          {data.countries.length === 0 && (
            <tr>
              <td colSpan={2}>{t(l, 'map.noMembers')}</td>
            </tr>
          )}
          {data.countries.map((c) => (
            <tr key={c.country}>
              <th scope="row">
                <a
                  href={`/directory?country=${c.country}${data.section ? `&section=${data.section.id}` : ''}`}
                >
                  {countryName(c.country, l)}
                </a>
              </th>
              <td>{formatNumber(l, c.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.withoutCountry > 0 && (
        <p class="muted">{t(l, 'map.withoutCountry', { count: data.withoutCountry })}</p>
      )}
    </>
  );
}

/** The map of members by country: an SVG drawn on the server, with a table as its text alternative. */
export async function mapRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  // Project the countries once, at start, rather than on the first visit.
  worldMap();
  // The CSV import page and route ride along here until directory/index.ts registers them itself.

  app.get('/map', { schema: { hide: true, querystring: mapQuery } }, async (request, reply) => {
    html(reply);
    return cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const [data, sections] = await Promise.all([
        mapData(ctx, request.query.section || undefined),
        mapSections(ctx),
      ]);
      return renderPage(request, {
        title: t(request.locale, 'map.title'),
        children: <MapPage request={request} data={data} sections={sections} />,
      });
    });
  });

  app.get(
    '/api/v1/directory/map.json',
    {
      schema: {
        tags: ['directory'],
        summary: 'Member organisations by country, for the whole network or one Section',
        querystring: mapQuery,
        response: { 200: mapJson, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const data = await mapData(request.ctx(), request.query.section || undefined);
      return {
        section: data.section,
        total: data.total,
        withoutCountry: data.withoutCountry,
        countries: data.countries.map((c) => ({ ...c, name: countryName(c.country, request.locale) })),
      };
    },
  );
}
