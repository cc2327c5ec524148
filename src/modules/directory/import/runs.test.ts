import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { apiTokenFor, loginAs } from '../../../../test/support/auth.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const count = async () =>
  Number(
    (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM organisations`)).rows[0]
      .n,
  );

/** A multipart body with one file field, as a browser sends it. */
function multipart(filename: string, content: string | Buffer) {
  const boundary = '----peacetalks-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('CSV import of a file as a background job', () => {
  it('imports an uploaded file and shows its summary; the same file again changes nothing', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    const page = await t.app.inject({ url: '/directory/imports', headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');

    const csv = 'kind,name,name_fr,country\ncity,Odesa,Odessa,UA\ncity,Kherson,Kherson,UA\n';
    const before = await count();
    const up = multipart('cities.csv', csv);
    const res = await t.app.inject({
      method: 'POST',
      url: `/directory/imports?_csrf=${encodeURIComponent(admin.csrf)}`,
      payload: up.payload,
      headers: { ...up.headers, cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(303);
    const run = await t.app.inject({
      url: res.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(run.statusCode).toBe(200);
    expect(run.body).toContain('Done');
    expect(run.body).toContain('Imported: 2 created, 0 updated, 0 unchanged.');
    expect(await count()).toBe(before + 2);

    const again = await t.app.inject({
      method: 'POST',
      url: `/directory/imports?_csrf=${encodeURIComponent(admin.csrf)}`,
      payload: up.payload,
      headers: { ...up.headers, cookie: admin.cookie },
    });
    const second = await t.app.inject({
      url: again.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(second.body).toContain('Imported: 0 created, 0 updated, 2 unchanged.');
    expect(await count()).toBe(before + 2);
  });

  it('refuses an upload without the CSRF token', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    const up = multipart('cities.csv', 'kind,name\ncity,Nowhere\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/directory/imports',
      payload: up.payload,
      headers: { ...up.headers, cookie: admin.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(
      await t.database.db.execute(
        sql`SELECT 1 FROM import_runs WHERE filename = 'cities.csv' AND content LIKE '%Nowhere%'`,
      ),
    ).toHaveProperty('rows.length', 0);
  });

  it('reports malformed rows with their line numbers and writes nothing', async () => {
    const token = await apiTokenFor(t, 'secretariat', ['read', 'write']);
    const before = await count();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/imports',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        filename: 'bad.csv',
        csv: 'kind,name,country,population\ncity,Good Town,FR,100\ncity,Bad Town,FR,-5\ncity,,FR,1\n',
      },
    });
    expect(res.statusCode).toBe(202);
    const run = await t.app.inject({
      url: `/api/v1/directory/imports/${res.json().id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = run.json();
    expect(body.status).toBe('rejected');
    expect(body.summary.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(await count()).toBe(before);
  });

  it('refuses binary files and members', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    const up = multipart('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x00]));
    const res = await t.app.inject({
      method: 'POST',
      url: `/directory/imports?_csrf=${encodeURIComponent(admin.csrf)}`,
      payload: up.payload,
      headers: { ...up.headers, cookie: admin.cookie, accept: 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_csv');

    const member = await apiTokenFor(t, 'member', ['read', 'write']);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/directory/imports',
      headers: { authorization: `Bearer ${member}` },
      payload: { csv: 'kind,name\ncity,X\n' },
    });
    expect(denied.statusCode).toBe(403);
  });
});
