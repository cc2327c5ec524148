import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../../src/core/context.ts';
import type { DbOrTx } from '../../src/core/db/tx.ts';
import type {
  membershipStatuses,
  OrganisationKind,
  personRoleKinds,
} from '../../src/modules/directory/schema.ts';
import { addMembership, createOrganisation, createPerson } from '../../src/modules/directory/service.ts';

type MembershipStatus = (typeof membershipStatuses)[number];
type PersonRoleKind = (typeof personRoleKinds)[number];

/**
 * Records for tests, made through the parts' own use cases (so every rule and audit event holds),
 * by an administrator acting for the test. Prefer these to INSERTs in tests: a schema change then
 * touches one place.
 */
const factoryActor = (): Actor => ({
  userId: randomUUID(),
  email: 'factory@test.example',
  name: 'Test factory',
  roles: [{ role: 'admin', scopeOrgId: null }],
  mfa: true,
});

/** A context for use-case tests without HTTP: a database (or transaction), an actor, a language. */
export function testCtx(db: DbOrTx, actor: Actor | null = factoryActor(), locale: Ctx['locale'] = 'en'): Ctx {
  return { db, actor, locale, now: new Date(), requestId: 'test' };
}

let n = 0;
const unique = (prefix: string) => `${prefix} ${++n} ${randomUUID().slice(0, 6)}`;

export async function makeOrganisation(
  db: DbOrTx,
  fields: {
    kind?: OrganisationKind;
    name?: string;
    names?: Record<string, string>;
    country?: string;
    lat?: number;
    lon?: number;
  } = {},
): Promise<{ id: string; name: string }> {
  const name = fields.name ?? unique('Organisation');
  const o = await createOrganisation(testCtx(db), {
    kind: fields.kind ?? 'city',
    names: fields.names ?? { en: name },
    name,
    country: fields.country,
    lat: fields.lat,
    lon: fields.lon,
  });
  return { id: o.id, name: o.name };
}

export async function makeSection(db: DbOrTx, name?: string): Promise<{ id: string; name: string }> {
  return makeOrganisation(db, { kind: 'section', name: name ?? unique('Section') });
}

export async function makeMembership(
  db: DbOrTx,
  memberId: string,
  groupId: string,
  status: MembershipStatus = 'active',
): Promise<{ id: string }> {
  const m = await addMembership(testCtx(db), { memberId, groupId, status });
  return { id: m.id };
}

export async function makePerson(
  db: DbOrTx,
  fields: { name?: string; organisationId?: string; role?: PersonRoleKind } = {},
): Promise<{ id: string; name: string }> {
  const name = fields.name ?? unique('Person');
  const p = await createPerson(testCtx(db), {
    name,
    organisationId: fields.organisationId,
    role: fields.role,
  });
  return { id: p.id, name: p.name };
}
