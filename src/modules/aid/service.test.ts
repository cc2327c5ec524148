import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs, type SignedIn } from '../../../test/support/auth.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { untrusted } from '../../core/module/use-case.ts';
import { aidPlaces } from './fixtures.test-support.ts';
import { needStatusOf } from './need-status.ts';
import { allocateOffer, listAllocations } from './service-allocations.ts';
import { reportCapacity } from './service-capacity.ts';
import { createCorridor, getCorridor, listCorridors } from './service-corridors.ts';
import { proposeOffers } from './service-matching.ts';
import { getNeed, postNeed, verifyNeed } from './service-needs.ts';
import { postOffer } from './service-offers.ts';
import {
  confirmDelivery,
  createShipment,
  listFlaggedDeliveries,
  transitionShipment,
} from './service-shipments.ts';

let t: TestApp;
let places: Awaited<ReturnType<typeof aidPlaces>>;
let coordinator: SignedIn;
let coordinator2: SignedIn;
let kharkivMember: SignedIn;
let lvivMember: SignedIn;
const as = (u: SignedIn): Ctx => t.ctx(u.actor);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  t = await createTestApp();
  places = await aidPlaces(t);
  coordinator = await loginAs(t, { role: 'aid_coordinator' });
  coordinator2 = await loginAs(t, { role: 'aid_coordinator' });
  kharkivMember = await loginAs(t, { role: 'member', scopeOrgId: places.kharkiv });
  lvivMember = await loginAs(t, { role: 'member', scopeOrgId: places.lviv });
});
afterAll(async () => t?.close());

const blankets = (quantity = 100) => ({
  communityOrgId: places.kharkiv,
  category: 'shelter' as const,
  item: 'Blankets',
  quantity,
  unit: 'pieces',
  priority: 'high' as const,
  neededBy: '2027-01-15',
});
const offerOfBlankets = (quantity: number) => ({
  kind: 'goods' as const,
  source: 'member' as const,
  offererOrgId: places.lviv,
  category: 'shelter' as const,
  item: 'Blankets',
  quantity,
  unit: 'pieces',
  availableFrom: '2026-12-01',
});

describe('needs', () => {
  it('derives the status from allocations and deliveries', () => {
    expect(needStatusOf({ quantity: 10, allocatedQty: 0, deliveredQty: 0 })).toBe('open');
    expect(needStatusOf({ quantity: 10, allocatedQty: 4, deliveredQty: 0 })).toBe('partly_covered');
    expect(needStatusOf({ quantity: 10, allocatedQty: 10, deliveredQty: 0 })).toBe('fully_covered');
    expect(needStatusOf({ quantity: 10, allocatedQty: 10, deliveredQty: 3 })).toBe('partly_delivered');
    expect(needStatusOf({ quantity: 10, allocatedQty: 10, deliveredQty: 10 })).toBe('delivered');
  });

  it('is posted by the community, not by another one, and verified by the centre', async () => {
    expect(await codeOf(postNeed(as(lvivMember), blankets()))).toBe('forbidden');
    expect(await codeOf(postNeed(t.ctx(null), blankets()))).toBe('unauthenticated');
    const need = await postNeed(as(kharkivMember), blankets());
    expect(need).toMatchObject({ status: 'open', lacking: 100, lat: 49.99, lon: 36.23, verifiedAt: null });
    expect(await codeOf(verifyNeed(as(kharkivMember), { id: need.id, version: 1 }))).toBe('forbidden');
    const verified = await verifyNeed(as(coordinator), { id: need.id, version: 1 });
    expect(verified.verifiedAt).not.toBeNull();
    expect(verified.verifiedByName).toBe(coordinator.actor.name);
    expect(await codeOf(verifyNeed(as(coordinator), { id: need.id, version: 1 }))).toBe('conflict');
  });

  it('refuses bad input without writing anything', async () => {
    const before = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM aid_needs`);
    for (const bad of [
      { ...blankets(), quantity: -1 },
      { ...blankets(), quantity: 1.5 },
      { ...blankets(), category: 'weapons' },
      { ...blankets(), item: '' },
      { ...blankets(), lat: 91, lon: 0 },
      { ...blankets(), lat: 10 },
      { ...blankets(), neededBy: '2027-02-30' },
      { ...blankets(), extra: 'field' },
    ]) {
      expect(await codeOf(postNeed(as(kharkivMember), untrusted(bad)))).toBe('validation_failed');
    }
    expect(
      await codeOf(postNeed(as(coordinator), { ...blankets(), communityOrgId: crypto.randomUUID() })),
    ).toBe('unknown_reference');
    const after = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM aid_needs`);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });
});

