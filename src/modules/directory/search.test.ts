import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { Actor } from '../../core/context.ts';
import { createOrganisation, listOrganisations, searchDirectory } from './service.ts';

const admin: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'admin@example.org',
  name: 'Admin',
  roles: [{ role: 'admin', scopeOrgId: null }],
  mfa: true,
};

describe('directory search', () => {
  let t: TestApp;
  let kyivId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const ctx = t.ctx(admin);
    const kyiv = await createOrganisation(ctx, {
      kind: 'city',
      names: { en: 'Kyiv', uk: 'Київ', fr: 'Kyiv', ru: 'Киев' },
      altNames: ['Kiev', 'Kiew'],
      country: 'UA',
      population: 2_952_301,
      lat: 50.45,
      lon: 30.52,
      geonamesId: 703448,
      wikidataId: 'Q1899',
    });
    kyivId = kyiv.id;
    await createOrganisation(ctx, {
      kind: 'city',
      names: { en: 'Barcelona', ca: 'Barcelona' },
      country: 'ES',
      population: 1_620_343,
    });
    await createOrganisation(ctx, { kind: 'region', names: { en: 'Kyivska oblast' }, country: 'UA' });
    await createOrganisation(ctx, { kind: 'city', names: { fr: 'Montréal' }, country: 'CA' });
    // Noise: many cities, so the query plans and thresholds face a realistic mix.
    for (let i = 0; i < 60; i++) {
      await createOrganisation(ctx, { kind: 'city', names: { en: `Town ${i} Kyrylivka` }, country: 'UA' });
    }
  });
  afterAll(async () => t.close());

  const top = async (q: string) => (await searchDirectory(t.ctx(null), { q, limit: 5 })).organisations;

  it.each(['Kiev', 'Київ', 'kyiv', 'KYIV', 'Kyivv', 'Киев', 'kiew'])('finds Kyiv by %s', async (q) => {
    const hits = await top(q);
    expect(hits[0]?.id).toBe(kyivId);
    expect(hits[0].names.uk).toBe('Київ');
  });

  it('matches small misspellings and prefixes, ignores accents', async () => {
    expect((await top('Barcelna'))[0]?.names.en).toBe('Barcelona');
    expect((await top('Barc'))[0]?.names.en).toBe('Barcelona');
    expect((await top('montreal'))[0]?.names.fr).toBe('Montréal');
  });

  it('returns nothing for a query without words or far from every name', async () => {
    expect(await top('!!!')).toEqual([]);
    expect(await top('Zzyzxqw')).toEqual([]);
  });

  it('filters a search by kind', async () => {
    const r = await searchDirectory(t.ctx(null), { q: 'Kyiv', kind: 'region', limit: 5 });
    expect(r.organisations.every((o) => o.kind === 'region')).toBe(true);
  });

  it('lists with a free-text filter in name order', async () => {
    const r = await listOrganisations(t.ctx(null), { q: 'Kiev' });
    expect(r.items.map((o) => o.id)).toContain(kyivId);
  });
});
