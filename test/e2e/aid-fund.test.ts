import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newContext, type RunningApp, startApp } from './support.ts';

/**
 * Issue 4 end to end, in Chromium, once with JavaScript and once without: a community member
 * posts a need, a member offers goods, the aid centre allocates and ships, the community
 * confirms a delivery with a shortfall; the Solidarity Fund's money is offered, allocated to
 * the need (a grant commitment); a treasurer records a contribution and a disbursement above
 * the approval threshold, which a second treasurer approves; the public accounts page shows
 * the disbursement. axe-core checks every page visited.
 */

let app: RunningApp;
let browser: Browser;
const ADMIN = { email: 'admin@example.org', password: 'correct horse battery staple 42' };
const PASSWORD = 'a long and patient passphrase 9';
const org: Record<string, string> = {};
const people = {
  kharkiv: 'olena.kharkiv@example.org',
  lviv: 'taras.lviv@example.org',
  coordinator: 'iryna.centre@example.org',
  treasurer: 'marta.treasurer@example.org',
  treasurer2: 'paul.treasurer@example.org',
};

async function orgId(name: string): Promise<string> {
  const r = await fetch(`${app.url}/api/v1/directory/search?q=${encodeURIComponent(name)}`);
  const found = ((await r.json()) as { organisations: { id: string; name: string }[] }).organisations.find(
    (o) => o.name === name,
  );
  if (!found) throw new Error(`${name} is not in the demo network`);
  return found.id;
}

async function submit(page: Page, button: ReturnType<Page['locator']>) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), button.click()]);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await page.locator('form[action="/logout"]').waitFor();
}

