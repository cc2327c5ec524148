import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { adminActor, loginAs, type SignedIn as TestSession } from '../../../test/support/auth.ts';
import { addContact, addMembership, createOrganisation, createPerson } from './service.ts';

const SECRET_EMAIL = 'mayor.private@example.org';
const SECRET_PHONE = '+380 44 000 1111';

describe('directory API', () => {
  let t: TestApp;
  let kyiv: { id: string; updatedAt: string };
  let lviv: { id: string };
  let sectionId: string;
  let personId: string;
  let member: TestSession;
  let secretariat: TestSession;
  let coordinator: TestSession;
  let memberElsewhere: TestSession;

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = t.ctx(adminActor());
    const section = await createOrganisation(ctx, { kind: 'section', names: { en: 'Eurasia' } });
    sectionId = section.id;
    kyiv = await createOrganisation(ctx, {
      kind: 'city',
      names: { en: 'Kyiv', uk: 'Київ' },
      altNames: ['Kiev'],
      country: 'UA',
      population: 2_952_301,
    });
    lviv = await createOrganisation(ctx, { kind: 'city', names: { en: 'Lviv', uk: 'Львів' }, country: 'UA' });
    await addMembership(ctx, { memberId: kyiv.id, groupId: sectionId });
    const p = await createPerson(ctx, { name: 'Vitali Klitschko', organisationId: kyiv.id, role: 'mayor' });
    personId = p.id;
    await addContact(ctx, { personId, kind: 'email', value: SECRET_EMAIL });
    await addContact(ctx, { personId, kind: 'phone', value: SECRET_PHONE });
    member = await loginAs(t, { role: 'member', scopeOrgId: kyiv.id });
    memberElsewhere = await loginAs(t, { role: 'member', scopeOrgId: lviv.id });
    secretariat = await loginAs(t, { role: 'secretariat' });
    coordinator = await loginAs(t, { role: 'section_coordinator', scopeOrgId: sectionId });
  });
  afterAll(async () => t.close());

  const get = (url: string, s?: TestSession) =>
    t.app.inject({ method: 'GET', url, headers: s?.headers() ?? {} });
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, body: unknown, s?: TestSession) =>
    t.app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', ...(s?.headers() ?? {}) },
      payload: JSON.stringify(body),
    });
  const readRestrictedEvents = async () =>
    (
      await t.database.db.execute<{ actor_id: string; entity_id: string }>(
        sql`SELECT actor_id, entity_id FROM audit_events WHERE action = 'read_restricted' AND entity = 'directory_person_contacts'`,
      )
    ).rows;

  it('searches across spellings over HTTP', async () => {
    for (const q of ['Kiev', 'Київ', 'kyiv', 'Kyivv']) {
      const r = await get(`/api/v1/directory/search?q=${encodeURIComponent(q)}`);
      expect(r.statusCode).toBe(200);
      expect(r.json().organisations[0].id).toBe(kyiv.id);
    }
  });

  describe('restricted contact details', () => {
    const routes = () => [
      `/api/v1/directory/organisations/${kyiv.id}`,
      `/api/v1/directory/people/${personId}`,
      `/api/v1/directory/people?organisationId=${kyiv.id}`,
      '/api/v1/directory/search?q=Klitschko',
      '/api/v1/directory/search?q=Kyiv',
      '/api/v1/directory/people.csv',
      '/api/v1/directory/people.json',
      '/api/v1/directory/organisations.csv',
      '/api/v1/directory/organisations.json',
    ];

    it('are invisible to the public and to members of another organisation, and nothing is audited', async () => {
      for (const who of [undefined, memberElsewhere, coordinator]) {
        for (const url of routes()) {
          const r = await get(url, who);
          expect(r.statusCode, url).toBe(200);
          expect(r.body, url).not.toContain(SECRET_EMAIL);
          expect(r.body, url).not.toContain(SECRET_PHONE);
        }
      }
      expect(await readRestrictedEvents()).toEqual([]);
    });

    it('are visible to secretariat and to members of the organisation, and each read is audited', async () => {
      for (const who of [secretariat, member]) {
        const before = (await readRestrictedEvents()).length;
        const r = await get(`/api/v1/directory/people/${personId}`, who);
        expect(
          r
            .json()
            .contacts.map((c: { value: string }) => c.value)
            .sort(),
        ).toEqual([SECRET_PHONE, SECRET_EMAIL].sort());
        const events = await readRestrictedEvents();
        expect(events.length).toBe(before + 1);
        expect(events.at(-1)).toEqual({ actor_id: who.actor.userId, entity_id: personId });
      }
      const csv = await get('/api/v1/directory/people.csv', secretariat);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toContain(SECRET_EMAIL);
      const json = await get('/api/v1/directory/people.json', secretariat);
      expect(JSON.stringify(json.json())).toContain(SECRET_PHONE);
      const page = await get(`/api/v1/directory/organisations/${kyiv.id}`, secretariat);
      expect(page.body).toContain(SECRET_EMAIL);
    });
  });

  describe('permissions', () => {
    it('lets a member edit their own organisation but not another one', async () => {
      const own = await get(`/api/v1/directory/organisations/${kyiv.id}`);
      const ok = await send(
        'PATCH',
        `/api/v1/directory/organisations/${kyiv.id}`,
        { updatedAt: own.json().organisation.updatedAt, population: 2_952_302 },
        member,
      );
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().population).toBe(2_952_302);
      const other = await get(`/api/v1/directory/organisations/${lviv.id}`);
      const no = await send(
        'PATCH',
        `/api/v1/directory/organisations/${lviv.id}`,
        { updatedAt: other.json().organisation.updatedAt, population: 1 },
        member,
      );
      expect(no.statusCode).toBe(403);
      expect(no.json().error.code).toBe('forbidden');
      expect(
        (await get(`/api/v1/directory/organisations/${lviv.id}`)).json().organisation.population,
      ).toBeNull();
    });

    it('refuses changes without a session, and members cannot create or archive', async () => {
      const anon = await send('POST', '/api/v1/directory/organisations', {
        kind: 'city',
        names: { en: 'X' },
      });
      expect(anon.statusCode).toBe(401);
      const byMember = await send(
        'POST',
        '/api/v1/directory/organisations',
        { kind: 'city', names: { en: 'X' } },
        member,
      );
      expect(byMember.statusCode).toBe(403);
      const archive = await send('POST', `/api/v1/directory/organisations/${kyiv.id}/archive`, {}, member);
      expect(archive.statusCode).toBe(403);
    });

    it('lets a Section coordinator manage its members and memberships, nothing else', async () => {
      const created = await send(
        'POST',
        '/api/v1/directory/organisations',
        { kind: 'city', names: { en: 'Kharkiv' }, country: 'UA', sectionId },
        coordinator,
      );
      expect(created.statusCode, created.body).toBe(201);
      const list = await get(`/api/v1/directory/organisations?section=${sectionId}`);
      expect(list.json().items.map((o: { name: string }) => o.name)).toEqual(['Kharkiv', 'Kyiv']);
      const lvivMembership = await send(
        'POST',
        '/api/v1/directory/memberships',
        { memberId: lviv.id, groupId: sectionId },
        coordinator,
      );
      expect(lvivMembership.statusCode).toBe(201);
      const ended = await send(
        'POST',
        `/api/v1/directory/memberships/${lvivMembership.json().id}/end`,
        {},
        coordinator,
      );
      expect(ended.json().status).toBe('ended');
      const otherSection = await send(
        'POST',
        '/api/v1/directory/organisations',
        { kind: 'section', names: { en: 'Africa' } },
        secretariat,
      );
      const foreign = await send(
        'POST',
        '/api/v1/directory/memberships',
        { memberId: lviv.id, groupId: otherSection.json().id },
        coordinator,
      );
      expect(foreign.statusCode).toBe(403);
    });
  });

  it('detects concurrent edits with updatedAt', async () => {
    const read = (await get(`/api/v1/directory/organisations/${lviv.id}`)).json().organisation;
    const first = await send(
      'PATCH',
      `/api/v1/directory/organisations/${lviv.id}`,
      { updatedAt: read.updatedAt, acronym: 'LV' },
      secretariat,
    );
    expect(first.statusCode).toBe(200);
    const second = await send(
      'PATCH',
      `/api/v1/directory/organisations/${lviv.id}`,
      { updatedAt: read.updatedAt, acronym: 'XX' },
      secretariat,
    );
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('conflict');
    expect((await get(`/api/v1/directory/organisations/${lviv.id}`)).json().organisation.acronym).toBe('LV');
  });

  it('answers bad input with a 4xx and a code, and writes nothing', async () => {
    const count = async () =>
      Number(
        (await t.database.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM organisations`)).rows[0].n,
      );
    const audits = async () =>
      Number(
        (await t.database.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM audit_events`)).rows[0].n,
      );
    const [orgs, events] = [await count(), await audits()];
    const bad: [unknown, string][] = [
      [{ kind: 'city' }, 'validation_failed'],
      [{ kind: 'village', names: { en: 'A' } }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, country: 'XY' }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, country: 42 }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'x'.repeat(5000) } }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, lat: 91 }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, population: -1 }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, wikidataId: 'P31' }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, geonamesId: 1.5 }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, parentId: 'not-a-uuid' }, 'validation_failed'],
      [
        { kind: 'city', names: { en: 'A' }, parentId: '00000000-0000-4000-8000-000000000000' },
        'validation_failed',
      ],
      [{ kind: 'city', names: { en: 'a\u0000b' } }, 'validation_failed'],
      [{ kind: 'city', names: { en: 'A' }, extra: 1 }, 'validation_failed'],
      ['a string', 'validation_failed'],
    ];
    for (const [body, code] of bad) {
      const r = await send('POST', '/api/v1/directory/organisations', body, secretariat);
      expect(r.statusCode, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, `${JSON.stringify(body).slice(0, 80)} ${r.body}`).toBeLessThan(500);
      expect(r.json().error.code).toBe(code);
    }
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/organisations',
      headers: { 'content-type': 'application/json', ...secretariat.headers() },
      payload: '{"kind": "city",',
    });
    expect(broken.json().error.code).toBe('invalid_json');
    for (const url of [
      '/api/v1/directory/organisations/not-a-uuid',
      '/api/v1/directory/organisations/00000000-0000-4000-8000-000000000000',
      '/api/v1/directory/people/12',
      '/api/v1/directory/organisations?limit=1000',
      '/api/v1/directory/organisations?cursor=garbage',
      '/api/v1/directory/organisations?country=XX',
      '/api/v1/directory/organisations?kind=village',
      '/api/v1/directory/organisations.csv?country=XX',
      '/api/v1/directory/search',
      `/api/v1/directory/search?q=${'x'.repeat(300)}`,
    ]) {
      const r = await get(url, secretariat);
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, url).toBeLessThan(500);
      expect(typeof r.json().error.code, url).toBe('string');
    }
    const patch = await send(
      'PATCH',
      `/api/v1/directory/organisations/${kyiv.id}`,
      { population: 3 },
      secretariat,
    );
    expect(patch.json().error.code).toBe('validation_failed');
    expect([await count(), await audits()]).toEqual([orgs, events]);
  });

  it('pages through every organisation exactly once', async () => {
    const ctx = t.ctx(adminActor());
    // Names that sort together, including duplicates, so the id breaks ties.
    for (let i = 0; i < 23; i++)
      await createOrganisation(ctx, { kind: 'municipality', names: { en: `Same ${i % 4}` } });
    const all = await t.database.db.execute<{ id: string }>(
      sql`SELECT id FROM organisations WHERE archived_at IS NULL`,
    );
    const seen: string[] = [];
    let url = '/api/v1/directory/organisations?limit=7';
    for (let guard = 0; guard < 100; guard++) {
      const page = (await get(url)).json();
      seen.push(...page.items.map((o: { id: string }) => o.id));
      if (!page.nextCursor) break;
      url = `/api/v1/directory/organisations?limit=7&cursor=${page.nextCursor}`;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.rows.map((r) => r.id).sort());
  });

  it('describes every directory route in OpenAPI under the directory tag', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/directory'));
    expect(paths.length).toBeGreaterThanOrEqual(15);
    for (const p of paths)
      for (const op of Object.values(doc.paths[p]) as { tags: string[] }[])
        expect(op.tags).toEqual(['directory']);
  });
});
