import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TOptions } from 'i18next';

export const locales = ['en', 'fr', 'es', 'uk', 'ru', 'ar'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';
/** UCLG's official languages are complete; the others are started and fall back to English. */
export const localeNames: Record<Locale, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  uk: 'Українська',
  ru: 'Русский',
  ar: 'العربية',
};
export const rtlLocales: Locale[] = ['ar'];

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales');

type Tree = { [k: string]: string | Tree };
function merge(into: Tree, from: Tree): Tree {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === 'object' && typeof into[k] === 'object') merge(into[k] as Tree, v);
    else into[k] = v;
  }
  return into;
}

/** Each locale is a folder of JSON files (one per part of the product), merged into one catalogue. */
export function loadCatalogue(locale: string): Tree {
  const folder = path.join(dir, locale);
  const tree: Tree = {};
  for (const f of readdirSync(folder)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    merge(tree, JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as Tree);
  }
  return tree;
}

const resources = Object.fromEntries(locales.map((l) => [l, { translation: loadCatalogue(l) }]));
const catalogueFolders = new Set<string>();

const i18n = i18next.createInstance();
void i18n.init({
  resources,
  lng: defaultLocale,
  fallbackLng: { uk: ['en'], ru: ['en'], ar: ['en'], default: ['en'] },
  supportedLngs: [...locales],
  initAsync: false,
  interpolation: { escapeValue: false }, // Preact escapes on render
  returnNull: false,
});

/**
 * A part's catalogues, one file per language (`<folder>/<lang>.json`), merged into the kernel's.
 * The module kit calls it for each manifest; a language file may be missing (it falls back).
 */
export function addCatalogues(folder: string): void {
  if (catalogueFolders.has(folder)) return;
  catalogueFolders.add(folder);
  for (const l of locales) {
    const file = path.join(folder, `${l}.json`);
    let tree: Tree;
    try {
      tree = JSON.parse(readFileSync(file, 'utf8')) as Tree;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    i18n.addResourceBundle(l, 'translation', tree, true, true);
  }
}

/** Every catalogue in a language: the kernel's and each installed part's (for the tests). */
export function catalogue(locale: Locale): Tree {
  return i18n.getResourceBundle(locale, 'translation') as Tree;
}

const fixed = new Map(locales.map((l) => [l, i18n.getFixedT(l)]));

export function t(locale: Locale, key: string, options?: TOptions): string {
  return (fixed.get(locale) ?? fixed.get('en')!)(key, options) as string;
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (locales as readonly string[]).includes(v);
}

/** Best supported locale from an Accept-Language header. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return undefined;
}

export interface Localised {
  text: string;
  /** The language the text is in. */
  lang: string;
  /** True when the text is not in the requested language. */
  fallback: boolean;
}

/** Pick a multilingual content value: the user's language, then English, French, Spanish, then any. */
export function pick(
  values: Record<string, string> | null | undefined,
  locale: Locale,
  fallbackText = '',
): Localised {
  if (values) {
    if (values[locale]) return { text: values[locale], lang: locale, fallback: false };
    for (const l of ['en', 'fr', 'es', ...Object.keys(values)]) {
      if (values[l]) return { text: values[l], lang: l, fallback: true };
    }
  }
  return { text: fallbackText, lang: 'und', fallback: locale !== 'en' };
}

export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatDate(
  locale: Locale,
  d: Date | string,
  opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
): string {
  return new Intl.DateTimeFormat(locale, opts).format(typeof d === 'string' ? new Date(d) : d);
}
