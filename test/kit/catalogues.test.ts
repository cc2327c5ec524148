import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, type Locale, locales } from '../../src/core/i18n/i18n.ts';
import { navEntries } from '../../src/core/module/install.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The interface is complete in all six languages, for the kernel and for every installed part:
 * the same keys (plural forms aside, which follow each language's rules), and no page that shows
 * a raw key instead of text.
 */
type Tree = { [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(tree: Tree, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.add(key.replace(PLURAL, ''));
    else keys(v, key, out);
  }
  return out;
}

describe('catalogues of the kernel and every part', () => {
  const english = keys(catalogue('en') as Tree);

  it('has English text for every part', () => {
    expect(english.size).toBeGreaterThan(1000);
  });

  for (const locale of locales.filter((l) => l !== 'en')) {
    it(`${locale} has every English key, and none that English lacks`, () => {
      const other = keys(catalogue(locale) as Tree);
      expect([...english].filter((k) => !other.has(k))).toEqual([]);
      expect([...other].filter((k) => !english.has(k))).toEqual([]);
    });
  }
});

describe('pages in every language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: true, demo: true });
  }, 120_000);
  afterAll(async () => t?.close());

  // A key left raw looks like `talks.session.title` or `nav.fund`; text with dots (URLs, file names) does not.
  const RAW_KEY = /(?<![\w/.@-])(?:[a-z][A-Za-z]+\.){1,}[a-z][A-Za-z_]+(?![\w/.(-])/g;
  const visibleText = (html: string) =>
    html
      .replace(/<script[\s\S]*?<\/script>/g, ' ')
      .replace(/<style[\s\S]*?<\/style>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&[a-z#0-9]+;/g, ' ');

  it('shows no raw catalogue key on the home page or any part’s main page', async () => {
    // Any text starting with a catalogue's top-level name (`talks.`, `nav.`…) is a key i18next did not find.
    const namespaces = new Set(Object.keys(catalogue('en')));
    const pages = ['/', '/about', ...navEntries().map((e) => e.href)];
    const found: string[] = [];
    for (const locale of locales as readonly Locale[]) {
      for (const url of pages) {
        const res = await t.app.inject({ url: `${url}?lang=${locale}` });
        expect(res.statusCode, `${url} ${locale}`).toBe(200);
        for (const m of visibleText(res.body).matchAll(RAW_KEY)) {
          if (namespaces.has(m[0].split('.')[0])) found.push(`${url} ${locale}: ${m[0]}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
