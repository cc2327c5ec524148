import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../../src/core/db/embedded.ts';
import { runMigrations } from '../../src/core/db/migrate.ts';

/**
 * One PostgreSQL server for the whole run: the embedded one in a throwaway folder, or the
 * server of PEACETALKS_TEST_DATABASE_URL (Debian's PostgreSQL 15 in `npm test`). A template
 * database is migrated once; every test file clones it (see database.ts).
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.PEACETALKS_TEST_DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!adminUrl) {
    const dir = path.resolve('.tmp', `test-pg-${process.pid}`);
    await fs.rm(dir, { recursive: true, force: true });
    const server = await startEmbedded({ dataDir: dir });
    adminUrl = server.url;
    stop = async () => {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS pt_template WITH (FORCE)');
  await admin.query('CREATE DATABASE pt_template');
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = '/pt_template';
  await runMigrations(u.toString());
  project.provide('adminUrl', adminUrl);
  return stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}
