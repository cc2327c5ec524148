import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import * as tar from 'tar';
import { appliedMigrations, listSequences, listTables, quoteIdent } from './catalog.ts';
import { appVersion, FORMAT_VERSION, MANIFEST_FILE, type Manifest } from './manifest.ts';

export interface BackupProgress {
  table: string;
  done: number;
  total: number;
}

const FETCH = 2000;

/**
 * Write every table of the `public` schema to a `.tar.gz` archive: `manifest.json` and one
 * NDJSON file per table (`row_to_json` of each row, ordered by primary key). The whole dump
 * reads one snapshot (a REPEATABLE READ, READ ONLY transaction), so the tables agree with each
 * other even while the platform keeps writing. The pg-boss schema (transient jobs) and
 * drizzle's bookkeeping are not data: the manifest records the applied migrations instead.
 */
export async function backupDatabase(
  pool: pg.Pool,
  file: string,
  onProgress: (p: BackupProgress) => void = () => undefined,
): Promise<Manifest> {
  const target = path.resolve(file);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'peacetalks-backup-'));
  const partial = `${target}.partial-${process.pid}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Fixed output formats so the files do not depend on the session that wrote them.
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    await client.query('SET LOCAL extra_float_digits = 1');
    const migrations = await appliedMigrations(client);
    const tables = await listTables(client);
    const sequences = await listSequences(client);
    await fs.mkdir(path.join(work, 'tables'));

    const manifest: Manifest = {
      format: 'peacetalks-backup',
      formatVersion: FORMAT_VERSION,
      app: appVersion(),
      createdAt: new Date().toISOString(),
      migrations,
      tables: [],
      sequences: sequences.map((s) => ({
        name: s.name,
        lastValue: s.lastValue,
        isCalled: s.isCalled,
        table: s.table,
        column: s.column,
      })),
    };
    for (const t of tables) {
      const rel = `tables/${t.name.replace(/[^\w.-]/g, '_')}.ndjson`;
      const q = `public.${quoteIdent(t.name)}`;
      const total = Number((await client.query(`SELECT count(*)::text AS n FROM ${q}`)).rows[0].n);
      onProgress({ table: t.name, done: 0, total });
      const order = t.primaryKey.length ? ` ORDER BY ${t.primaryKey.map(quoteIdent).join(', ')}` : '';
      // ::text keeps each row exactly as PostgreSQL wrote it: no JavaScript number rounding.
      await client.query(
        `DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${q} t${order}`,
      );
      const hash = createHash('sha256');
      const out = createWriteStream(path.join(work, rel));
      let done = 0;
      for (;;) {
        const r = await client.query<{ j: string }>(`FETCH ${FETCH} FROM dump`);
        if (r.rows.length === 0) break;
        const chunk = `${r.rows.map((row) => row.j).join('\n')}\n`;
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        done += r.rows.length;
        onProgress({ table: t.name, done, total });
      }
      await client.query('CLOSE dump');
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
      manifest.tables.push({
        name: t.name,
        file: rel,
        rows: done,
        sha256: hash.digest('hex'),
        columns: t.columns.map((c) => c.name),
      });
    }
    await client.query('COMMIT');
    await fs.writeFile(path.join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed: an interrupted backup never leaves a truncated archive under FILE.
    await tar.create({ gzip: true, file: partial, cwd: work, portable: true }, [
      MANIFEST_FILE,
      ...manifest.tables.map((t) => t.file),
    ]);
    await fs.rename(partial, target);
    return manifest;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    await fs.rm(partial, { force: true });
    throw e;
  } finally {
    client.release();
    await fs.rm(work, { recursive: true, force: true });
  }
}
