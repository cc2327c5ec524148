import { createRequire } from 'node:module';
import { type GeoPermissibleObjects, geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { numericToAlpha2, unnumberedByName } from './iso-numeric.ts';

export interface CountryShape {
  iso2: string;
  /** SVG path data, projected and rounded to a tenth of a pixel. */
  d: string;
}

export interface WorldMap {
  width: number;
  height: number;
  /** Outline of the globe in this projection (the sea). */
  sphere: string;
  countries: CountryShape[];
  project(lon: number, lat: number): [number, number] | null;
}

const WIDTH = 960;

/** A number of tenths as short as SVG allows: 5 → ".5", -12 → "-1.2", 30 → "3". */
function tenths(v: number): string {
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  const whole = Math.floor(a / 10);
  const frac = a % 10;
  return sign + (frac === 0 ? String(whole) : `${whole === 0 ? '' : whole}.${frac}`);
}

function joinNumbers(values: number[]): string {
  let out = '';
  for (const v of values) {
    const s = tenths(v);
    out += out === '' || s.startsWith('-') ? s : ` ${s}`;
  }
  return out;
}

/**
 * Rewrite d3's absolute path (M, L, Z; one decimal) with relative moves: the small
 * differences between neighbouring points take about half the bytes.
 */
export function compactPath(d: string): string {
  let out = '';
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  for (const [, cmd, args] of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    if (cmd === 'Z') {
      out += 'z';
      x = startX;
      y = startY;
      continue;
    }
    const nums = args.split(',').map((n) => Math.round(Number(n) * 10));
    const rel: number[] = [];
    for (let i = 0; i + 1 < nums.length; i += 2) {
      rel.push(nums[i] - x, nums[i + 1] - y);
      x = nums[i];
      y = nums[i + 1];
    }
    if (cmd === 'M') {
      startX = x;
      startY = y;
    }
    out += (cmd === 'M' ? 'm' : 'l') + joinNumbers(rel);
  }
  return out;
}
let cached: WorldMap | undefined;

/** The projected countries: static, so computed once per process. */
export function worldMap(): WorldMap {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const topology = require('world-atlas/countries-110m.json') as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const collection = feature(topology, topology.objects.countries);
  const sphere: GeoPermissibleObjects = { type: 'Sphere' };
  const projection = geoEqualEarth().fitWidth(WIDTH, sphere);
  const path = geoPath(projection).digits(1);
  const [[, y0], [, y1]] = path.bounds(sphere);
  const countries: CountryShape[] = [];
  for (const f of collection.features) {
    const iso2 =
      f.id !== undefined ? numericToAlpha2[String(f.id)] : unnumberedByName[f.properties?.name ?? ''];
    // Antarctica takes much room and has no members.
    if (!iso2 || iso2 === 'AQ') continue;
    const d = path(f);
    if (d) countries.push({ iso2, d: compactPath(d) });
  }
  cached = {
    width: WIDTH,
    height: Math.ceil(y1 - y0),
    sphere: compactPath(path(sphere) ?? ''),
    countries,
    project(lon, lat) {
      const p = projection([lon, lat]);
      return p ? [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10] : null;
    },
  };
  return cached;
}
