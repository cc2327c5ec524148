import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connect, type Database } from '../../src/core/db/pool.ts';

export const adminUrl = () => inject('adminUrl');

export function urlFor(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database of its own, cloned from the template: fast and order-independent. */
export async function createTestDatabase(): Promise<Database & { name: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE pt_template`);
  } finally {
    await admin.end();
  }
  const database = connect(urlFor(name), 10);
  return Object.assign(database, {
    name,
    async drop() {
      await database.close().catch(() => undefined);
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  });
}
