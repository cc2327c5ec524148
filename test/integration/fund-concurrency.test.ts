import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/modules/fund/verify.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { fundedGrant, ledgerInvariants, treasurerToken } from './fund-support.ts';

/**
 * The fund's rules under concurrency, on a real PostgreSQL through the HTTP API: the grant never
 * goes below zero however many requests arrive at once, and a retried key posts once.
 */
describe('fund postings under concurrency', () => {
  let t: TestApp;
  let token: string;
  let community: string;
  beforeAll(async () => {
    t = await createTestApp();
    const treasurer = await treasurerToken(t.database.db);
    token = treasurer.token;
    // A grant that can pay exactly 50 disbursements of 100.00.
    ({ community } = await fundedGrant(t.database.db, treasurer.actor, 50 * 100_00));
  });
  afterAll(async () => t?.close());

  const disburse = (key: string, amountMinor = 100_00) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/fund/disbursements',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
      payload: { communityOrgId: community, amountMinor, currency: 'EUR' },
    });

  it('200 simultaneous disbursements against a grant that can pay 50: exactly 50 are paid', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () => disburse(randomUUID())));
    const byStatus = new Map<number, number>();
    for (const r of results) byStatus.set(r.statusCode, (byStatus.get(r.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 201: 50, 409: 150 });
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().error.code).toBe('insufficient_funds');
    const paid = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM fund_transactions WHERE kind = 'disbursement'`,
    );
    expect(paid.rows[0].n).toBe(50);
    expect(await ledgerInvariants(t.database.db)).toEqual({ unbalanced: 0, crossed: 0 });
    const grant = await t.database.db.execute<{ balance: number }>(sql`
      SELECT b.balance FROM fund_balances b JOIN fund_accounts a ON a.id = b.account_id WHERE a.kind = 'grant'`);
    expect(Number(grant.rows[0].balance)).toBe(0);
    const v = await verifyLedger(t.database.db);
    expect(v.ok).toBe(true);
    expect(v.transactions).toBe(52);
  });

  it('10 concurrent retries of one key post once and all answer with the first result', async () => {
    const grant = await fundedGrant(t.database.db, (await treasurerToken(t.database.db)).actor, 10_00);
    community = grant.community;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => disburse(key, 7_00)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.json().transactionId)).size).toBe(1);
    const n = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM fund_transactions WHERE idempotency_key = ${key}`,
    );
    expect(n.rows[0].n).toBe(1);
    // The same key with another amount is another request: refused, nothing posted.
    const other = await disburse(key, 3_00);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_mismatch');
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('two app instances with their own connection pools on one database keep the rule', async () => {
    const second = await createTestApp();
    try {
      // The second instance talks to the first one's database through a pool of its own.
      const { connect } = await import('../../src/core/db/pool.ts');
      const otherPool = connect(t.database.url, 10);
      second.services.database = otherPool;
      const grant = await fundedGrant(t.database.db, (await treasurerToken(t.database.db)).actor, 20 * 5_00);
      const via = (app: TestApp, key: string) =>
        app.app.inject({
          method: 'POST',
          url: '/api/v1/fund/disbursements',
          headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
          payload: { communityOrgId: grant.community, amountMinor: 5_00, currency: 'EUR' },
        });
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) => via(i % 2 ? second : t, randomUUID())),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(20);
      expect(results.filter((r) => r.statusCode === 409)).toHaveLength(60);
      // One request retried on both instances at once: each round posts once, and every answer
      // is the first result (with no platform-wide lock, the key's lock alone orders them).
      const ten = await fundedGrant(t.database.db, (await treasurerToken(t.database.db)).actor, 10 * 5_00);
      for (let round = 0; round < 10; round++) {
        const key = randomUUID();
        const same = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? second : t).app.inject({
              method: 'POST',
              url: '/api/v1/fund/disbursements',
              headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
              payload: { communityOrgId: ten.community, amountMinor: 5_00, currency: 'EUR' },
            }),
          ),
        );
        expect(same.map((r) => `${r.statusCode} ${r.json().error?.code ?? ''}`.trim())).toEqual(
          Array(10).fill('201'),
        );
        expect(new Set(same.map((r) => r.json().transactionId)).size).toBe(1);
      }
      expect(await ledgerInvariants(t.database.db)).toEqual({ unbalanced: 0, crossed: 0 });
      expect((await verifyLedger(t.database.db)).ok).toBe(true);
      await otherPool.close();
    } finally {
      await second.close();
    }
  });

  it('refuses bad input to the API without posting anything', async () => {
    const before = await verifyLedger(t.database.db);
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/fund/disbursements',
        headers: { authorization: `Bearer ${token}`, ...headers },
        payload: payload as object,
      });
    const good = { communityOrgId: community, amountMinor: 1_00, currency: 'EUR' };
    const cases: [unknown, Record<string, string>, number][] = [
      [good, {}, 400], // no key
      [{ ...good, amountMinor: -1 }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, amountMinor: 1.5 }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, amountMinor: 10 ** 15 }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, currency: 'EU' }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, currency: 'ZZZ' }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, communityOrgId: 'x' }, { 'idempotency-key': randomUUID() }, 400],
      [{ ...good, idempotencyKey: 'a' }, {}, 400],
      [{ ...good, idempotencyKey: 'one-key-123' }, { 'idempotency-key': 'other-key-123' }, 400],
      [{ ...good, communityOrgId: randomUUID() }, { 'idempotency-key': randomUUID() }, 422],
    ];
    for (const [payload, headers, status] of cases) {
      const r = await post(payload, headers);
      expect({ payload, status: r.statusCode }).toEqual({ payload, status });
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/fund/contributions',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      payload: { contributorOrgId: community, amountMinor: 1, currency: 'EUR' },
    });
    expect(anonymous.statusCode).toBe(401);
    const after = await verifyLedger(t.database.db);
    expect(after).toEqual(before);
  });
});
