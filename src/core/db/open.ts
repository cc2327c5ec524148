import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { type EmbeddedServer, startEmbedded } from './embedded.ts';
import { runMigrations } from './migrate.ts';
import { connect, type Database, ensureDatabase } from './pool.ts';

export interface OpenDatabase {
  database: Database;
  embedded: EmbeddedServer | null;
  /** The database had no schema before this start. */
  fresh: boolean;
  close(): Promise<void>;
}

const DB_NAME = 'peacetalks';

/**
 * Connect to the configured PostgreSQL (DATABASE_URL) or start the embedded one, then migrate
 * under an advisory lock.
 */
export async function openDatabase(
  config: Config,
  log: (m: string) => void = () => undefined,
  opts: { migrate?: boolean } = {},
): Promise<OpenDatabase> {
  let embedded: EmbeddedServer | null = null;
  let url: string;
  if (config.DATABASE_URL) {
    url = config.DATABASE_URL;
  } else {
    embedded = await startEmbedded({
      dataDir: config.dataDir,
      port: config.PEACETALKS_DB_PORT || undefined,
      log,
    });
    url = await ensureDatabase(embedded.url, DB_NAME);
  }
  const database = connect(url, config.DB_POOL_SIZE);
  let fresh = false;
  try {
    const r = await database.pool.query(`SELECT to_regclass('public.settings') IS NULL AS fresh`);
    fresh = r.rows[0].fresh;
    if (opts.migrate !== false) await runMigrations(url);
  } catch (e) {
    await database.close();
    await embedded?.stop();
    throw e;
  }
  return {
    database,
    embedded,
    fresh,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}

/** The instance secret, created once and shared by every app instance through the database. */
export async function instanceSecret(database: Database): Promise<string> {
  const candidate = randomBytes(32).toString('base64url');
  await database.db.execute(
    sql`INSERT INTO settings (key, value) VALUES ('instance_secret', ${JSON.stringify(candidate)}::jsonb) ON CONFLICT (key) DO NOTHING`,
  );
  const r = await database.db.execute<{ value: string }>(
    sql`SELECT value FROM settings WHERE key = 'instance_secret'`,
  );
  return r.rows[0].value;
}
