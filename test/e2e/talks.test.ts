import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newContext, type RunningApp, startApp } from './support.ts';

/**
 * A Peace Talks session as people run it, in Chromium, once with JavaScript and once without:
 * a secretariat user creates a hybrid session with one seat, a member registers, a second member
 * is waitlisted, the first cancels and the second moves up, a partner (PAX) adds a contribution
 * with a key message, the secretariat publishes, and the public reads the summary in French.
 * axe-core checks every page visited.
 */

let app: RunningApp;
let browser: Browser;
let paxId: string;
const ADMIN = { email: 'admin@example.org', password: 'correct horse battery staple 42' };
const PASSWORD = 'a long talks passphrase 9';

beforeAll(async () => {
  app = await startApp('talks');
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
  const found = await fetch(`${app.url}/api/v1/directory/search?q=PAX`).then((r) => r.json());
  paxId = found.organisations.find((o: { acronym: string | null }) => o.acronym === 'PAX').id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Submit the form a button belongs to and wait for the page it leads to (works with and without JavaScript). */
async function submit(page: Page, button: ReturnType<Page['locator']>) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), button.click()]);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
  await page.locator('form[action="/logout"]').waitFor();
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('a Peace Talks session %s', (_label, javaScriptEnabled) => {
  const suffix = javaScriptEnabled ? 'js' : 'nojs';
  const title = `Hybrid peace dialogue ${suffix}`;
  const titleFr = `Dialogue hybride pour la paix ${suffix}`;
  let admin: Page;
  let secretariat: Page;
  let member1: Page;
  let member2: Page;
  let partner: Page;
  let sessionUrl: string;

  /** The admin invites a user; the user accepts in a browser context of their own and is signed in. */
  async function invite(role: string, name: string, scopeOrgId = ''): Promise<Page> {
    const email = `${role}-${name.toLowerCase().replace(/\W+/g, '-')}-${suffix}@example.org`;
    await admin.goto(`${app.url}/admin/users`);
    const form = admin.locator('form[action="/admin/users"][method="post"]');
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="name"]').fill(name);
    await form.locator('select[name="role"]').selectOption(role);
    if (scopeOrgId) await form.locator('input[name="scopeOrgId"]').fill(scopeOrgId);
    await submit(admin, form.locator('button[type="submit"]'));
    expect(await admin.content()).toContain(email);
    await admin.goto(`${app.url}/admin/outbox`);
    const html = await admin.content();
    const link = new RegExp(`To: ${email.replace(/\./g, '\\.')}[\\s\\S]*?(/invitations/[A-Za-z0-9_-]+)`).exec(
      html,
    );
    expect(link, `invitation link for ${email}`).not.toBeNull();
    const page = await (await newContext(browser, javaScriptEnabled)).newPage();
    await page.goto(`${app.url}${link![1]}`);
    await page.fill('input[name="password"]', PASSWORD);
    await page.fill('input[name="confirm"]', PASSWORD);
    await submit(page, page.locator('form button[type="submit"]'));
    await page.locator('form[action="/logout"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    admin = await (await newContext(browser, javaScriptEnabled)).newPage();
    await signIn(admin, ADMIN.email, ADMIN.password);
    secretariat = await invite('secretariat', 'Sam Secretariat');
    member1 = await invite('member', 'Mona Member');
    member2 = await invite('member', 'Milo Member');
    partner = await invite('partner', 'Pat Partner', paxId);
  });

  afterAll(async () => {
    for (const p of [admin, secretariat, member1, member2, partner]) await p?.context().close();
  });

  it('a secretariat user creates a hybrid session with one seat, adds PAX as partner and announces it', async () => {
    await secretariat.goto(`${app.url}/talks`);
    await expectAccessible(secretariat);
    await submit(secretariat, secretariat.locator('main a[href="/talks/sessions/new"]').first());
    await expectAccessible(secretariat);
    await secretariat.fill('input[name="title_en"]', title);
    await secretariat.fill('input[name="title_fr"]', titleFr);
    await secretariat.fill('input[name="starts_at"]', '2031-05-12T10:00');
    await secretariat.fill('input[name="ends_at"]', '2031-05-12T13:00');
    await secretariat.selectOption('select[name="timezone"]', 'Europe/Amsterdam');
    await secretariat.selectOption('select[name="format"]', 'hybrid');
    await secretariat.fill('input[name="venue"]', 'City Hall, Spui 70');
    await secretariat.fill('input[name="venue_org"]', 'The Hague');
    await secretariat.fill('input[name="languages"]', 'en, fr');
    await secretariat.fill('input[name="capacity"]', '1');
    await secretariat.check('input[name="registration_open"]');
    await submit(
      secretariat,
      secretariat.locator('form[action="/talks/sessions/new"] button[type="submit"]'),
    );
    expect(secretariat.url()).toMatch(/\/talks\/sessions\/[0-9a-f-]{36}\?notice=created$/);
    sessionUrl = secretariat.url().split('?')[0];
    expect(await secretariat.locator('h1').textContent()).toContain(title);
    await expectAccessible(secretariat);

    await secretariat.fill('input[name="participant_org"]', 'PAX');
    await secretariat.selectOption('select[name="role"]', 'partner');
    await submit(secretariat, secretariat.locator(`form[action$="/participants"] button[type="submit"]`));
    await expect.poll(() => secretariat.locator('main').textContent()).toContain('PAX (partner)');

    await submit(secretariat, secretariat.getByRole('button', { name: 'Schedule (announce)' }));
    expect(await secretariat.locator('main dl').textContent()).toContain('scheduled');
    await expectAccessible(secretariat);
  });

  it('a member registers, a second is waitlisted, and moves up when the first cancels', async () => {
    await member1.goto(sessionUrl);
    await expectAccessible(member1);
    await member1.fill('textarea[name="accessibility_needs"]', 'Step-free access, please');
    await submit(member1, member1.getByRole('button', { name: 'Register' }));
    await expect.poll(() => member1.locator('main').textContent()).toContain('You are registered.');
    await expectAccessible(member1);

    await member2.goto(sessionUrl);
    expect(await member2.locator('main').textContent()).toContain('1 of 1 seats taken.');
    await submit(member2, member2.getByRole('button', { name: 'Join the waitlist' }));
    await expect
      .poll(() => member2.locator('main').textContent())
      .toContain('You are on the waitlist (position 1)');
    await expectAccessible(member2);

    await submit(member1, member1.getByRole('button', { name: 'Cancel registration' }));
    await expect
      .poll(() => member1.locator('main').textContent())
      .toContain('The registration is cancelled.');
    await member2.goto(sessionUrl);
    expect(await member2.locator('main').textContent()).toContain('You are registered.');

    // The secretariat sees the needs on the registrations page and checks the second member in.
    await secretariat.goto(`${sessionUrl}/registrations`);
    await expectAccessible(secretariat);
    expect(await secretariat.locator('main').textContent()).toContain('Step-free access, please');
    await submit(secretariat, secretariat.getByRole('button', { name: 'Check in' }));
    expect(await secretariat.locator('main').textContent()).toContain('Attended.');
  });

  it('a partner adds a contribution with a key message from the session page', async () => {
    await partner.goto(sessionUrl);
    await expectAccessible(partner);
    expect(await partner.locator('main').textContent()).toContain('**cities are the first respondents**');
    await partner.fill(
      'textarea[name="body_en"]',
      'PAX recalled that **cities are where peace is built first**, and asked for support to mayors.',
    );
    await partner.fill(
      'textarea[name="body_fr"]',
      'PAX a rappelé que **les villes sont le premier lieu où se construit la paix**, et a demandé un soutien aux maires.',
    );
    await submit(partner, partner.getByRole('button', { name: 'Add a contribution' }));
    await expect
      .poll(() => partner.locator('strong.key-message').allTextContents())
      .toContain('cities are where peace is built first');
    await expectAccessible(partner);
  });

  it('the secretariat publishes, and the public reads the summary in French', async () => {
    await secretariat.goto(sessionUrl);
    await submit(secretariat, secretariat.getByRole('button', { name: 'Mark as held' }));
    await submit(secretariat, secretariat.getByRole('button', { name: 'Publish' }));
    expect(await secretariat.locator('main dl').textContent()).toContain('published');
    await expectAccessible(secretariat);

    const reader = await (await newContext(browser, javaScriptEnabled, 'fr-FR')).newPage();
    await reader.goto(`${sessionUrl}/summary?lang=fr`);
    expect(await reader.getAttribute('html', 'lang')).toBe('fr');
    const text = (await reader.locator('main').textContent()) ?? '';
    expect(text).toContain(titleFr);
    expect(text).toContain('PAX');
    expect(await reader.locator('main strong').allTextContents()).toContain(
      'les villes sont le premier lieu où se construit la paix',
    );
    await expectAccessible(reader);

    // The session page itself, in French, for the public.
    await reader.goto(`${sessionUrl}?lang=fr`);
    expect(await reader.locator('h1').textContent()).toContain(titleFr);
    expect(await reader.locator('main').textContent()).toContain('publiée');
    await expectAccessible(reader);
    await reader.context().close();
  });
});
