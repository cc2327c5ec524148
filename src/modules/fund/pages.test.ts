import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm, type SignedIn } from '../../../test/support/auth.ts';
import { makeOrganisation } from '../../../test/support/factories.ts';

const keyOf = (html: string) => /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('fund pages', () => {
  let t: TestApp;
  let donor: string;
  let city: string;
  let first: SignedIn;
  let second: SignedIn;
  beforeAll(async () => {
    t = await createTestApp({ env: { FUND_APPROVAL_THRESHOLD_MINOR: '100000' } });
    donor = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Barcelona', country: 'ES' })).id;
    city = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Bucha', country: 'UA' })).id;
    first = await loginAs(t, { role: 'treasurer', name: 'First Treasurer' });
    second = await loginAs(t, { role: 'treasurer', name: 'Second Treasurer' });
  });
  afterAll(async () => t.close());

  const form = async (who: SignedIn, path: string, fields: Record<string, string>) => {
    const page = await t.app.inject({ method: 'GET', url: path, headers: who.headers() });
    expect(page.statusCode).toBe(200);
    return postForm(
      t,
      path,
      { _csrf: who.csrf, idempotencyKey: keyOf(page.body), ...fields },
      { cookie: who.cookie },
    );
  };

  it('records a contribution, a pledge and a grant through the forms; a double submit posts once', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/fund/treasury/contribution',
      headers: first.headers(),
    });
    expect(page.body).toContain('Record a contribution received');
    expect(page.body).toMatch(/<label for="f-org">Contributor<\/label>/);
    const fields = {
      _csrf: first.csrf,
      idempotencyKey: keyOf(page.body),
      org: donor,
      amount: '5000',
      currency: 'EUR',
    };
    const a = await postForm(t, '/fund/treasury/contribution', fields, { cookie: first.cookie });
    const b = await postForm(t, '/fund/treasury/contribution', fields, { cookie: first.cookie });
    expect(a.statusCode).toBe(303);
    expect(b.headers.location).toBe(a.headers.location);
    const n = await t.database.db.execute(
      sql`SELECT count(*)::int AS n FROM fund_transactions WHERE kind = 'contribution'`,
    );
    expect(n.rows[0].n).toBe(1);
    expect(
      (await form(first, '/fund/treasury/pledge', { org: donor, amount: '700', currency: 'EUR' })).statusCode,
    ).toBe(303);
    expect(
      (await form(first, '/fund/treasury/grant', { org: city, amount: '3000', currency: 'EUR' })).statusCode,
    ).toBe(303);
  });

  it('shows what is wrong in a form without posting anything', async () => {
    const r = await form(first, '/fund/treasury/grant', { org: city, amount: '12,345.678', currency: 'EUR' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('aria-invalid="true"');
    const over = await form(first, '/fund/treasury/grant', { org: city, amount: '999999', currency: 'EUR' });
    expect(over.statusCode).toBe(409);
    expect(over.body).toContain('Not enough money');
  });

  it('makes a large disbursement wait for a second treasurer', async () => {
    const r = await form(first, '/fund/treasury/disbursement', {
      org: city,
      amount: '1500',
      currency: 'EUR',
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toContain('/fund/treasury/approvals');
    const mine = await t.app.inject({
      method: 'GET',
      url: '/fund/treasury/approvals',
      headers: first.headers(),
    });
    expect(mine.body).toContain('Your own request');
    const id = /approvals\/([0-9a-f-]{36})\/approve/.exec(
      (await t.app.inject({ method: 'GET', url: '/fund/treasury/approvals', headers: second.headers() }))
        .body,
    )?.[1];
    expect(id).toBeTruthy();
    const self = await postForm(
      t,
      `/fund/treasury/approvals/${id}/approve`,
      { _csrf: first.csrf },
      { cookie: first.cookie },
    );
    expect(self.statusCode).toBe(403);
    const ok = await postForm(
      t,
      `/fund/treasury/approvals/${id}/approve`,
      { _csrf: second.csrf },
      { cookie: second.cookie },
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/fund\/transactions\//);
  });

  it('shows the public accounts to anyone, with the flow diagram and its table', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/fund' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('€5,000.00'); // raised
    expect(r.body).toContain('€3,000.00'); // committed
    expect(r.body).toContain('€1,500.00'); // disbursed
    expect(r.body).toContain('€2,000.00'); // balance
    expect(r.body).toContain('€700.00'); // pledged, apart
    expect(r.body).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby="fund-flow-title fund-flow-desc"/);
    expect(r.body).toContain('Bucha');
    const anon = await t.app.inject({ method: 'GET', url: '/fund/treasury' });
    expect(anon.statusCode).not.toBe(200);
  });

  it('gives a monthly statement whose closing balance follows from the opening and the lines', async () => {
    const acc = await t.database.db.execute<{ id: string }>(
      sql`SELECT id FROM fund_accounts WHERE key = ${`grant:${city}:EUR`}`,
    );
    const month = new Date().toISOString().slice(0, 7);
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/fund/accounts/${acc.rows[0].id}/statement?month=${month}`,
    });
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s.opening).toBe(0);
    expect(s.lines.map((l: { amount: number }) => l.amount)).toEqual([300000, -150000]);
    expect(s.closing).toBe(150000);
    const page = await t.app.inject({
      method: 'GET',
      url: `/fund/accounts/${acc.rows[0].id}/statement?month=${month}`,
    });
    expect(page.statusCode).toBe(200);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/fund/accounts/${acc.rows[0].id}/statement?month=2026-13`,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('reverses a transaction from its page', async () => {
    const tx = await t.database.db.execute<{ id: string }>(
      sql`SELECT id FROM fund_transactions WHERE kind = 'pledge'`,
    );
    const url = `/fund/transactions/${tx.rows[0].id}`;
    const page = await t.app.inject({ method: 'GET', url, headers: first.headers() });
    expect(page.body).toContain('Reverse this transaction');
    const r = await postForm(
      t,
      `${url}/reverse`,
      { _csrf: first.csrf, idempotencyKey: keyOf(page.body), memo: 'Pledge withdrawn' },
      { cookie: first.cookie },
    );
    expect(r.statusCode).toBe(303);
    const again = await t.app.inject({ method: 'GET', url });
    expect(again.body).toContain('Reversed by');
  });
});
