/**
 * ISO 4217 currencies as the runtime's ICU knows them (CLDR): the codes, and how many minor
 * units a major unit has (EUR 2, JPY 0, KWD 3). Amounts are always kept in minor units.
 */
const known = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && known.has(code);
}

const digitsCache = new Map<string, number>();
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsCache.set(currency, d);
  }
  return d;
}

/** "1234.50" for 123450 minor units of EUR: exact (no floating point), for exports. */
export function toMajorString(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const neg = minor < 0;
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = digits ? s.slice(0, -digits) : s;
  const frac = digits ? `.${s.slice(-digits)}` : '';
  return `${neg ? '-' : ''}${whole}${frac}`;
}

/** Minor units from a decimal string typed in a form ("1 234,50" or "1234.5"); null if it is not one. */
export function parseMajor(text: string, currency: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f']/g, '').replace(',', '.');
  const digits = minorDigits(currency);
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(t);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
}

// Making a NumberFormat costs far more than using one: a page of a thousand amounts makes two.
const formatters = new Map<string, Intl.NumberFormat>();

/** An amount for people: "€1,234.50" in the reader's language. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const key = `${locale} ${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits });
    formatters.set(key, f);
  }
  return f.format(minor / 10 ** digits);
}
