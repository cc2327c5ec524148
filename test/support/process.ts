import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PASSWORD, USER } from '../../src/core/db/embedded.ts';

/**
 * Helpers to run the real command line (`node bin/peacetalks.js …`) as separate processes, for
 * the tests of the process lifecycle: start, signals, `kill -9`, a second process on the same
 * data folder. Every process and embedded PostgreSQL started through here is tracked, so that
 * `cleanupProcesses()` in an afterEach leaves nothing running even when a test fails.
 */

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/peacetalks.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  stdout(): string;
  /** Resolve when the output matches; reject (with the output) on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
  /** Send a signal, then wait for the exit (rejects after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

const children = new Set<CliProcess>();
const dataDirs = new Set<string>();

/** The environment of a spawned command: ours, minus anything that would point it elsewhere. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PEACETALKS_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$|VITEST|NODE_OPTIONS$)/.test(k)) continue;
    base[k] = v;
  }
  const merged: NodeJS.ProcessEnv = {
    ...base,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PEACETALKS_DEMO: 'false',
    ...env,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  if (merged.PEACETALKS_DATA_DIR) dataDirs.add(path.resolve(root, merged.PEACETALKS_DATA_DIR));
  return merged;
}

export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (isOut: boolean) => (d: Buffer) => {
    all += d.toString();
    if (isOut) out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData(true));
  child.stderr!.on('data', onData(false));
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
    for (const l of listeners) l();
  });

  const proc: CliProcess = {
    child,
    pid: child.pid!,
    output: () => all,
    stdout: () => out,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = all.match(pattern);
          if (m) finish(() => resolve(m));
          else if (done) finish(() => reject(new Error(`process exited before ${pattern}; output:\n${all}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${all}`))),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (!done) child.kill(signal);
      return withTimeout(exited, timeoutMs, `process ${child.pid} did not exit after ${signal}`);
    },
  };
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return proc;
}

/** Run a command to its end; its output and exit code. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<Exit & { output: string; stdout: string }> {
  const p = spawnCli(args, env);
  const exit = await withTimeout(p.exited, timeoutMs, `peacetalks ${args.join(' ')} did not finish`).catch(
    (e) => {
      p.child.kill('SIGKILL');
      throw new Error(`${(e as Error).message}; output:\n${p.output()}`);
    },
  );
  return { ...exit, output: p.output(), stdout: p.stdout() };
}

/** Start `peacetalks serve` and wait until it listens. */
export async function startServe(
  env: Record<string, string | undefined> & { PORT: string },
  timeoutMs = 45_000,
): Promise<CliProcess & { url: string }> {
  const p = spawnCli(['serve'], env);
  await p.waitFor(/listening on/, timeoutMs);
  return Object.assign(p, { url: `http://127.0.0.1:${env.PORT}` });
}

export async function healthz(url: string): Promise<{ status: number; body: { status?: string } }> {
  const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: (await r.json()) as { status?: string } };
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    }),
  ]);
}

/** A process that exists and has not finished (a zombie has finished: it only waits to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !existsSync('/proc/self'); // no procfs: trust kill(0)
  }
}

export async function waitGone(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The embedded PostgreSQL of a data folder as its `postmaster.pid` names it (PID line 1, port line 4). */
export function postmaster(dataDir: string): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

/** PIDs of the PostgreSQL processes whose command line names this data folder. */
export function postgresProcesses(dataDir: string): number[] {
  const pgDir = path.join(path.resolve(dataDir), 'pg');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('/postgres')) && cmd.includes(pgDir) && isRunning(Number(entry)))
        pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

export function embeddedUrl(dataDir: string, database = 'peacetalks'): string {
  const pm = postmaster(dataDir);
  if (!pm) throw new Error(`no embedded PostgreSQL runs in ${dataDir}`);
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${pm.port}/${database}`;
}

/** Kill every process still running and stop every embedded PostgreSQL left in a data folder used. */
export async function cleanupProcesses(): Promise<void> {
  for (const p of [...children]) {
    p.child.kill('SIGKILL');
    await withTimeout(p.exited, 10_000, 'kill').catch(() => undefined);
  }
  for (const dir of dataDirs) {
    for (const pid of postgresProcesses(dir)) {
      // SIGINT is PostgreSQL's fast shutdown; SIGKILL if it does not go in time.
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        continue;
      }
      await waitGone(pid, 15_000).catch(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      });
    }
  }
}

/** A fresh folder under `.tmp/` for one test's data; removed by `removeDataDirs()`. */
export async function tempDataDir(name: string): Promise<string> {
  const dir = path.join(root, '.tmp', `lifecycle-${process.pid}`, name);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(dir), { recursive: true });
  dataDirs.add(dir);
  return dir;
}

export async function removeDataDirs(): Promise<void> {
  await cleanupProcesses();
  for (const dir of dataDirs) await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(path.join(root, '.tmp', `lifecycle-${process.pid}`), { recursive: true, force: true });
  dataDirs.clear();
}

/**
 * A copy of a stopped data folder (for example one initialised, migrated and seeded once in a
 * beforeAll), so that each test does not pay for initdb and the first-run seed again.
 * `cp -a` keeps the owner of the files, which PostgreSQL checks when running as root.
 */
export async function copyDataDir(from: string, name: string): Promise<string> {
  if (postmaster(from) && postgresProcesses(from).length) throw new Error(`${from} is in use`);
  const dir = await tempDataDir(name);
  await promisify(execFile)('cp', ['-a', from, dir]);
  return dir;
}
