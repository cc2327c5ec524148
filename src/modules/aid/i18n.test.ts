import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const catalogue = (l: string) =>
  JSON.parse(readFileSync(path.join(here, 'locales', `${l}.json`), 'utf8')) as Record<string, unknown>;
/** Plural forms differ by language (uk, ru: `_few`, `_many`; ar also `_zero`, `_two`): compare their stem. */
const stem = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');
const keys = (tree: unknown, prefix = ''): string[] => [
  ...new Set(
    Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) =>
      typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [stem(`${prefix}${k}`)],
    ),
  ),
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('aid catalogues', () => {
  const en = new Set(keys(catalogue('en')));
  it('French and Spanish have every English key', () => {
    for (const l of ['fr', 'es'])
      expect(
        [...en].filter((k) => !keys(catalogue(l)).includes(k)),
        l,
      ).toEqual([]);
  });
  it('Ukrainian, Russian and Arabic have no key English lacks', () => {
    for (const l of ['uk', 'ru', 'ar'])
      expect(
        keys(catalogue(l)).filter((k) => !en.has(k)),
        l,
      ).toEqual([]);
  });
  it('every literal aid key used in the code exists in English', () => {
    const used = sources(here).flatMap((f) =>
      // Use case names (`name: 'aid.postNeed'`) are not catalogue keys.
      [...readFileSync(f, 'utf8').matchAll(/(?<!name: )'(aid\.[a-zA-Z.]+)'/g)].map((m) => m[1]),
    );
    expect(used.length).toBeGreaterThan(50);
    expect([...new Set(used)].filter((k) => !en.has(k) && k !== 'aid.need')).toEqual([]);
  });
});
