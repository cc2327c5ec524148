import { createRequire } from 'node:module';
import { type GeoPermissibleObjects, geoBounds, geoMercator, geoPath } from 'd3-geo';
import type { Feature } from 'geojson';
import type { VNode } from 'preact';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { type Locale, t } from '../../../core/i18n/i18n.ts';
import type { CorridorStatus, NeedStatus } from '../schema.ts';

/**
 * The dashboard's map, drawn on the server as SVG: needs by coverage (colour AND shape, with
 * the count written beside each place) and corridors (colour AND line pattern, labelled with
 * name and status). A table under the map says the same in words.
 */

export interface MapPlace {
  name: string;
  lat: number;
  lon: number;
  /** The least covered status among the place's active needs. */
  status: NeedStatus;
  count: number;
}
export interface MapCorridor {
  name: string;
  status: CorridorStatus;
  points: [number, number][];
}

const WIDTH = 760;
const HEIGHT = 480;

export const needStyle: Record<
  NeedStatus,
  { fill: string; shape: 'circle' | 'triangle' | 'square' | 'diamond' | 'star' }
> = {
  open: { fill: '#c0392b', shape: 'triangle' },
  partly_covered: { fill: '#d35400', shape: 'diamond' },
  fully_covered: { fill: '#1f5fa8', shape: 'square' },
  partly_delivered: { fill: '#6c3483', shape: 'circle' },
  delivered: { fill: '#1e7b45', shape: 'star' },
};
export const corridorStyle: Record<CorridorStatus, { stroke: string; dash?: string }> = {
  open: { stroke: '#1e7b45' },
  restricted: { stroke: '#b35c00', dash: '10 5' },
  closed: { stroke: '#a01818', dash: '2 5' },
};

export function Marker({
  status,
  x,
  y,
  size = 7,
}: {
  status: NeedStatus;
  x: number;
  y: number;
  size?: number;
}): VNode {
  const { fill, shape } = needStyle[status];
  const s = size;
  const common = { fill, stroke: '#fff', 'stroke-width': 1.5 };
  switch (shape) {
    case 'circle':
      return <circle cx={x} cy={y} r={s} {...common} />;
    case 'square':
      return <rect x={x - s} y={y - s} width={2 * s} height={2 * s} {...common} />;
    case 'triangle':
      return <polygon points={`${x},${y - s - 1} ${x + s + 1},${y + s} ${x - s - 1},${y + s}`} {...common} />;
    case 'diamond':
      return (
        <polygon
          points={`${x},${y - s - 1} ${x + s + 1},${y} ${x},${y + s + 1} ${x - s - 1},${y}`}
          {...common}
        />
      );
    default: {
      const pts: string[] = [];
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s + 2 : (s + 2) / 2.3;
        const a = (Math.PI / 5) * i - Math.PI / 2;
        pts.push(`${(x + r * Math.cos(a)).toFixed(1)},${(y + r * Math.sin(a)).toFixed(1)}`);
      }
      return <polygon points={pts.join(' ')} {...common} />;
    }
  }
}

let countries: { feature: Feature; bounds: [[number, number], [number, number]] }[] | undefined;
function countryFeatures() {
  if (countries) return countries;
  const require = createRequire(import.meta.url);
  const topology = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection }>;
  countries = feature(topology, topology.objects.countries).features.map((f) => ({
    feature: f as Feature,
    bounds: geoBounds(f as GeoPermissibleObjects) as [[number, number], [number, number]],
  }));
  return countries;
}

// Ukraine and its neighbours: what the map shows before anything is recorded.
const DEFAULT_EXTENT: [[number, number], [number, number]] = [
  [20, 44],
  [41, 53],
];

