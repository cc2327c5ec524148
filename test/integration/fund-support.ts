import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createApiToken, createUser } from '../../src/core/auth/index.ts';
import type { Actor, Ctx } from '../../src/core/context.ts';
import type { DbOrTx } from '../../src/core/db/tx.ts';
import { createOrganisation } from '../../src/modules/directory/service.ts';
import { commitGrant, recordContribution } from '../../src/modules/fund/index.ts';

/** Helpers of the fund's process-level tests: a treasurer with a token, a funded grant, the ledger's invariants. */

export const ctxOf = (db: DbOrTx, actor: Actor | null): Ctx => ({
  db,
  actor,
  locale: 'en',
  now: new Date(),
  requestId: 'test',
});

export async function treasurerToken(db: DbOrTx): Promise<{ token: string; actor: Actor }> {
  const email = `treasurer-${randomUUID()}@test.example`;
  const roles = [{ role: 'treasurer' as const, scopeOrgId: null }];
  const userId = await createUser(db, { email, name: 'Treasurer', password: randomUUID(), roles });
  const actor: Actor = { userId, email, name: 'Treasurer', roles, mfa: true };
  const { token } = await createApiToken(ctxOf(db, actor), { name: 'fund test', scopes: ['write'] });
  return { token, actor };
}

/** A community whose grant holds exactly `amountMinor` (given by a contributor, committed by the treasurer). */
export async function fundedGrant(db: DbOrTx, actor: Actor, amountMinor: number, currency = 'EUR') {
  const admin: Actor = { ...actor, roles: [{ role: 'admin', scopeOrgId: null }] };
  const donor = (
    await createOrganisation(ctxOf(db, admin), { kind: 'city', names: { en: 'Donor city' }, country: 'ES' })
  ).id;
  const community = (
    await createOrganisation(ctxOf(db, admin), { kind: 'city', names: { en: 'Irpin' }, country: 'UA' })
  ).id;
  const c = ctxOf(db, actor);
  await recordContribution(c, {
    contributorOrgId: donor,
    amountMinor,
    currency,
    idempotencyKey: `seed-${randomUUID()}`,
  });
  await commitGrant(c, {
    communityOrgId: community,
    amountMinor,
    currency,
    idempotencyKey: `seed-${randomUUID()}`,
  });
  return { donor, community };
}

/** What must hold whatever happened: every transaction balances, no protected balance is crossed. */
export async function ledgerInvariants(db: DbOrTx) {
  const unbalanced = await db.execute(sql`
    SELECT transaction_id FROM fund_lines GROUP BY transaction_id, currency HAVING sum(amount) <> 0`);
  const crossed = await db.execute(sql`
    SELECT account_id FROM fund_balances
    WHERE (rule = 'non_negative' AND balance < 0) OR (rule = 'non_positive' AND balance > 0)`);
  return { unbalanced: unbalanced.rows.length, crossed: crossed.rows.length };
}
