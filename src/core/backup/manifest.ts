import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The table of contents of a backup archive. Bump FORMAT_VERSION on any incompatible change. */
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

const migration = z.object({ id: z.number(), hash: z.string(), createdAt: z.string() });

export const manifestSchema = z.object({
  format: z.literal('peacetalks-backup'),
  formatVersion: z.number().int(),
  app: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  migrations: z.array(migration),
  tables: z.array(
    z.object({
      name: z.string(),
      file: z.string().regex(/^tables\/[\w.-]+\.ndjson$/),
      rows: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      columns: z.array(z.string()),
    }),
  ),
  sequences: z.array(
    z.object({
      name: z.string(),
      lastValue: z.string().regex(/^-?\d+$/),
      isCalled: z.boolean(),
      table: z.string().nullable(),
      column: z.string().nullable(),
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** A backup or restore that cannot go on, with a message meant for the person running it. */
export class BackupError extends Error {}

export function appVersion(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return { name: pkg.name, version: pkg.version };
}
