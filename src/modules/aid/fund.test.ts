import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, type SignedIn } from '../../../test/support/auth.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { fundBalanceFor, recordContribution } from '../fund/index.ts';
import { aidPlaces } from './fixtures.test-support.ts';
import { allocateOffer, recordPayment } from './service-allocations.ts';
import { getNeed, postNeed } from './service-needs.ts';
import { postOffer } from './service-offers.ts';

/** Where the aid centre meets the Solidarity Fund's ledger, on a real database. */

let t: TestApp;
let places: Awaited<ReturnType<typeof aidPlaces>>;
let coordinator: SignedIn;
let treasurer: SignedIn;
const as = (u: SignedIn): Ctx => t.ctx(u.actor);

beforeAll(async () => {
  // Disbursements above 1,000.00 wait for a second approver.
  t = await createTestApp({ env: { FUND_APPROVAL_THRESHOLD_MINOR: '100000' } });
  places = await aidPlaces(t);
  coordinator = await loginAs(t, { role: 'aid_coordinator' });
  treasurer = await loginAs(t, { role: 'treasurer' });
  await recordContribution(as(treasurer), {
    contributorOrgId: places.barcelona,
    amountMinor: 500_000,
    currency: 'EUR',
    idempotencyKey: randomUUID(),
    memo: 'Barcelona for the aid centre',
  });
});
afterAll(async () => t?.close());

const need = (quantity: number) =>
  postNeed(as(coordinator), {
    communityOrgId: places.kharkiv,
    category: 'health',
    item: 'Insulin',
    quantity,
    unit: 'boxes',
    priority: 'critical',
  });
const fundOffer = (amountMinor: number) =>
  postOffer(as(treasurer), {
    kind: 'money',
    source: 'fund',
    category: 'health',
    item: 'Medicines bought locally',
    amountMinor,
    currency: 'EUR',
  });

describe('money of the Solidarity Fund', () => {
  it('allocating it commits a grant in the same transaction; paying it disburses, and the need counts it delivered', async () => {
    const n = await need(10);
    const o = await fundOffer(200_000);
    const a = await allocateOffer(as(coordinator), {
      needId: n.id,
      offerId: o.id,
      quantity: 10,
      amountMinor: 50_000,
    });
    expect(a.grantTransactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await fundBalanceFor(t.database.db, places.kharkiv, 'EUR')).toBe(50_000);
    const paid = await recordPayment(as(coordinator), { id: a.id });
    expect(paid).toMatchObject({ paymentStatus: 'posted', receivedQty: 10 });
    expect(paid.paymentTransactionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await fundBalanceFor(t.database.db, places.kharkiv, 'EUR')).toBe(0);
    expect((await getNeed(t.ctx(), { id: n.id })).status).toBe('delivered');
    await expect(recordPayment(as(coordinator), { id: a.id })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
  });

  it('when the pool cannot cover the grant, nothing of the allocation stays', async () => {
    const n = await need(5);
    const o = await fundOffer(10_000_000);
    const error = await allocateOffer(as(coordinator), {
      needId: n.id,
      offerId: o.id,
      quantity: 5,
      amountMinor: 9_000_000,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('insufficient_funds');
    const left = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM aid_allocations WHERE need_id = ${n.id}`,
    );
    expect(left.rows[0].n).toBe(0);
    expect((await getNeed(t.ctx(), { id: n.id })).allocatedQty).toBe(0);
  });

  it('a payment above the threshold waits for a second approver, and is not counted delivered meanwhile', async () => {
    const n = await need(4);
    const o = await fundOffer(300_000);
    const a = await allocateOffer(as(coordinator), {
      needId: n.id,
      offerId: o.id,
      quantity: 4,
      amountMinor: 250_000,
    });
    const waiting = await recordPayment(as(coordinator), { id: a.id });
    expect(waiting.paymentStatus).toBe('pending_approval');
    expect(waiting.paymentTransactionId).toBeNull();
    expect((await getNeed(t.ctx(), { id: n.id })).status).toBe('fully_covered');
    // Asking again posts nothing more: the same idempotency key finds the same request.
    expect((await recordPayment(as(coordinator), { id: a.id })).paymentStatus).toBe('pending_approval');
    const approvals = await t.database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM fund_approvals WHERE idempotency_key = ${`aid-payment:${a.id}`}`,
    );
    expect(approvals.rows[0].n).toBe(1);
  });

  it('only the centre allocates, a money allocation states its amount, and goods never touch the ledger', async () => {
    const n = await need(3);
    const o = await fundOffer(100_000);
    await expect(
      allocateOffer(as(treasurer), { needId: n.id, offerId: o.id, quantity: 3, amountMinor: 1000 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      allocateOffer(as(coordinator), { needId: n.id, offerId: o.id, quantity: 3 }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const count = async () =>
      (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM fund_transactions`))
        .rows[0].n;
    const before = await count();
    const goods = await postOffer(as(coordinator), {
      kind: 'goods',
      offererOrgId: places.lviv,
      category: 'health',
      item: 'Insulin',
      quantity: 3,
      unit: 'boxes',
    });
    const a = await allocateOffer(as(coordinator), { needId: n.id, offerId: goods.id, quantity: 3 });
    expect(a.grantTransactionId).toBeNull();
    expect(await count()).toBe(before);
  });
});
