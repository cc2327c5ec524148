import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type pg from 'pg';
import * as tar from 'tar';
import { appliedMigrations, listTables, type Migration, quoteIdent } from './catalog.ts';
import { BackupError, FORMAT_VERSION, MANIFEST_FILE, type Manifest, manifestSchema } from './manifest.ts';

export interface RestoreProgress {
  table: string;
  done: number;
  total: number;
}

const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

/** Unpack an archive into a temporary folder and check its manifest and every file's hash. */
export async function openBackup(
  file: string,
): Promise<{ dir: string; manifest: Manifest; close(): Promise<void> }> {
  if (!existsSync(file)) throw new BackupError(`There is no file ${file}.`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'peacetalks-restore-'));
  const close = () => fs.rm(dir, { recursive: true, force: true });
  try {
    try {
      await tar.extract({ file, cwd: dir, strict: true });
    } catch (e) {
      throw new BackupError(`${file} is not a readable .tar.gz archive (${(e as Error).message}).`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
    } catch {
      throw new BackupError(`${file} is not a Peace Talks backup: it has no readable ${MANIFEST_FILE}.`);
    }
    const version = (raw as { formatVersion?: unknown })?.formatVersion;
    if ((raw as { format?: unknown })?.format === 'peacetalks-backup' && version !== FORMAT_VERSION) {
      throw new BackupError(
        `${file} uses backup format version ${String(version)}; this version of Peace Talks reads version ${FORMAT_VERSION} only.`,
      );
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
      throw new BackupError(`${file} is not a Peace Talks backup: its ${MANIFEST_FILE} is not valid.`);
    }
    const manifest = parsed.data;
    for (const t of manifest.tables) {
      const { sha256, lines } = await hashFile(path.join(dir, t.file)).catch(() => {
        throw new BackupError(`${file} is incomplete: ${t.file} is missing.`);
      });
      if (sha256 !== t.sha256 || lines !== t.rows) {
        throw new BackupError(`${file} is damaged: ${t.file} does not match the checksum in the manifest.`);
      }
    }
    return { dir, manifest, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function hashFile(file: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    for (const b of chunk as Buffer) if (b === 10) lines++;
  }
  return { sha256: hash.digest('hex'), lines };
}

function describeMigrations(m: Migration[]): string {
  return m.length
    ? `${m.length} migrations, the last one ${m[m.length - 1].hash.slice(0, 12)}`
    : 'no migrations';
}

/**
 * Load a backup into an empty database whose schema is at the same migration as the backup.
 * Everything happens in one transaction: the database ends up with all the data or none of it.
 */
export async function restoreDatabase(
  pool: pg.Pool,
  file: string,
  onProgress: (p: RestoreProgress) => void = () => undefined,
): Promise<{ tables: number; rows: number; manifest: Manifest }> {
  const backup = await openBackup(file);
  const { manifest } = backup;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const current = await appliedMigrations(client);
    const same =
      current.length === manifest.migrations.length &&
      current.every((m, i) => m.hash === manifest.migrations[i].hash);
    if (!same) {
      throw new BackupError(
        `The backup's database schema (${describeMigrations(manifest.migrations)}, written by ${manifest.app.name} ${manifest.app.version}) ` +
          `differs from this database's (${describeMigrations(current)}). Restore it with the version of Peace Talks that wrote it.`,
      );
    }
    const tables = await listTables(client);
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      const here = byName.get(t.name);
      const missing = here ? t.columns.filter((c) => !here.columns.some((h) => h.name === c)) : [];
      if (!here || missing.length) {
        throw new BackupError(
          `The backup's table ${t.name}${missing.length ? ` (columns ${missing.join(', ')})` : ''} does not exist in this database.`,
        );
      }
    }

    // No one writes while we check and load: a running server would wait, not interleave.
    for (const t of tables)
      await client.query(`LOCK TABLE public.${quoteIdent(t.name)} IN ACCESS EXCLUSIVE MODE`);
    const filled: string[] = [];
    for (const t of tables) {
      const r = await client.query(`SELECT EXISTS (SELECT 1 FROM public.${quoteIdent(t.name)}) AS any`);
      if (r.rows[0].any) filled.push(t.name);
    }
    if (filled.length) {
      throw new BackupError(
        `restore only writes into an empty database, and this one has data (in ${filled.join(', ')}). ` +
          'Point PEACETALKS_DATA_DIR at a new folder (or DATABASE_URL at a new database) and run restore again.',
      );
    }

    // As superuser, skip foreign-key and trigger checks while loading (the backup is one consistent
    // snapshot); otherwise the dependency order of listTables() satisfies them.
    const su = await client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
    if (su.rows[0]?.rolsuper) await client.query(`SET LOCAL session_replication_role = replica`);

    let rows = 0;
    const entries = new Map(manifest.tables.map((t) => [t.name, t]));
    for (const t of tables) {
      const entry = entries.get(t.name);
      if (!entry) continue;
      const cols = t.columns
        .filter((c) => !c.generated && entry.columns.includes(c.name))
        .map((c) => quoteIdent(c.name));
      const q = `public.${quoteIdent(t.name)}`;
      const insert = `INSERT INTO ${q} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE
        SELECT ${cols.join(', ')} FROM json_populate_recordset(NULL::${q}, $1::json)`;
      let done = 0;
      let batch: string[] = [];
      let bytes = 0;
      const flush = async () => {
        if (!batch.length) return;
        await client.query(insert, [`[${batch.join(',')}]`]);
        done += batch.length;
        batch = [];
        bytes = 0;
        onProgress({ table: t.name, done, total: entry.rows });
      };
      onProgress({ table: t.name, done: 0, total: entry.rows });
      const lines = readline.createInterface({
        input: createReadStream(path.join(backup.dir, entry.file)),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        bytes += line.length;
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
      }
      await flush();
      const count = Number((await client.query(`SELECT count(*)::text AS n FROM ${q}`)).rows[0].n);
      if (count !== entry.rows) {
        throw new BackupError(
          `Restoring ${t.name} gave ${count} rows instead of ${entry.rows}; nothing was restored.`,
        );
      }
      rows += count;
    }

    for (const s of manifest.sequences) {
      const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
        `public.${quoteIdent(s.name)}`,
      ]);
      if (!exists.rows[0].ok) continue;
      let value = BigInt(s.lastValue);
      let called = s.isCalled;
      // Never hand out an id that a restored row already has.
      if (s.table && s.column && byName.has(s.table)) {
        const m = await client.query(
          `SELECT max(${quoteIdent(s.column)})::text AS m FROM public.${quoteIdent(s.table)}`,
        );
        const max = m.rows[0].m === null ? null : BigInt(m.rows[0].m);
        if (max !== null && (max > value || (max === value && !called))) {
          value = max;
          called = true;
        }
      }
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [
        `public.${quoteIdent(s.name)}`,
        value.toString(),
        called,
      ]);
    }
    await client.query('COMMIT');
    return { tables: manifest.tables.length, rows, manifest };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
    await backup.close();
  }
}
