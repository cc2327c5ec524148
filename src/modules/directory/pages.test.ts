import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { adminActor, loginAs, type SignedIn as TestSession } from '../../../test/support/auth.ts';
import { addContact, addMembership, createOrganisation, createPerson } from './service.ts';

const SECRET = 'private.line@example.org';

describe('directory pages', () => {
  let t: TestApp;
  let kyiv: { id: string; updatedAt: string };
  let lviv: { id: string; updatedAt: string };
  let personId: string;
  let sectionId: string;
  let member: TestSession;
  let memberElsewhere: TestSession;
  let secretariat: TestSession;

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = t.ctx(adminActor());
    sectionId = (await createOrganisation(ctx, { kind: 'section', names: { en: 'Europe', fr: 'Europe' } }))
      .id;
    kyiv = await createOrganisation(ctx, {
      kind: 'city',
      names: { en: 'Kyiv', uk: 'Київ' },
      altNames: ['Kiev'],
      country: 'UA',
      geonamesId: 703448,
      wikidataId: 'Q1899',
    });
    lviv = await createOrganisation(ctx, { kind: 'city', names: { en: 'Lviv' }, country: 'UA' });
    await addMembership(ctx, { memberId: kyiv.id, groupId: sectionId });
    personId = (await createPerson(ctx, { name: 'Vitali Klitschko', organisationId: kyiv.id, role: 'mayor' }))
      .id;
    await addContact(ctx, { personId, kind: 'email', value: SECRET });
    for (let i = 0; i < 55; i++)
      await createOrganisation(ctx, { kind: 'municipality', names: { en: `Hromada ${i}` }, country: 'UA' });
    member = await loginAs(t, { role: 'member', scopeOrgId: kyiv.id });
    memberElsewhere = await loginAs(t, { role: 'member', scopeOrgId: lviv.id });
    secretariat = await loginAs(t, { role: 'secretariat' });
  });
  afterAll(async () => t.close());

  const get = (url: string, s?: TestSession) =>
    t.app.inject({ method: 'GET', url, headers: s?.headers() ?? {} });
  const post = (url: string, form: Record<string, string>, s: TestSession) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...s.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form, _csrf: s.csrf }).toString(),
    });

  it('lists with filters and a keyset "next" link, and searches ranked', async () => {
    const first = await get('/directory?country=UA');
    expect(first.statusCode).toBe(200);
    const next = first.body.match(/href="(\/directory\?country=UA&amp;cursor=[^"]+)" rel="next"/);
    expect(next).not.toBeNull();
    const second = await get(next![1].replace(/&amp;/g, '&'));
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Lviv');
    const search = await get('/directory?q=Kiev');
    expect(search.body).toMatch(/<caption>[^<]*Kiev/);
    expect(search.body).toContain(`/directory/organisations/${kyiv.id}`);
    expect(search.body).toContain('hx-get="/directory"');
  });

  it('shows an organisation in every language, with links to GeoNames and Wikidata', async () => {
    const r = await get(`/directory/organisations/${kyiv.id}?lang=fr`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('lang="uk">Київ');
    expect(r.body).toContain('https://www.geonames.org/703448');
    expect(r.body).toContain('https://www.wikidata.org/wiki/Q1899');
    expect(r.body).toContain('Europe');
    expect(r.body).toContain('Vitali Klitschko');
    // No French name: the English one is shown, and said to be English.
    expect(r.body).toMatch(/<span lang="en">Kyiv<\/span>/);
  });

  it('never shows restricted contacts to the public or to members of another organisation', async () => {
    for (const who of [undefined, memberElsewhere]) {
      for (const url of [
        `/directory/organisations/${kyiv.id}`,
        `/directory/people/${personId}`,
        '/directory?q=Klitschko',
      ]) {
        const r = await get(url, who);
        expect(r.statusCode, url).toBe(200);
        expect(r.body, url).not.toContain(SECRET);
      }
    }
    const audited = await t.database.db.execute(
      sql`SELECT 1 FROM audit_events WHERE action = 'read_restricted'`,
    );
    expect(audited.rows).toEqual([]);
  });

  it('shows them to the secretariat and to members of the organisation, audited', async () => {
    for (const who of [secretariat, member]) {
      const r = await get(`/directory/organisations/${kyiv.id}`, who);
      expect(r.body).toContain(SECRET);
      const ev = await t.database.db.execute<{ entity_id: string }>(
        sql`SELECT entity_id FROM audit_events WHERE action = 'read_restricted' AND actor_id = ${who.actor.userId}`,
      );
      expect(ev.rows).toEqual([{ entity_id: personId }]);
    }
  });

  it('lets a member edit their organisation through the form, not another one', async () => {
    const form = await get(`/directory/organisations/${kyiv.id}/edit`, member);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');
    const updatedAt = form.body.match(/name="updated_at" value="([^"]+)"/)![1];
    const ok = await post(
      `/directory/organisations/${kyiv.id}/edit`,
      {
        kind: 'city',
        name_en: 'Kyiv',
        name_uk: 'Київ',
        alt_names: 'Kiev\nKiew',
        country: 'UA',
        population: '2952301',
        updated_at: updatedAt,
      },
      member,
    );
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(303);
    expect(ok.headers.location).toBe(`/directory/organisations/${kyiv.id}?notice=directory.org.saved`);
    expect((await get(ok.headers.location as string)).body).toContain('Saved.');
    expect((await get(`/directory/organisations/${lviv.id}/edit`, member)).statusCode).toBe(403);
    const no = await post(
      `/directory/organisations/${lviv.id}/edit`,
      { kind: 'city', name_en: 'Hacked', updated_at: lviv.updatedAt },
      member,
    );
    expect(no.statusCode).toBe(403);
    expect((await get(`/directory/organisations/${lviv.id}`)).body).not.toContain('Hacked');
  });

  it('shows form errors inline in the user language, keeping what was typed', async () => {
    const r = await post(
      '/directory/organisations/new?lang=fr',
      { kind: 'city', name_en: 'Odesa', country: 'ZZ', lat: '123', wikidata_id: 'nope' },
      secretariat,
    );
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('value="Odesa"');
    expect(r.body).toContain('value="nope"');
    expect(r.body).toContain('aria-invalid="true"');
    expect(r.body).toContain('La latitude est comprise entre -90 et 90.');
    const count = await t.database.db.execute(sql`SELECT 1 FROM organisations WHERE name = 'Odesa'`);
    expect(count.rows).toEqual([]);
  });

  it('creates an organisation, then reports a concurrent edit as a conflict', async () => {
    const created = await post(
      '/directory/organisations/new',
      { kind: 'city', name_en: 'Odesa', name_uk: 'Одеса', country: 'UA', section_id: sectionId },
      secretariat,
    );
    expect(created.statusCode).toBe(303);
    const id = (created.headers.location as string).match(/organisations\/([0-9a-f-]+)/)![1];
    const form = await get(`/directory/organisations/${id}/edit`, secretariat);
    const updatedAt = form.body.match(/name="updated_at" value="([^"]+)"/)![1];
    expect(
      (
        await post(
          `/directory/organisations/${id}/edit`,
          { kind: 'city', name_en: 'Odessa', updated_at: updatedAt },
          secretariat,
        )
      ).statusCode,
    ).toBe(303);
    const stale = await post(
      `/directory/organisations/${id}/edit`,
      { kind: 'city', name_en: 'Odesa!', updated_at: updatedAt },
      secretariat,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('value="Odessa"');
    const sections = await get('/directory/sections');
    expect(sections.body).toMatch(/<caption>/);
    expect(sections.body).toContain(`/directory?section=${sectionId}`);
  });

  it('adds and ends memberships and people through forms', async () => {
    const newSection = await createOrganisation(t.ctx(adminActor()), {
      kind: 'section',
      names: { en: 'Eurasia' },
    });
    const add = await post(
      `/directory/organisations/${lviv.id}/memberships`,
      { group_id: newSection.id, status: 'active' },
      secretariat,
    );
    expect(add.statusCode).toBe(303);
    const page = await get(`/directory/organisations/${lviv.id}`, secretariat);
    const end = page.body.match(/action="(\/directory\/memberships\/[0-9a-f-]+\/end)"/)![1];
    expect((await post(end, {}, secretariat)).statusCode).toBe(303);
    expect((await get(`/directory/organisations/${lviv.id}`)).body).toContain('Ended');
    const person = await post(
      '/directory/people/new',
      { name: 'Andriy Sadovyi', organisation_id: lviv.id, role: 'mayor' },
      memberElsewhere,
    );
    expect(person.statusCode).toBe(303);
    expect((await get(`/directory/organisations/${lviv.id}`)).body).toContain('Andriy Sadovyi');
    const denied = await post(
      '/directory/people/new',
      { name: 'Intruder', organisation_id: kyiv.id, role: 'mayor' },
      memberElsewhere,
    );
    expect(denied.statusCode).toBe(403);
  });

  it('answers bad ids with 400 or 404 pages', async () => {
    expect((await get('/directory/organisations/nope')).statusCode).toBe(400);
    expect((await get('/directory/organisations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/directory/people/nope')).statusCode).toBe(400);
    expect((await get('/directory?kind=village')).statusCode).toBe(400);
  });
});
