import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newContext, type RunningApp, startApp } from './support.ts';

/**
 * Recommendations and actions as people use them, in Chromium, with JavaScript and without: the
 * public reads the tracker of the demo's founding session and an action, filters the overdue
 * ones, and follows a recommendation's timeline; the secretariat reports progress on an action
 * from its page and updates another from a CSV file (upload, preview, apply). axe-core checks
 * every page.
 */

let app: RunningApp;
let browser: Browser;
const ADMIN = { email: 'secretariat@example.org', password: 'correct horse battery staple 43' };

beforeAll(async () => {
  app = await startApp('talks-actions');
  await app.cli(
    'admin',
    'create',
    '--email',
    ADMIN.email,
    '--name',
    'Sam Secretariat',
    '--password',
    ADMIN.password,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(page: Page) {
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('recommendations and actions %s', (_label, javaScriptEnabled) => {
  let reader: Page;
  let staff: Page;

  beforeAll(async () => {
    reader = await (await newContext(browser, javaScriptEnabled)).newPage();
    staff = await (await newContext(browser, javaScriptEnabled)).newPage();
    await signIn(staff);
  });

  it('the public reads the tracker, filters it, opens an action and a recommendation’s timeline', async () => {
    await reader.goto(`${app.url}/actions`);
    await expectAccessible(reader);
    expect(await reader.locator('table.data tbody tr').count()).toBeGreaterThanOrEqual(6);
    await reader.selectOption('#t-status', 'in_progress');
    await Promise.all([
      reader.waitForURL(/status=in_progress/),
      reader.click('form.filters button[type="submit"]'),
    ]);
    expect(await reader.locator('table.data tbody tr').count()).toBe(2);
    await Promise.all([
      reader.waitForURL(/\/talks\/actions\//),
      reader.locator('table.data tbody a').first().click(),
    ]);
    await expectAccessible(reader);
    expect(await reader.locator('progress').count()).toBeGreaterThanOrEqual(1);
    await reader.click('a[href$="/recommendations"]');
    await reader.waitForURL(/\/recommendations$/);
    await expectAccessible(reader);
    await Promise.all([
      reader.waitForURL(/\/talks\/recommendations\//),
      reader.locator('a[href^="/talks/recommendations/"]').first().click(),
    ]);
    await expectAccessible(reader);
    expect(await reader.content()).toContain('Recommendation made in');
  });

  it('the secretariat reports progress from the action page', async () => {
    // The demo has one proposed action: the first run accepts it, the second starts an accepted one.
    const [from, to] = javaScriptEnabled ? ['proposed', 'accepted'] : ['accepted', 'in_progress'];
    await staff.goto(`${app.url}/actions?status=${from}`);
    await Promise.all([
      staff.waitForURL(/\/talks\/actions\//),
      staff.locator('table.data tbody a').first().click(),
    ]);
    await expectAccessible(staff);
    await staff.selectOption('#u-status', to);
    await staff.fill('#u-progress', '20');
    await staff.fill('#u-note', `Agreed at the follow-up (${javaScriptEnabled ? 'js' : 'no js'})`);
    await Promise.all([
      staff.waitForURL(/notice=/),
      staff.click('form[action$="/updates"] button[type="submit"]'),
    ]);
    expect(await staff.locator('[role="status"]').textContent()).toContain('recorded');
    expect(await staff.content()).toContain(
      `Agreed at the follow-up (${javaScriptEnabled ? 'js' : 'no js'})`,
    );
    await expectAccessible(staff);
  });

  it('the secretariat updates an action from a CSV file: upload, preview, apply', async () => {
    await staff.goto(`${app.url}/actions?status=in_progress`);
    const href = await staff.locator('table.data tbody a').first().getAttribute('href');
    const id = href!.split('/').pop();
    const file = path.resolve('.tmp', `progress-${javaScriptEnabled ? 'js' : 'nojs'}.csv`);
    const progress = javaScriptEnabled ? 70 : 80;
    await fs.writeFile(
      file,
      `action_id,status,progress,note,date\n${id},,${progress},From the CSV,2022-10-01\nnot-an-id,,,,\n`,
    );
    await staff.goto(`${app.url}/actions/import`);
    await expectAccessible(staff);
    await staff.setInputFiles('#bulk-file', file);
    await Promise.all([
      staff.waitForURL(/\/actions\/import\/[0-9a-f-]{36}$/),
      staff.click('form[enctype] button[type="submit"]'),
    ]);
    await expectAccessible(staff);
    const preview = await staff.content();
    expect(preview).toContain(`→ ${progress}%`);
    expect(preview).toContain('not an action id');
    await Promise.all([
      staff.waitForLoadState('load'),
      staff.click('form[action$="/apply"] button[type="submit"]'),
    ]);
    await expect.poll(() => staff.content()).toContain('Applied on');
    await staff.goto(`${app.url}${href}`);
    expect(await staff.content()).toContain('From the CSV');
    await fs.rm(file, { force: true });
  });
});