export function AidMap({
  l,
  places,
  corridors,
}: {
  l: Locale;
  places: MapPlace[];
  corridors: MapCorridor[];
}): VNode {
  const lons = [...places.map((p) => p.lon), ...corridors.flatMap((c) => c.points.map((p) => p[0]))];
  const lats = [...places.map((p) => p.lat), ...corridors.flatMap((c) => c.points.map((p) => p[1]))];
  const pad = 1.5;
  const extent: [[number, number], [number, number]] = lons.length
    ? [
        [Math.min(...lons) - pad, Math.min(...lats) - pad],
        [Math.max(...lons) + pad, Math.max(...lats) + pad],
      ]
    : DEFAULT_EXTENT;
  const box: GeoPermissibleObjects = {
    type: 'MultiPoint',
    coordinates: [extent[0], extent[1]],
  };
  const projection = geoMercator()
    .fitExtent(
      [
        [10, 10],
        [WIDTH - 10, HEIGHT - 10],
      ],
      box,
    )
    .clipExtent([
      [0, 0],
      [WIDTH, HEIGHT],
    ]);
  const path = geoPath(projection).digits(1);
  const visible = countryFeatures().filter(
    (c) =>
      c.bounds[1][0] >= extent[0][0] - 10 &&
      c.bounds[0][0] <= extent[1][0] + 10 &&
      c.bounds[1][1] >= extent[0][1] - 10 &&
      c.bounds[0][1] <= extent[1][1] + 10,
  );
  const xy = (lon: number, lat: number) => projection([lon, lat]) ?? [0, 0];
  return (
    <figure class="aid-map">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby="aid-map-title aid-map-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="aid-map-title">{t(l, 'aid.map.title')}</title>
        <desc id="aid-map-desc">
          {t(l, 'aid.map.desc', { places: places.length, corridors: corridors.length })}
        </desc>
        <rect width={WIDTH} height={HEIGHT} fill="#f5f9fc" />
        <g fill="#eceae4" stroke="#9aa3ab" stroke-width="0.6">
          {visible.map((c, i) => {
            const d = path(c.feature);
            return d ? <path key={i} d={d} /> : null;
          })}
        </g>
        <g fill="none" stroke-width="3.5" stroke-linecap="round">
          {corridors.map((c) => {
            const pts = c.points.map(([lon, lat]) => xy(lon, lat));
            const mid = pts[Math.floor((pts.length - 1) / 2)];
            const next = pts[Math.min(Math.floor((pts.length - 1) / 2) + 1, pts.length - 1)];
            const { stroke, dash } = corridorStyle[c.status];
            return (
              <g key={c.name}>
                <polyline
                  points={pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ')}
                  stroke={stroke}
                  stroke-dasharray={dash}
                />
                <text
                  x={((mid[0] + next[0]) / 2).toFixed(1)}
                  y={((mid[1] + next[1]) / 2 - 8).toFixed(1)}
                  font-size="12"
                  fill="#222"
                  stroke="#fff"
                  stroke-width="3"
                  paint-order="stroke"
                  text-anchor="middle"
                >
                  {`${c.name} (${t(l, `aid.corridorStatus.${c.status}`)})`}
                </text>
              </g>
            );
          })}
        </g>
        <g>
          {places.map((p) => {
            const [x, y] = xy(p.lon, p.lat);
            return (
              <g key={`${p.name}${p.lat}${p.lon}`}>
                <Marker status={p.status} x={x} y={y} />
                <text
                  x={x + 11}
                  y={y + 4}
                  font-size="12"
                  fill="#111"
                  stroke="#fff"
                  stroke-width="3"
                  paint-order="stroke"
                >
                  {`${p.name} · ${p.count}`}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption>
        <MapLegend l={l} />
      </figcaption>
    </figure>
  );
}

function MapLegend({ l }: { l: Locale }): VNode {
  return (
    <div class="map-legend">
      <p id="aid-legend-needs">
        <strong>{t(l, 'aid.map.legendNeeds')}</strong>
      </p>
      <ul aria-labelledby="aid-legend-needs">
        {(Object.keys(needStyle) as NeedStatus[]).map((s) => (
          <li key={s}>
            <svg width="20" height="20" aria-hidden="true" focusable="false">
              <Marker status={s} x={10} y={10} size={6} />
            </svg>{' '}
            {t(l, `aid.needStatus.${s}`)}
          </li>
        ))}
      </ul>
      <p id="aid-legend-corridors">
        <strong>{t(l, 'aid.map.legendCorridors')}</strong>
      </p>
      <ul aria-labelledby="aid-legend-corridors">
        {(Object.keys(corridorStyle) as CorridorStatus[]).map((s) => (
          <li key={s}>
            <svg width="40" height="12" aria-hidden="true" focusable="false">
              <line
                x1="2"
                y1="6"
                x2="38"
                y2="6"
                stroke={corridorStyle[s].stroke}
                stroke-width="3.5"
                stroke-dasharray={corridorStyle[s].dash}
              />
            </svg>{' '}
            {t(l, `aid.corridorStatus.${s}`)}
          </li>
        ))}
      </ul>
    </div>
  );
}
