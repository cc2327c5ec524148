import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.ts';
import { makeOrganisation, makeSection, testCtx } from '../../../test/support/factories.ts';
import '../../../test/support/modules.ts';
import { activeMemberIds, personIdsByName, searchOrganisationRefs } from './read-api.ts';
import {
  addMembership,
  archiveOrganisation,
  createPerson,
  getOrganisation,
  listOrganisations,
  listSections,
} from './service.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let kyiv: string;
let kyivRegion: string;
let lapsed: string;
let section: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  kyiv = (await makeOrganisation(db, { name: 'Kyiv', names: { en: 'Kyiv', uk: 'Київ' }, country: 'UA' })).id;
  kyivRegion = (await makeOrganisation(db, { kind: 'region', name: 'Kyiv Oblast', country: 'UA' })).id;
  lapsed = (await makeOrganisation(db, { name: 'Lviv', country: 'UA' })).id;
  const gone = await makeOrganisation(db, { name: 'Kyivska Hromada', country: 'UA' });
  await archiveOrganisation(testCtx(db), { id: gone.id });
  section = (await makeSection(db, 'Eurasia')).id;
  await addMembership(testCtx(db), { memberId: kyiv, groupId: section });
  // Still "active" in its status, but its end date is past: not an active member.
  await addMembership(testCtx(db), {
    memberId: lapsed,
    groupId: section,
    since: '1999-01-01',
    until: '2000-01-01',
  });
  await createPerson(testCtx(db), { name: 'Vitali Klitschko', organisationId: kyiv, role: 'mayor' });
});
afterAll(async () => database?.drop());

describe('searchOrganisationRefs', () => {
  it('finds by part of a name and by a close spelling, the exact name first, never archived ones', async () => {
    const byPart = await searchOrganisationRefs(database.db, 'kyi');
    expect(byPart.map((o) => o.name)).toEqual(['Kyiv', 'Kyiv Oblast']);
    expect((await searchOrganisationRefs(database.db, 'Kyivv')).map((o) => o.id)).toContain(kyiv);
    expect((await searchOrganisationRefs(database.db, 'київ'))[0].id).toBe(kyiv);
  });

  it('filters by kind and country, names exactly when asked, and bounds the answer', async () => {
    const regions = await searchOrganisationRefs(database.db, 'kyiv', { kinds: ['region'] });
    expect(regions.map((o) => o.id)).toEqual([kyivRegion]);
    expect(await searchOrganisationRefs(database.db, 'kyiv', { countries: ['PL'] })).toEqual([]);
    const exact = await searchOrganisationRefs(database.db, 'KYIV', { exact: true });
    expect(exact.map((o) => o.id)).toEqual([kyiv]);
    expect((await searchOrganisationRefs(database.db, 'Київ', { exact: true })).map((o) => o.id)).toEqual([
      kyiv,
    ]);
    expect(await searchOrganisationRefs(database.db, 'kyi', { limit: 1 })).toHaveLength(1);
    expect((await searchOrganisationRefs(database.db, '', { countries: ['UA'] })).length).toBe(3);
  });
});

describe('the read API', () => {
  it('names a person by their exact name', async () => {
    expect(await personIdsByName(database.db, 'vitali klitschko')).toHaveLength(1);
    expect(await personIdsByName(database.db, 'Vitali')).toEqual([]);
  });

  it('gives one meaning of "active member": the list by Section, the counts and activeMemberIds agree', async () => {
    const ctx = testCtx(database.db, null);
    expect(await activeMemberIds(database.db, section)).toEqual([kyiv]);
    const listed = await listOrganisations(ctx, { section });
    expect(listed.items.map((o) => o.id)).toEqual([kyiv]);
    expect((await listSections(ctx)).find((s) => s.id === section)?.memberCount).toBe(1);
    expect((await getOrganisation(ctx, { id: section })).memberCount).toBe(1);
  });
});
