import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { apiTokenFor, loginAs, postForm } from '../../../../test/support/auth.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const csv = 'kind,name,name_uk,country\ncity,Kyiv,Київ,UA\ncity,Lviv,Львів,UA\n';
const organisations = async () =>
  Number(
    (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM organisations`)).rows[0]
      .n,
  );

describe('CSV import through the web', () => {
  it('lets staff import with a form that works without JavaScript', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    const page = await t.app.inject({ url: '/directory/import', headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="import-csv">');
    expect(page.body).toContain('name="_csrf"');

    const res = await postForm(t, '/directory/import', { csv, _csrf: admin.csrf }, { cookie: admin.cookie });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/directory/import?created=2&updated=0&unchanged=0');
    const done = await t.app.inject({
      url: res.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(done.body).toContain('Imported: 2 created, 0 updated, 0 unchanged.');

    const again = await postForm(
      t,
      '/directory/import',
      { csv, _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(again.headers.location).toBe('/directory/import?created=0&updated=0&unchanged=2');
  });

  it('shows every bad row with its line and writes nothing', async () => {
    const admin = await loginAs(t, { role: 'secretariat' });
    const before = await organisations();
    const bad = 'kind,name,country\ncity,Odesa,UA\ncity,Kharkiv,UA\ntown,Nowhere,UA\n';
    const res = await postForm(
      t,
      '/directory/import',
      { csv: bad, _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<td>4<\/td><td>kind must be one of/);
    expect(res.body).toContain('Odesa'); // the text is kept for correction
    expect(await organisations()).toBe(before);
  });

  it('refuses members and visitors', async () => {
    const member = await loginAs(t, { role: 'member' });
    expect(
      (await t.app.inject({ url: '/directory/import', headers: { cookie: member.cookie } })).statusCode,
    ).toBe(403);
    const res = await postForm(
      t,
      '/directory/import',
      { csv, _csrf: member.csrf },
      { cookie: member.cookie },
    );
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/directory/import' })).statusCode).toBe(401);
  });

  it('has a JSON route that needs a token with the write scope', async () => {
    const token = await apiTokenFor(t, 'admin', ['write']);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/import',
      headers: { authorization: `Bearer ${token}` },
      payload: { csv: 'member,group,status\nKyiv,Lviv,active\n' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ form: 'memberships', applied: true, created: 1 });

    const rejected = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/import',
      headers: { authorization: `Bearer ${token}` },
      payload: { csv: 'member,group\nKyiv,Nowhere\n' },
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({ applied: false, rejected: [{ line: 2 }] });

    const wrongColumns = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/import',
      headers: { authorization: `Bearer ${token}` },
      payload: { csv: 'member,group,colour\n' },
    });
    expect(wrongColumns.statusCode).toBe(400);
    expect(wrongColumns.json()).toMatchObject({
      error: { code: 'invalid_csv', details: { columns: ['colour'] } },
    });

    const readOnly = await apiTokenFor(t, 'admin', ['read']);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/import',
      headers: { authorization: `Bearer ${readOnly}` },
      payload: { csv },
    });
    expect(refused.statusCode).toBe(403);
  });
});