/** The admin invites someone with a role; they set their password from the mail in the outbox. */
async function invite(admin: Page, email: string, role: string, scopeOrgId = '') {
  await admin.goto(`${app.url}/admin/users`);
  const form = admin.locator('form[action="/admin/users"][method="post"]');
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="name"]').fill(email.split('@')[0]);
  await form.locator('select[name="role"]').selectOption(role);
  await form.locator('input[name="scopeOrgId"]').fill(scopeOrgId);
  await submit(admin, form.locator('button[type="submit"]'));
  await admin.goto(`${app.url}/admin/outbox`);
  const html = await admin.content();
  const link = new RegExp(`To: ${email.replace(/\./g, '\\.')}[\\s\\S]*?(/invitations/[A-Za-z0-9_-]+)`).exec(
    html,
  );
  if (!link) throw new Error(`no invitation of ${email} in the outbox`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}${link[1]}`);
  await page.fill('input[name="password"]', PASSWORD);
  await page.fill('input[name="confirm"]', PASSWORD);
  await Promise.all([page.waitForLoadState('load'), page.click('form button[type="submit"]')]);
  await page.locator('form[action="/logout"]').waitFor();
  await context.close();
}

/** The public figure "disbursed" of /fund, in minor units. */
async function disbursedOnFundPage(page: Page): Promise<number> {
  await page.goto(`${app.url}/fund`);
  const text = await page
    .locator('ul.figures li', { hasText: /disbursed/i })
    .locator('strong')
    .first()
    .textContent();
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

beforeAll(async () => {
  app = await startApp('aid-fund');
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
  org.kharkiv = await orgId('Kharkiv');
  org.lviv = await orgId('Lviv');
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  await invite(admin, people.kharkiv, 'member', org.kharkiv);
  await invite(admin, people.lviv, 'member', org.lviv);
  await invite(admin, people.coordinator, 'aid_coordinator');
  await invite(admin, people.treasurer, 'treasurer');
  await invite(admin, people.treasurer2, 'treasurer');
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('the aid centre and the Solidarity Fund %s', (_label, javaScriptEnabled) => {
  const suffix = javaScriptEnabled ? 'js' : 'nojs';
  const item = `Winter blankets ${suffix}`;
  const pages: Record<keyof typeof people, Page> = {} as never;
  let needUrl = '';
  let shipmentUrl = '';

  beforeAll(async () => {
    for (const who of Object.keys(people) as (keyof typeof people)[]) {
      const context = await newContext(browser, javaScriptEnabled);
      pages[who] = await context.newPage();
      await signIn(pages[who], people[who], PASSWORD);
    }
  });

  it('a member of the community posts a need', async () => {
    const p = pages.kharkiv;
    await p.goto(`${app.url}/aid/needs/new`);
    await expectAccessible(p);
    await p.selectOption('select[name="communityOrgId"]', org.kharkiv);
    await p.selectOption('select[name="category"]', 'shelter');
    await p.fill('input[name="item"]', item);
    await p.fill('input[name="quantity"]', '100');
    await p.fill('input[name="unit"]', 'pieces');
    await p.selectOption('select[name="priority"]', 'high');
    await submit(p, p.locator('form[action="/aid/needs"] button[type="submit"]'));
    expect(p.url()).toMatch(/\/aid\/needs\/[0-9a-f-]{36}\?notice=posted$/);
    needUrl = p.url().split('?')[0];
    expect(await p.locator('h1').textContent()).toContain(item);
    await expect.poll(() => p.locator('main').textContent()).toContain('Open');
    await expectAccessible(p);
  });

  it('another member offers the goods', async () => {
    const p = pages.lviv;
    await p.goto(`${app.url}/aid/offers/new`);
    await expectAccessible(p);
    await p.check('input[name="kind"][value="goods"]');
    await p.selectOption('select[name="offererOrgId"]', org.lviv);
    await p.selectOption('select[name="category"]', 'shelter');
    await p.fill('input[name="item"]', item);
    await p.fill('input[name="quantity"]', '100');
    await p.fill('input[name="unit"]', 'pieces');
    await submit(p, p.locator('form[action="/aid/offers"] button[type="submit"]'));
    expect(p.url()).toMatch(/\/aid\/offers$/);
    await expect.poll(() => p.locator('main table').textContent()).toContain(item);
    await expectAccessible(p);
  });

  it('the aid centre verifies the need, allocates the offer it proposes, and ships along a corridor', async () => {
    const p = pages.coordinator;
    await p.goto(`${app.url}/aid/corridors`);
    await p.fill('input[name="name"]', `Lviv–Kharkiv ${suffix}`);
    await p.fill('input[name="originName"]', 'Lviv');
    await p.selectOption('select[name="originOrgId"]', org.lviv);
    await p.fill('input[name="destinationName"]', 'Kharkiv');
    await p.selectOption('select[name="destinationOrgId"]', org.kharkiv);
    await p.selectOption('select[name="status"]', 'restricted');
    await p.fill('textarea[name="path"]', '49.84, 24.03\n50.45, 30.52\n49.99, 36.23');
    await submit(p, p.locator('form[action="/aid/corridors"] button[type="submit"]'));
    await expect.poll(() => p.locator('main table').textContent()).toContain(`Lviv–Kharkiv ${suffix}`);
    await expectAccessible(p);

    await p.goto(needUrl);
    await expectAccessible(p);
    await submit(p, p.locator(`form[action$="/verify"] button`));
    await expect.poll(() => p.locator('main').textContent()).toContain('by iryna.centre');
    const row = p.locator('#proposals-h ~ div table tbody tr', { hasText: 'Lviv' }).first();
    await row.locator('input[name="quantity"]').fill('100');
    await submit(p, row.locator('button[type="submit"]'));
    expect(p.url()).toContain('notice=allocated');
    await expect.poll(() => p.locator('main dl').textContent()).toContain('Fully covered');
    await expectAccessible(p);

    await submit(p, p.locator(`a[href^="/aid/shipments/new"]`));
    await expectAccessible(p);
    const corridor = p.locator('select[name="corridorId"] option', { hasText: `Lviv–Kharkiv ${suffix}` });
    await p.selectOption('select[name="corridorId"]', (await corridor.getAttribute('value')) ?? '');
    await p.fill('input[name="reference"]', `SH-${suffix}`);
    await submit(p, p.locator('form[action="/aid/shipments"] button[type="submit"]'));
    shipmentUrl = p.url();
    expect(shipmentUrl).toMatch(/\/aid\/shipments\/[0-9a-f-]{36}$/);
    await expectAccessible(p);
    await submit(p, p.locator('form[action$="/transition"] button', { hasText: 'Dispatch' }));
    await expect.poll(() => p.locator('main dl').textContent()).toContain('In transit');
    await expectAccessible(p);
  });

  it('the community confirms the delivery with a shortfall, which is flagged for follow-up', async () => {
    const p = pages.kharkiv;
    await p.goto(shipmentUrl);
    await expectAccessible(p);
    await p.fill('input[name="items[0][receivedQty]"]', '90');
    await p.fill('textarea[name="note"]', 'Ten were soaked by rain');
    await submit(p, p.locator(`form[action$="/delivery"] button[type="submit"]`));
    await expect.poll(() => p.locator('main').textContent()).toContain('flagged for follow-up');
    await expectAccessible(p);
    await p.goto(needUrl);
    await expect.poll(() => p.locator('main dl').textContent()).toContain('Partly delivered');

    const c = pages.coordinator;
    await c.goto(`${app.url}/aid`);
    await expect.poll(() => c.locator('#flagged-h ~ div table').textContent()).toContain(`SH-${suffix}`);
    expect(await c.locator('main svg[role="img"]').count()).toBe(1);
    await expectAccessible(c);
  });

  it('the border city reports its reception capacity as totals only; the lists are accessible', async () => {
    const p = pages.lviv;
    await p.goto(`${app.url}/aid/capacity`);
    await expectAccessible(p);
    await p.selectOption('select[name="orgId"]', org.lviv);
    await p.fill('input[name="asOf"]', javaScriptEnabled ? '2026-11-20' : '2026-11-21');
    await p.fill('input[name="childrenAvailable"]', '40');
    await p.fill('input[name="childrenUsed"]', '12');
    await p.fill('input[name="womenAvailable"]', '60');
    await p.fill('input[name="totalAvailable"]', '150');
    await p.fill('input[name="totalUsed"]', '61');
    await submit(p, p.locator('form[action="/aid/capacity"] button[type="submit"]'));
    expect(p.url()).toMatch(/\/aid\/capacity$/);
    await expect.poll(() => p.locator('main table tbody').textContent()).toContain('Lviv');
    expect(await p.locator('main form input[name*="name" i], main form input[name*="birth" i]').count()).toBe(
      0,
    );
    for (const path of ['/aid/needs', '/aid/offers', '/aid/shipments']) {
      await p.goto(`${app.url}${path}`);
      await expectAccessible(p);
    }
  });

  it('the treasurer records a contribution; the fund offers money, which the centre allocates to the need', async () => {
    const p = pages.treasurer;
    await p.goto(`${app.url}/fund/treasury/contribution?org=${org.lviv}`);
    await expectAccessible(p);
    await p.fill('input[name="amount"]', '50000');
    await submit(p, p.locator('form[action="/fund/treasury/contribution"] button[type="submit"]'));
    expect(p.url()).toMatch(/\/fund\/transactions\/[0-9a-f-]{36}/);
    await expectAccessible(p);

    await p.goto(`${app.url}/aid/offers/new`);
    await p.check('input[name="kind"][value="money"]');
    await p.selectOption('select[name="source"]', 'fund');
    await p.selectOption('select[name="category"]', 'shelter');
    await p.fill('input[name="item"]', `Blankets bought locally ${suffix}`);
    await p.fill('input[name="amountMinor"]', '2000000');
    await p.fill('input[name="currency"]', 'EUR');
    await submit(p, p.locator('form[action="/aid/offers"] button[type="submit"]'));
    await expect
      .poll(() => p.locator('main table').textContent())
      .toContain(`Blankets bought locally ${suffix}`);

    const c = pages.coordinator;
    await c.goto(needUrl);
    const row = c.locator('#proposals-h ~ div table tbody tr', { hasText: 'Solidarity Fund' }).first();
    await row.locator('input[name="quantity"]').fill('10');
    await row.locator('input[name="amountMinor"]').fill('2000000');
    await submit(c, row.locator('button[type="submit"]'));
    expect(c.url()).toContain('notice=allocated');
    await expect.poll(() => c.locator('main').textContent()).toContain('Solidarity Fund');
    await expectAccessible(c);
  });

  it('a disbursement above the threshold waits for a second treasurer, who approves it; /fund shows it', async () => {
    const anonymous = await (await newContext(browser, javaScriptEnabled)).newPage();
    const before = await disbursedOnFundPage(anonymous);

    const p = pages.treasurer;
    await p.goto(`${app.url}/fund/treasury/disbursement?org=${org.kharkiv}`);
    await expectAccessible(p);
    await p.fill('input[name="amount"]', '15000');
    await p.fill('input[name="memo"]', `Blankets for Kharkiv ${suffix}`);
    await submit(p, p.locator('form[action="/fund/treasury/disbursement"] button[type="submit"]'));
    expect(p.url()).toContain('/fund/treasury/approvals');
    await expect.poll(() => p.locator('main').textContent()).toContain('another treasurer must approve');
    await expectAccessible(p);
    expect(await disbursedOnFundPage(anonymous)).toBe(before);

    const q = pages.treasurer2;
    await q.goto(`${app.url}/fund/treasury/approvals`);
    await expectAccessible(q);
    const row = q.locator('tr', { hasText: `Blankets for Kharkiv ${suffix}` });
    await submit(q, row.locator('form[action$="/approve"] button'));
    expect(q.url()).toMatch(/\/fund\/transactions\/[0-9a-f-]{36}/);
    await expectAccessible(q);

    expect(await disbursedOnFundPage(anonymous)).toBe(before + 1_500_000);
    await expect.poll(() => anonymous.locator('main').textContent()).toContain('Kharkiv');
    await expectAccessible(anonymous);
    await anonymous.context().close();
  });
});
