import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeOrganisation } from '../../../test/support/factories.ts';
import type { Actor } from '../../core/context.ts';
import { fundConfig } from './config.ts';
import { commitGrant, disburseGrant, recordContribution } from './service-postings.ts';

/** Who may move the fund's money, and when a payment needs a second, independent treasurer. */

const person = (role: string): Actor => ({
  userId: randomUUID(),
  email: `${role}@example.org`,
  name: role,
  roles: [{ role: role as Actor['roles'][number]['role'], scopeOrgId: null }],
  mfa: true,
});
const key = () => `k-${randomUUID()}`;

let t: TestApp;
let donor: string;
let city: string;
const T1 = person('treasurer');

beforeAll(async () => {
  t = await createTestApp();
  donor = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Ghent', country: 'BE' })).id;
  city = (await makeOrganisation(t.database.db, { kind: 'city', name: 'Irpin', country: 'UA' })).id;
  const c = t.ctx(T1);
  await recordContribution(c, {
    contributorOrgId: donor,
    amountMinor: 1_000_00,
    currency: 'EUR',
    idempotencyKey: key(),
  });
  await commitGrant(c, { communityOrgId: city, amountMinor: 500_00, currency: 'EUR', idempotencyKey: key() });
});
afterAll(async () => t?.close());

describe('the approval threshold', () => {
  it('applies at the amount itself, not only above it', async () => {
    fundConfig.set({ FUND_APPROVAL_THRESHOLD_MINOR: 50_00 });
    try {
      const at = await disburseGrant(t.ctx(T1), {
        communityOrgId: city,
        amountMinor: 50_00,
        currency: 'EUR',
        idempotencyKey: key(),
      });
      expect(at.status).toBe('pending_approval');
      const below = await disburseGrant(t.ctx(T1), {
        communityOrgId: city,
        amountMinor: 49_99,
        currency: 'EUR',
        idempotencyKey: key(),
      });
      expect(below.status).toBe('posted');
    } finally {
      fundConfig.set({ FUND_APPROVAL_THRESHOLD_MINOR: 1_000_000 });
    }
  });
});
