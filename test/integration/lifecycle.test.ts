import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/db/embedded.ts';
import { migrationsFolder } from '../../src/core/db/migrate.ts';
import { adminUrl, urlFor } from '../support/database.ts';
import {
  type CliProcess,
  cleanupProcesses,
  copyDataDir,
  embeddedUrl,
  healthz,
  isRunning,
  postgresProcesses,
  postmaster,
  removeDataDirs,
  runCli,
  startServe,
  tempDataDir,
  waitGone,
} from '../support/process.ts';

/**
 * The real command line as separate processes: signals, kill -9, a second process on the same
 * data folder, a taken port, a bad setting, two instances on one external database.
 */

afterEach(cleanupProcesses);
afterAll(removeDataDirs);

/** A data folder initialised, migrated and seeded by a first `serve`, copied by the other tests. */
let initialised = '';
beforeAll(async () => {
  initialised = await tempDataDir('initialised');
  const first = await startServe({ PEACETALKS_DATA_DIR: initialised, PORT: String(await freePort()) });
  expect(first.output()).toContain('initialising the embedded database');
  expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
});

async function journalLength(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const j = JSON.parse(await readFile(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
  return j.entries.length;
}

/** The app stopped and left nothing of its database running. */
async function expectStoppedCleanly(
  dataDir: string,
  serverPid: number,
  exit: Promise<unknown>,
  p: CliProcess,
) {
  expect(await exit).toEqual({ code: 0, signal: null });
  expect(p.output()).toContain('stopped cleanly');
  await waitGone(serverPid, 5_000);
  expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  expect(existsSync(path.join(dataDir, 'peacetalks.pid'))).toBe(false);
  expect(postgresProcesses(dataDir)).toEqual([]);
}

describe('process lifecycle of `peacetalks serve`', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} shuts down cleanly and the next start works`, async () => {
      const dataDir = await copyDataDir(initialised, `signal-${signal}`);
      const PORT = String(await freePort());
      const env = { PEACETALKS_DATA_DIR: dataDir, PORT };
      const first = await startServe(env);
      expect((await healthz(first.url)).status).toBe(200);
      const server = postmaster(dataDir)!;
      expect(isRunning(server.pid)).toBe(true);
      await expectStoppedCleanly(dataDir, server.pid, first.stop(signal), first);

      const again = await startServe(env);
      expect((await healthz(again.url)).body.status).toBe('ok');
      await expectStoppedCleanly(dataDir, postmaster(dataDir)!.pid, again.stop(signal), again);
    });
  }

  /**
   * Writes go straight to the app's database while it is killed; a write counts as acknowledged
   * once its COMMIT returned. After the restart every acknowledged write must be there.
   */
  async function writeStream(url: string) {
    const acknowledged: number[] = [];
    let stop = false;
    let error: Error | null = null;
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    const done = (async () => {
      for (let n = 0; !stop; n++) {
        try {
          await client.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)`, [
            `kill9-${n}`,
            JSON.stringify({ n }),
          ]);
          acknowledged.push(n);
        } catch (e) {
          error = e as Error; // the connection died with the server: this write was not acknowledged
          break;
        }
      }
      await client.end().catch(() => undefined);
    })();
    const until = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (acknowledged.length < count && !error && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(acknowledged.length).toBeGreaterThanOrEqual(count);
    };
    return {
      acknowledged,
      until,
      error: () => error,
      async end() {
        stop = true;
        await done;
      },
    };
  }

  async function expectAllThere(url: string, acknowledged: number[]) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query<{ key: string }>(`SELECT key FROM settings WHERE key LIKE 'kill9-%'`);
      const present = new Set(r.rows.map((row) => row.key));
      const lost = acknowledged.filter((n) => !present.has(`kill9-${n}`));
      expect(lost).toEqual([]);
    } finally {
      await client.end();
    }
  }

  it('kill -9 of the app during writes: the next start adopts the database and no acknowledged write is lost', async () => {
    const dataDir = await copyDataDir(initialised, 'kill9');
    const env = { PEACETALKS_DATA_DIR: dataDir, PORT: String(await freePort()) };
    const app = await startServe(env);
    const server = postmaster(dataDir)!;
    const writes = await writeStream(embeddedUrl(dataDir));
    await writes.until(50);
    app.child.kill('SIGKILL');
    expect((await app.exited).signal).toBe('SIGKILL');
    // The database outlives the app and keeps taking writes.
    const atKill = writes.acknowledged.length;
    await writes.until(atKill + 20);

    const next = await startServe(env);
    expect(next.output()).toContain('adopting the embedded database left running');
    expect(postmaster(dataDir)!.pid).toBe(server.pid);
    expect((await healthz(next.url)).status).toBe(200);
    await writes.until(atKill + 40);
    await writes.end();
    expect(writes.error()).toBeNull();
    await expectAllThere(embeddedUrl(dataDir), writes.acknowledged);
    // The adopted server is now this app's: it stops it on the way out.
    await expectStoppedCleanly(dataDir, server.pid, next.stop('SIGTERM'), next);
  });

  it('kill -9 of the app and of its database during writes: crash recovery keeps every acknowledged write', async () => {
    const dataDir = await copyDataDir(initialised, 'kill9-both');
    const env = { PEACETALKS_DATA_DIR: dataDir, PORT: String(await freePort()) };
    const app = await startServe(env);
    const server = postmaster(dataDir)!;
    const writes = await writeStream(embeddedUrl(dataDir));
    await writes.until(50);
    app.child.kill('SIGKILL');
    process.kill(server.pid, 'SIGKILL');
    await writes.end();
    expect(writes.acknowledged.length).toBeGreaterThanOrEqual(50);
    await app.exited;
    // Restart at once: the killed server may still be a zombie that init has not reaped yet,
    // which the start has to wait out (PostgreSQL refuses while that PID exists).

    const next = await startServe(env);
    expect((await healthz(next.url)).status).toBe(200);
    await expectAllThere(embeddedUrl(dataDir), writes.acknowledged);
    await expectStoppedCleanly(dataDir, postmaster(dataDir)!.pid, next.stop('SIGTERM'), next);
  });

  it('a second peacetalks process on the same data folder uses the running server', async () => {
    const dataDir = await copyDataDir(initialised, 'guest');
    const env = { PEACETALKS_DATA_DIR: dataDir, PORT: String(await freePort()) };
    const app = await startServe(env);
    const server = postmaster(dataDir)!;
    const client = new pg.Client({ connectionString: embeddedUrl(dataDir) });
    await client.connect();
    try {
      await client.query(`INSERT INTO settings (key, value) VALUES ('guest-marker', '"kept"'::jsonb)`);

      const migrate = await runCli(['migrate'], { PEACETALKS_DATA_DIR: dataDir });
      expect(migrate.code, migrate.output).toBe(0);
      expect(migrate.output).toContain(`already run by process ${app.pid}`);
      expect((await healthz(app.url)).status).toBe(200);

      const verify = await runCli(['verify', 'audit'], { PEACETALKS_DATA_DIR: dataDir });
      expect(verify.code, verify.output).toBe(0);
      expect(verify.stdout).toContain('audit log OK');

      const backupFile = path.join(dataDir, '..', 'guest-backup.tar.gz');
      const backup = await runCli(['backup', backupFile], { PEACETALKS_DATA_DIR: dataDir });
      expect(backup.code, backup.output).toBe(0);
      expect(existsSync(backupFile)).toBe(true);

      // A second server on the same folder, another port: a guest of the same database.
      const second = await startServe({ ...env, PORT: String(await freePort()) });
      expect(second.output()).toContain(`already run by process ${app.pid}`);
      expect((await healthz(second.url)).status).toBe(200);
      expect(postmaster(dataDir)!.pid).toBe(server.pid);
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      // The guest left the owner's database running.
      expect(isRunning(server.pid)).toBe(true);
      expect((await healthz(app.url)).status).toBe(200);

      const r = await client.query(`SELECT value FROM settings WHERE key = 'guest-marker'`);
      expect(r.rows).toEqual([{ value: 'kept' }]);
    } finally {
      await client.end();
    }
    await expectStoppedCleanly(dataDir, server.pid, app.stop('SIGTERM'), app);

    // The backup taken while serving restores into a new data folder, once.
    const restoredDir = await tempDataDir('restored');
    const backupFile = path.join(dataDir, '..', 'guest-backup.tar.gz');
    const restore = await runCli(['restore', backupFile], { PEACETALKS_DATA_DIR: restoredDir });
    expect(restore.code, restore.output).toBe(0);
    expect(restore.stdout).toMatch(/^restored .* rows$/m);
    const again = await runCli(['restore', backupFile], { PEACETALKS_DATA_DIR: restoredDir });
    expect(again.code).toBe(1);
    expect(again.output).toContain('only writes into an empty database');
    expect(again.output).not.toMatch(/\n\s+at /);
  });

  it('two servers started together on a new data folder: one database server, one owner, one guest', async () => {
    const dataDir = await tempDataDir('together');
    const envs = await Promise.all(
      [0, 1].map(async () => ({ PEACETALKS_DATA_DIR: dataDir, PORT: String(await freePort()) })),
    );
    const apps = await Promise.all(envs.map((env) => startServe(env)));
    for (const app of apps) expect((await healthz(app.url)).status).toBe(200);
    expect(apps.filter((a) => a.output().includes('initialising the embedded database'))).toHaveLength(1);
    const guests = apps.filter((a) => a.output().includes('already run by process'));
    expect(guests).toHaveLength(1);
    expect(postgresProcesses(dataDir)).toHaveLength(1);
    const owner = apps.find((a) => !guests.includes(a))!;
    const server = postmaster(dataDir)!;
    expect(await guests[0].stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect((await healthz(owner.url)).status).toBe(200);
    await expectStoppedCleanly(dataDir, server.pid, owner.stop('SIGTERM'), owner);
  });

  it('a port already in use: a clear message, exit code 1, and the database stopped again', async () => {
    const dataDir = await copyDataDir(initialised, 'port');
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const r = await runCli(['serve'], { PEACETALKS_DATA_DIR: dataDir, PORT: String(port) });
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('already in use');
      expect(r.output).toContain(String(port));
      expect(r.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
      // The database had been started before the port was tried: it must be stopped again.
      expect(r.output).toContain('starting the embedded database');
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(postgresProcesses(dataDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('an invalid setting stops the start with a message naming it', async () => {
    const dataDir = await tempDataDir('config');
    const r = await runCli(['serve'], { PEACETALKS_DATA_DIR: dataDir, PORT: 'abc' });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('PORT');
    expect(r.output).toContain('"abc"');
    expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
  });

  it('two instances starting together on one external database both come up and seed once', async () => {
    const name = `lifecycle_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const DATABASE_URL = urlFor(name);
      const envs = await Promise.all(
        ['a', 'b'].map(async (n) => ({
          DATABASE_URL,
          PEACETALKS_DATA_DIR: await tempDataDir(`external-${n}`),
          PORT: String(await freePort()),
        })),
      );
      const apps = await Promise.all(envs.map((env) => startServe(env)));
      for (const app of apps) expect((await healthz(app.url)).status).toBe(200);
      const seeded = apps.filter((a) => a.output().includes('loading the UCLG Sections'));
      expect(seeded).toHaveLength(1);
      // Neither instance started an embedded server.
      for (const env of envs) expect(existsSync(path.join(env.PEACETALKS_DATA_DIR, 'pg'))).toBe(false);

      const db = new pg.Client({ connectionString: DATABASE_URL });
      await db.connect();
      try {
        const m = await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
        expect(m.rows[0].n).toBe(await journalLength());
        const s = await db.query(
          `SELECT count(*)::int AS n FROM settings WHERE key IN ('seeded_at', 'instance_secret')`,
        );
        expect(s.rows[0].n).toBe(2);
      } finally {
        await db.end();
      }
      for (const app of apps) expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await cleanupProcesses();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
