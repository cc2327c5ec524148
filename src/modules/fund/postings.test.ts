import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeOrganisation } from '../../../test/support/factories.ts';
import type { Actor } from '../../core/context.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { fundConfig } from './config.ts';
import { approveDisbursement, rejectDisbursement } from './service-approvals.ts';
import {
  commitGrant,
  disburseGrant,
  fundBalanceFor,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
} from './service-postings.ts';
import { verifyLedger } from './verify.ts';

const treasurer = (): Actor => ({
  userId: randomUUID(),
  email: 't@example.org',
  name: 'Treasurer',
  roles: [{ role: 'treasurer', scopeOrgId: null }],
  mfa: true,
});
const key = () => `k-${randomUUID()}`;

describe('fund postings', () => {
  let t: TestApp;
  let donor: string;
  let city: string;
  const T1 = treasurer();
  const T2 = treasurer();
  beforeAll(async () => {
    t = await createTestApp();
    donor = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Barcelona', country: 'ES' })).id;
    city = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Irpin', country: 'UA' })).id;
  });
  afterAll(async () => t.close());

  it('moves money from a contributor through the pool to a community, balanced and chained', async () => {
    const c = t.ctx(T1);
    await recordPledge(c, {
      contributorOrgId: donor,
      amountMinor: 900_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await recordContribution(c, {
      contributorOrgId: donor,
      amountMinor: 500_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await commitGrant(c, {
      communityOrgId: city,
      amountMinor: 300_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    expect(await fundBalanceFor(t.database.db, city, 'EUR')).toBe(300_00);
    const paid = await disburseGrant(c, {
      communityOrgId: city,
      amountMinor: 100_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    expect(paid.status).toBe('posted');
    await recordExpenditure(c, {
      communityOrgId: city,
      amountMinor: 50_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    await recordFee(c, { amountMinor: 2_00, currency: 'EUR', idempotencyKey: key() });
    await refundContribution(c, {
      contributorOrgId: donor,
      amountMinor: 10_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    expect(await fundBalanceFor(t.database.db, city, 'EUR')).toBe(150_00);
    const v = await verifyLedger(t.database.db);
    expect(v.ok).toBe(true);
    expect(v.transactions).toBe(7);
  });

  it('refuses what the pool or the grant cannot cover, and keeps the rules as constraints', async () => {
    const c = t.ctx(T1);
    await expect(
      commitGrant(c, {
        communityOrgId: city,
        amountMinor: 1_000_000_00,
        currency: 'EUR',
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({ code: 'insufficient_funds' });
    await expect(
      disburseGrant(c, { communityOrgId: city, amountMinor: 151_00, currency: 'EUR', idempotencyKey: key() }),
    ).rejects.toMatchObject({ code: 'insufficient_funds' });
    await expect(
      refundContribution(c, {
        contributorOrgId: donor,
        amountMinor: 491_00,
        currency: 'EUR',
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({ code: 'insufficient_funds' });
    await expect(
      t.database.db.execute(sql`UPDATE fund_balances SET balance = -1 WHERE rule = 'non_negative'`),
    ).rejects.toThrow();
    const appendOnly = { cause: { message: expect.stringMatching(/append-only/) } };
    await expect(t.database.db.execute(sql`UPDATE fund_lines SET amount = amount + 1`)).rejects.toMatchObject(
      appendOnly,
    );
    await expect(t.database.db.execute(sql`DELETE FROM fund_transactions`)).rejects.toMatchObject(appendOnly);
  });

  it('returns the first result for a retried key, and refuses the key with another request', async () => {
    const c = t.ctx(T1);
    const k = key();
    const input = { contributorOrgId: donor, amountMinor: 7_00, currency: 'EUR', idempotencyKey: k };
    const results = await Promise.all(Array.from({ length: 10 }, () => recordContribution(c, input)));
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    const n = await t.database.db.execute(
      sql`SELECT count(*)::int AS n FROM fund_transactions WHERE idempotency_key = ${k}`,
    );
    expect(n.rows[0].n).toBe(1);
    await expect(recordContribution(c, { ...input, amountMinor: 8_00 })).rejects.toMatchObject({
      code: 'idempotency_mismatch',
    });
  });

  it('records a conversion with its rate, balanced per currency', async () => {
    const c = t.ctx(T1);
    const r = await recordContribution(c, {
      contributorOrgId: donor,
      amountMinor: 100_00,
      currency: 'USD',
      convertedTo: { currency: 'EUR', amountMinor: 92_50 },
      idempotencyKey: key(),
    });
    const row = await t.database.db.execute<{ fx_rate: string; fx_currency: string }>(
      sql`SELECT fx_rate, fx_currency FROM fund_transactions WHERE id = ${r.transactionId}`,
    );
    expect(row.rows[0]).toEqual({ fx_rate: '0.925', fx_currency: 'EUR' });
  });

  it('waits for a second approver above the threshold; the requester cannot approve', async () => {
    fundConfig.set({ FUND_APPROVAL_THRESHOLD_MINOR: 50_00 });
    const k = key();
    const input = { communityOrgId: city, amountMinor: 60_00, currency: 'EUR', idempotencyKey: k };
    const asked = await disburseGrant(t.ctx(T1), input);
    expect(asked.status).toBe('pending_approval');
    expect(await disburseGrant(t.ctx(T1), input)).toEqual(asked);
    expect(await fundBalanceFor(t.database.db, city, 'EUR')).toBe(150_00);
    await expect(approveDisbursement(t.ctx(T1), { approvalId: asked.approvalId! })).rejects.toMatchObject({
      code: 'second_approver_required',
    });
    const ok = await approveDisbursement(t.ctx(T2), { approvalId: asked.approvalId! });
    expect(await disburseGrant(t.ctx(T1), input)).toEqual({
      transactionId: ok.transactionId,
      status: 'posted',
    });
    expect(await fundBalanceFor(t.database.db, city, 'EUR')).toBe(90_00);
    const other = await disburseGrant(t.ctx(T1), { ...input, idempotencyKey: key() });
    await rejectDisbursement(t.ctx(T2), { approvalId: other.approvalId! });
    await expect(approveDisbursement(t.ctx(T2), { approvalId: other.approvalId! })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    fundConfig.set({ FUND_APPROVAL_THRESHOLD_MINOR: 1_000_000 });
  });

  it('reverses a transaction once, and only what the balances allow', async () => {
    const c = t.ctx(T1);
    const g = await commitGrant(c, {
      communityOrgId: city,
      amountMinor: 5_00,
      currency: 'EUR',
      idempotencyKey: key(),
    });
    const k = key();
    const r = await reverseTransaction(c, { transactionId: g.transactionId, idempotencyKey: k });
    expect(await reverseTransaction(c, { transactionId: g.transactionId, idempotencyKey: k })).toEqual(r);
    await expect(
      reverseTransaction(c, { transactionId: g.transactionId, idempotencyKey: key() }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      reverseTransaction(c, { transactionId: r.transactionId, idempotencyKey: key() }),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('refuses bad input and people without the role', async () => {
    const c = t.ctx(T1);
    const good = { contributorOrgId: donor, amountMinor: 1, currency: 'EUR', idempotencyKey: key() };
    for (const bad of [
      { ...good, amountMinor: 0 },
      { ...good, amountMinor: -5 },
      { ...good, amountMinor: 1.5 },
      { ...good, currency: 'XXY' },
      { ...good, idempotencyKey: 'short' },
      { ...good, contributorOrgId: 'nope' },
      { ...good, extra: 1 },
    ]) {
      await expect(recordContribution(c, bad)).rejects.toMatchObject({ code: 'validation_failed' });
    }
    await expect(recordContribution(c, { ...good, contributorOrgId: randomUUID() })).rejects.toMatchObject({
      code: 'unknown_reference',
    });
    await expect(recordContribution(t.ctx(null), good)).rejects.toMatchObject({ code: 'unauthenticated' });
    const member: Actor = { ...T1, roles: [{ role: 'member', scopeOrgId: null }] };
    await expect(recordContribution(t.ctx(member), good)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it("posts a grant in the caller's transaction: a refusal leaves it usable, and it rolls back with it", async () => {
    const c = t.ctx(T1);
    const k = key();
    const input = { communityOrgId: city, amountMinor: 1_00, currency: 'EUR', idempotencyKey: k };
    const count = async (q: ReturnType<typeof sql>) =>
      (await t.database.db.execute<{ n: number }>(q)).rows[0].n;
    const posted = sql`SELECT count(*)::int AS n FROM fund_transactions WHERE idempotency_key = ${k}`;
    const audited = sql`SELECT count(*)::int AS n FROM audit_events
      WHERE entity = 'fund_transaction' AND after->>'idempotencyKey' = ${k}`;
    await expect(
      inTransaction(t.database.db, async (tx) => {
        const over = { ...input, amountMinor: 1_000_000_00, idempotencyKey: key() };
        await expect(commitGrant({ ...c, db: tx }, over)).rejects.toMatchObject({
          code: 'insufficient_funds',
        });
        await commitGrant({ ...c, db: tx }, input);
        throw new Error('the caller fails');
      }),
    ).rejects.toThrow('the caller fails');
    expect([await count(posted), await count(audited)]).toEqual([0, 0]);
    await inTransaction(t.database.db, (tx) => commitGrant({ ...c, db: tx }, input));
    expect([await count(posted), await count(audited)]).toEqual([1, 1]);
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });
});
