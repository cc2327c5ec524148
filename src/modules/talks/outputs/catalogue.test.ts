import { describe, expect, it } from 'vitest';
import { catalogue, type Locale, t } from '../../../core/i18n/i18n.ts';
import '../../../../test/support/modules.ts';

type Tree = { [k: string]: string | Tree };
const keys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
// Plural forms follow each language's rules (Ukrainian has `_few` and `_many`, Arabic six forms).
const outputs = (lang: Locale) =>
  [
    ...new Set(
      keys((catalogue(lang).talksOutputs ?? {}) as Tree).map((k) =>
        k.replace(/_(zero|one|two|few|many|other)$/, ''),
      ),
    ),
  ].sort();

describe('catalogues of the Talks outputs', () => {
  it('are complete in French and Spanish, and started in Ukrainian, Russian and Arabic', () => {
    const en = outputs('en');
    expect(en.length).toBeGreaterThan(100);
    expect(outputs('fr')).toEqual(en);
    expect(outputs('es')).toEqual(en);
    for (const lang of ['uk', 'ru', 'ar'] as const) {
      const have = outputs(lang);
      expect(
        have.every((k) => en.includes(k)),
        lang,
      ).toBe(true);
      for (const k of [
        'summary.heading',
        'summary.partners',
        'summary.forActionBy',
        'groups.lrgs',
        'minutes.title',
      ]) {
        expect(have, `${lang} ${k}`).toContain(k);
      }
    }
    expect(t('uk', 'talksOutputs.summary.forActionBy', { who: t('uk', 'talksOutputs.groups.lrgs') })).toBe(
      'До виконання: МРВ',
    );
  });
});