describe('allocation', () => {
  it('never exceeds what the need lacks or what the offer has left', async () => {
    const need = await postNeed(as(kharkivMember), blankets(30));
    const offer = await postOffer(as(lvivMember), offerOfBlankets(50));
    expect(
      await codeOf(allocateOffer(as(lvivMember), { needId: need.id, offerId: offer.id, quantity: 5 })),
    ).toBe('forbidden');
    expect(
      await codeOf(allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 31 })),
    ).toBe('over_allocation');
    await allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 20 });
    expect((await getNeed(t.ctx(), { id: need.id })).status).toBe('partly_covered');
    expect(
      await codeOf(allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 11 })),
    ).toBe('over_allocation');
    await allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 10 });
    expect((await getNeed(t.ctx(), { id: need.id })).status).toBe('fully_covered');
  });

  it('two coordinators taking the last 10 units at once: one succeeds, the other gets a conflict', async () => {
    const offer = await postOffer(as(lvivMember), offerOfBlankets(10));
    const a = await postNeed(as(kharkivMember), blankets(10));
    const b = await postNeed(as(kharkivMember), blankets(10));
    // Each use case runs its own transaction on its own pooled connection.
    const results = await Promise.allSettled([
      allocateOffer(as(coordinator), { needId: a.id, offerId: offer.id, quantity: 10 }),
      allocateOffer(as(coordinator2), { needId: b.id, offerId: offer.id, quantity: 10 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(['over_allocation', 'conflict']).toContain((failed.reason as AppError).code);
    const totals = await t.database.db.execute<{ allocated: string; sum: string }>(sql`
      SELECT f.allocated, (SELECT sum(quantity) FROM aid_allocations WHERE offer_id = f.id) AS sum
      FROM aid_offers f WHERE f.id = ${offer.id}`);
    expect(Number(totals.rows[0].allocated)).toBe(10);
    expect(Number(totals.rows[0].sum)).toBe(10);
  });

  it('the same race on one need from two offers covers it once', async () => {
    const need = await postNeed(as(kharkivMember), blankets(10));
    const o1 = await postOffer(as(lvivMember), offerOfBlankets(10));
    const o2 = await postOffer(as(lvivMember), offerOfBlankets(10));
    const results = await Promise.allSettled([
      allocateOffer(as(coordinator), { needId: need.id, offerId: o1.id, quantity: 10 }),
      allocateOffer(as(coordinator2), { needId: need.id, offerId: o2.id, quantity: 10 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await getNeed(t.ctx(), { id: need.id })).allocatedQty).toBe(10);
  });

  it('refuses goods in another unit', async () => {
    const need = await postNeed(as(kharkivMember), blankets(10));
    const offer = await postOffer(as(lvivMember), { ...offerOfBlankets(10), unit: 'bales' });
    expect(
      await codeOf(allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 5 })),
    ).toBe('validation_failed');
  });
});

describe('matching', () => {
  it('ranks the exact item near by before similar spellings and far offers, and skips used-up offers', async () => {
    const need = await postNeed(as(kharkivMember), {
      ...blankets(40),
      item: 'Thermal blankets',
      category: 'shelter',
      neededBy: '2026-12-20',
    });
    const near = await postOffer(as(lvivMember), { ...offerOfBlankets(40), item: 'Thermal blankets' });
    const similar = await postOffer(as(lvivMember), { ...offerOfBlankets(40), item: 'Thermal blanket' });
    const far = await postOffer(as(coordinator), {
      ...offerOfBlankets(40),
      item: 'Thermal blankets',
      offererOrgId: places.barcelona,
    });
    const late = await postOffer(as(lvivMember), {
      ...offerOfBlankets(40),
      item: 'Thermal blankets',
      availableFrom: '2027-03-01',
    });
    const otherUnit = await postOffer(as(lvivMember), {
      ...offerOfBlankets(40),
      item: 'Thermal blankets',
      unit: 'kg',
    });
    const proposals = await proposeOffers(t.ctx(), { id: need.id, limit: 20 });
    const ids = proposals.map((p) => p.offer.id);
    expect(ids[0]).toBe(near.id);
    expect(ids.indexOf(near.id)).toBeLessThan(ids.indexOf(similar.id));
    expect(ids.indexOf(near.id)).toBeLessThan(ids.indexOf(far.id));
    expect(ids.indexOf(near.id)).toBeLessThan(ids.indexOf(late.id));
    expect(ids).not.toContain(otherUnit.id);
    const first = proposals[0];
    expect(first).toMatchObject({ itemFit: 'exact', inTime: true, canCover: 40 });
    expect(first.distanceKm).toBeGreaterThan(800);
    expect(proposals.find((p) => p.offer.id === similar.id)?.itemFit).toBe('similar');
    expect(proposals.find((p) => p.offer.id === late.id)?.inTime).toBe(false);
    await allocateOffer(as(coordinator), { needId: need.id, offerId: near.id, quantity: 40 });
    expect(await proposeOffers(t.ctx(), { id: need.id })).toEqual([]);
  });
});

describe('shipments and deliveries', () => {
  it('follows the workflow, and a shortfall is flagged and owed to the need again', async () => {
    const need = await postNeed(as(kharkivMember), blankets(50));
    const offer = await postOffer(as(lvivMember), offerOfBlankets(50));
    const alloc = await allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 50 });
    const corridor = await createCorridor(as(coordinator), {
      name: `Lviv–Kharkiv ${crypto.randomUUID().slice(0, 6)}`,
      originName: 'Lviv',
      destinationName: 'Kharkiv',
      originOrgId: places.lviv,
      destinationOrgId: places.kharkiv,
      path: [
        [24.03, 49.84],
        [30.52, 50.45],
        [36.23, 49.99],
      ],
      status: 'open',
    });
    expect(
      await codeOf(
        createShipment(as(coordinator), {
          corridorId: corridor.id,
          items: [{ allocationId: alloc.id, quantity: 51 }],
        }),
      ),
    ).toBe('over_allocation');
    const s = await createShipment(as(coordinator), {
      corridorId: corridor.id,
      items: [{ allocationId: alloc.id, quantity: 50 }],
    });
    expect(s.status).toBe('preparing');
    // Not yet on its way: nothing to confirm.
    expect(
      await codeOf(
        confirmDelivery(as(kharkivMember), {
          id: s.id,
          items: [{ shipmentItemId: s.items[0].id, receivedQty: 50 }],
        }),
      ),
    ).toBe('invalid_transition');
    expect(
      await codeOf(transitionShipment(as(coordinator), { id: s.id, action: 'return', version: 1 })),
    ).toBe('invalid_transition');
    const moving = await transitionShipment(as(coordinator), { id: s.id, action: 'dispatch', version: 1 });
    expect(moving.status).toBe('in_transit');
    expect(
      await codeOf(transitionShipment(as(coordinator), { id: s.id, action: 'cancel', version: 2 })),
    ).toBe('invalid_transition');
    // Only the receiving community confirms.
    expect(
      await codeOf(
        confirmDelivery(as(lvivMember), {
          id: s.id,
          items: [{ shipmentItemId: s.items[0].id, receivedQty: 50 }],
        }),
      ),
    ).toBe('forbidden');
    expect(
      await codeOf(
        confirmDelivery(as(kharkivMember), {
          id: s.id,
          items: [{ shipmentItemId: s.items[0].id, receivedQty: 51 }],
        }),
      ),
    ).toBe('validation_failed');
    const done = await confirmDelivery(as(kharkivMember), {
      id: s.id,
      items: [{ shipmentItemId: s.items[0].id, receivedQty: 44 }],
      note: 'Six were soaked',
    });
    expect(done.status).toBe('delivered');
    expect(done.delivery).toMatchObject({ sentQty: 50, receivedQty: 44, flagged: true });
    const after = await getNeed(t.ctx(), { id: need.id });
    expect(after).toMatchObject({
      deliveredQty: 44,
      allocatedQty: 44,
      lacking: 6,
      status: 'partly_delivered',
    });
    const flagged = await listFlaggedDeliveries(as(coordinator));
    expect(flagged.map((d) => d.shipmentId)).toContain(s.id);
    expect((await listAllocations(t.ctx(), { needId: need.id }))[0]).toMatchObject({
      receivedQty: 44,
      lostQty: 6,
    });
  });

  it('a cancelled shipment frees its allocation to be shipped again; a full delivery closes the need', async () => {
    const need = await postNeed(as(kharkivMember), blankets(8));
    const offer = await postOffer(as(lvivMember), offerOfBlankets(8));
    const alloc = await allocateOffer(as(coordinator), { needId: need.id, offerId: offer.id, quantity: 8 });
    const s1 = await createShipment(as(coordinator), { items: [{ allocationId: alloc.id, quantity: 8 }] });
    expect(
      await codeOf(createShipment(as(coordinator), { items: [{ allocationId: alloc.id, quantity: 1 }] })),
    ).toBe('over_allocation');
    await transitionShipment(as(coordinator), { id: s1.id, action: 'cancel', version: 1 });
    const s2 = await createShipment(as(coordinator), { items: [{ allocationId: alloc.id, quantity: 8 }] });
    await transitionShipment(as(coordinator), { id: s2.id, action: 'dispatch', version: 1 });
    const done = await confirmDelivery(as(kharkivMember), {
      id: s2.id,
      items: [{ shipmentItemId: s2.items[0].id, receivedQty: 8 }],
    });
    expect(done.delivery?.flagged).toBe(false);
    expect((await getNeed(t.ctx(), { id: need.id })).status).toBe('delivered');
  });
});

