import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One of the CSV files in ./data, as objects keyed by the header. */
export function readSeedCsv(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8');
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}
