import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';

// Return int8 (bigint) columns and counts as JS numbers: every bigint we store (ids, populations,
// minor units) stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// Keep `date` columns as 'YYYY-MM-DD' strings: a date has no timezone.
pg.types.setTypeParser(1082, (v) => v);

export type Db = NodePgDatabase<Record<string, never>>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export function connect(url: string, max = 20): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30000,
    application_name: 'peacetalks',
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool }) as unknown as Db;
  return {
    pool,
    db,
    url,
    async close() {
      await pool.end();
    },
  };
}

/** Create `name` on the server of `adminUrl` when it does not exist. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        // Created meanwhile by another process: 42P04, or 23505 when both inserted at once.
        if (e.code !== '42P04' && e.code !== '23505') throw e;
      });
    }
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
