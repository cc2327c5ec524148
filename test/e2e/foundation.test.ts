import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newContext, type RunningApp, startApp } from './support.ts';

/**
 * The foundation as people use it, in Chromium, once with JavaScript and once without: an admin
 * signs in, invites a member who accepts, searches the directory ("Kiev" finds Kyiv), creates and
 * edits an organisation, and switches to French and to Arabic. axe-core checks every page visited.
 */

let app: RunningApp;
let browser: Browser;
const ADMIN = { email: 'admin@example.org', password: 'correct horse battery staple 42' };

beforeAll(async () => {
  app = await startApp('foundation');
  await app.cli(
    'admin',
    'create',
    '--email',
    ADMIN.email,
    '--name',
    'Ada Admin',
    '--password',
    ADMIN.password,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/login`);
  await expectAccessible(page);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await expect.poll(() => page.locator('form[action="/logout"]').count()).toBe(1);
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('the foundation %s', (_label, javaScriptEnabled) => {
  const suffix = javaScriptEnabled ? 'js' : 'nojs';
  let admin: Page;

  beforeAll(async () => {
    const context = await newContext(browser, javaScriptEnabled);
    admin = await context.newPage();
  });

  it('an admin signs in', async () => {
    await signIn(admin, ADMIN.email, ADMIN.password);
    await expectAccessible(admin);
  });

  it('invites a member, who accepts the invitation', async () => {
    const email = `member-${suffix}@example.org`;
    await admin.goto(`${app.url}/admin/users`);
    await expectAccessible(admin);
    const form = admin.locator('form[action="/admin/users"][method="post"]');
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="name"]').fill(`Mila Member ${suffix}`);
    await form.locator('select[name="role"]').selectOption('member');
    await Promise.all([admin.waitForLoadState('load'), form.locator('button[type="submit"]').click()]);
    await expect.poll(() => admin.content()).toContain(email);

    // No SMTP here: the invitation waits in the outbox, which admins can read.
    await admin.goto(`${app.url}/admin/outbox`);
    await expectAccessible(admin);
    const html = await admin.content();
    const link =
      new RegExp(`To: ${email.replace('.', '\\.')}[\\s\\S]*?(/invitations/[A-Za-z0-9_-]+)`).exec(html) ??
      /(\/invitations\/[A-Za-z0-9_-]+)/.exec(html);
    expect(link, 'invitation link in the outbox').not.toBeNull();

    const memberContext = await newContext(browser, javaScriptEnabled);
    const member = await memberContext.newPage();
    await member.goto(`${app.url}${link![1]}`);
    await expectAccessible(member);
    await member.fill('input[name="password"]', 'a long member passphrase 7');
    await member.fill('input[name="confirm"]', 'a long member passphrase 7');
    await Promise.all([member.waitForLoadState('load'), member.click('form button[type="submit"]')]);
    await expect.poll(() => member.locator('form[action="/logout"]').count()).toBe(1);
    await expectAccessible(member);
    await memberContext.close();
  });

  it('finds Kyiv when searching the directory for "Kiev"', async () => {
    await admin.goto(`${app.url}/directory`);
    await expectAccessible(admin);
    await admin.fill('form[action="/directory"] input[name="q"]', 'Kiev');
    await Promise.all([
      admin.waitForURL(/q=Kiev/),
      admin.click('form[action="/directory"] button[type="submit"]'),
    ]);
    await expect.poll(() => admin.locator('main a', { hasText: 'Kyiv' }).count()).toBeGreaterThan(0);
    await expectAccessible(admin);
  });

  it('creates and edits an organisation', async () => {
    const name = `Peace City ${suffix}`;
    await admin.goto(`${app.url}/directory/organisations/new`);
    await expectAccessible(admin);
    await admin.selectOption('select[name="kind"]', 'city');
    await admin.fill('input[name="name_en"]', name);
    await admin.fill('input[name="name_fr"]', `Ville de paix ${suffix}`);
    await admin.selectOption('select[name="country"]', 'UA');
    await admin.fill('input[name="population"]', '120000');
    await Promise.all([
      admin.waitForURL(/\/directory\/organisations\/[0-9a-f-]{36}(\?notice=[\w.]+)?$/),
      admin.click('form.stacked button[type="submit"]'),
    ]);
    expect(await admin.locator('h1').textContent()).toContain(name);
    await expectAccessible(admin);

    await admin.click(`a[href$="/edit"]`);
    await admin.waitForURL(/\/edit$/);
    await expectAccessible(admin);
    await admin.fill('input[name="name_en"]', `${name} (renamed)`);
    await Promise.all([
      admin.waitForURL(/\/directory\/organisations\/[0-9a-f-]{36}(\?notice=[\w.]+)?$/),
      admin.click('form.stacked button[type="submit"]'),
    ]);
    expect(await admin.locator('h1').textContent()).toContain(`${name} (renamed)`);
  });

  it('switches to French and to Arabic, and the choice stays with the account', async () => {
    // Signed in, the switcher is a form: the choice is saved and the same page comes back.
    const choose = async (code: string) => {
      await admin.click(`form.langs button[lang="${code}"]`);
      await admin.waitForFunction((c) => document.documentElement.lang === c, code);
    };
    await admin.goto(`${app.url}/directory`);
    await choose('fr');
    expect(new URL(admin.url()).pathname).toBe('/directory');
    expect((await admin.locator('nav a[href="/directory"]').first().textContent())?.trim()).toBe('Annuaire');
    await expectAccessible(admin);

    await choose('ar');
    expect(await admin.getAttribute('html', 'dir')).toBe('rtl');
    await expectAccessible(admin);

    await admin.goto(`${app.url}/map`);
    expect(await admin.getAttribute('html', 'lang')).toBe('ar');
    await expectAccessible(admin);
    await choose('en');
    expect(await admin.getAttribute('html', 'dir')).toBe('ltr');
  });
});