describe('corridors', () => {
  it('shows exact coordinates only to the centre, and audits each read', async () => {
    const c = await createCorridor(as(coordinator), {
      name: `Przemyśl–Lviv ${crypto.randomUUID().slice(0, 6)}`,
      originName: 'Przemyśl',
      destinationName: 'Lviv',
      originOrgId: places.przemysl,
      destinationOrgId: places.lviv,
      path: [
        [22.77, 49.78],
        [23.5, 49.8],
        [24.03, 49.84],
      ],
      status: 'restricted',
    });
    for (const reader of [t.ctx(null), as(kharkivMember)]) {
      const one = await getCorridor(reader, { id: c.id });
      expect(one).not.toHaveProperty('path');
      expect(one.origin).toEqual([22.77, 49.78]);
      expect((await listCorridors(reader)).every((x) => !('path' in x))).toBe(true);
    }
    const count = async () =>
      Number(
        (
          await t.database.db.execute<{ n: string }>(
            sql`SELECT count(*) AS n FROM audit_events WHERE action = 'read_restricted' AND entity = 'aid_corridor'`,
          )
        ).rows[0].n,
      );
    const before = await count();
    expect((await getCorridor(as(coordinator), { id: c.id })).path).toEqual([
      [22.77, 49.78],
      [23.5, 49.8],
      [24.03, 49.84],
    ]);
    expect(await count()).toBe(before + 1);
  });
});

