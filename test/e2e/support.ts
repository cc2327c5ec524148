import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { freePort } from '../../src/core/db/embedded.ts';

const execFileAsync = promisify(execFile);

export interface RunningApp {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  child: ChildProcess;
  cli(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** The real platform as a user starts it: `peacetalks serve` on a data folder of its own, demo data loaded. */
export async function startApp(name: string): Promise<RunningApp> {
  const dataDir = path.resolve('.tmp', `e2e-${name}-${process.pid}`);
  await fs.rm(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const env = {
    ...process.env,
    PEACETALKS_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  } as Record<string, string>;
  const child = spawn(process.execPath, ['bin/peacetalks.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start: ${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app exited (${code}): ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    env,
    child,
    cli: (...args: string[]) => execFileAsync(process.execPath, ['bin/peacetalks.js', ...args], { env }),
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * axe-core on the current page: no serious or critical violation. axe runs as a script in the
 * page, which a context without JavaScript cannot do: there the same address is loaded, with the
 * same cookies, in a twin context that allows scripts — the server sends the same HTML to both.
 */
export async function expectAccessible(page: Page): Promise<void> {
  let target = page;
  let twin: BrowserContext | undefined;
  const jsDisabled = jsDisabledContexts.has(page.context());
  if (jsDisabled) {
    const browser = page.context().browser()!;
    twin = await browser.newContext({ storageState: await page.context().storageState() });
    target = await twin.newPage();
    await target.goto(page.url());
  }
  try {
    const results = await new AxeBuilder({ page: target })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map(
        (v) =>
          `${v.id} (${v.impact}) on ${page.url()}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      ),
    ).toEqual([]);
  } finally {
    await twin?.close();
  }
}

const jsDisabledContexts = new WeakSet<BrowserContext>();

/** A browser context, with or without JavaScript, that expectAccessible knows how to check. */
export async function newContext(
  browser: Browser,
  javaScriptEnabled: boolean,
  locale = 'en-GB',
): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, locale });
  if (!javaScriptEnabled) jsDisabledContexts.add(context);
  return context;
}