describe('reception capacity', () => {
  const report = (extra: Record<string, unknown> = {}) => ({
    orgId: places.przemysl,
    asOf: '2026-11-20',
    childrenAvailable: 40,
    childrenUsed: 12,
    womenAvailable: 60,
    womenUsed: 30,
    youngAvailable: 20,
    youngUsed: 5,
    elderlyAvailable: 10,
    elderlyUsed: 10,
    totalAvailable: 150,
    totalUsed: 60,
    ...extra,
  });
  it('keeps aggregates by group; a second report of the day replaces the first', async () => {
    const centre = as(coordinator);
    await reportCapacity(centre, report());
    const r = await reportCapacity(centre, report({ totalUsed: 61 }));
    expect(r.groups.total).toEqual({ available: 150, used: 61 });
    expect(r.groups.children).toEqual({ available: 40, used: 12 });
  });
  it('refuses names, birth dates or any other field about people', async () => {
    const before = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM aid_capacity`);
    for (const extra of [
      { names: ['Olena K.'] },
      { birthDate: '2015-03-02' },
      { people: [{ name: 'Ivan', dob: '2001-01-01' }] },
      { passport: 'FX123' },
    ]) {
      expect(await codeOf(reportCapacity(as(coordinator), report({ asOf: '2026-11-21', ...extra })))).toBe(
        'personal_data_refused',
      );
    }
    const after = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM aid_capacity`);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });
  it('refuses a group larger than the total', async () => {
    expect(await codeOf(reportCapacity(as(coordinator), report({ childrenAvailable: 151 })))).toBe(
      'validation_failed',
    );
  });
});
