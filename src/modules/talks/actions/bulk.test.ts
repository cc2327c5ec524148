import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createTestApp, type TestApp } from '../../../../test/support/app.ts';
import { adminActor, loginAs, type SignedIn } from '../../../../test/support/auth.ts';
import { createAction } from './service-actions.ts';
import { applyBulkUpdate, previewBulkUpdate } from './service-bulk.ts';
import { addActionUpdate } from './service-updates.ts';
import { multipart, org, session } from './test-fixtures.ts';

describe('bulk progress update from CSV', () => {
  let t: TestApp;
  let staff: SignedIn;
  let memberA: SignedIn;
  let orgA: string;
  const a: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = t.ctx(adminActor());
    orgA = await org(t, 'Lviv');
    const orgB = await org(t, 'Kharkiv');
    staff = await loginAs(t, { role: 'secretariat' });
    memberA = await loginAs(t, { role: 'member', scopeOrgId: orgA });
    const s = await session(t, { status: 'published' });
    const make = async (key: string, body: Partial<z.input<typeof createAction.spec.input>>) => {
      a[key] = (await createAction(ctx, { sessionId: s, text: { en: `Action ${key}` }, ...body })).id;
    };
    await make('one', { responsibleOrgId: orgA });
    await make('two', { responsibleOrgId: orgA });
    await make('parent', { responsibleOrgId: orgA, rollup: 'plain' });
    await make('kid1', { responsibleOrgId: orgA, parentId: a.parent });
    await make('kid2', { responsibleOrgId: orgA, parentId: a.parent });
    await make('other', { responsibleOrgId: orgB });
  });
  afterAll(async () => t?.close());

  const upload = (content: string | Buffer, s: SignedIn = staff, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/talks/actions/bulk-update${query}`,
      ...withHeaders(multipart('progress.csv', content), s),
    });
  const withHeaders = (m: ReturnType<typeof multipart>, s: SignedIn) => ({
    payload: m.payload,
    headers: { ...m.headers, ...s.headers() },
  });
  const state = async () =>
    (
      await t.database.db.execute<{ id: string; status: string; progress: number }>(
        sql`SELECT id, status, progress FROM talks_actions ORDER BY id`,
      )
    ).rows;
  const updates = async () =>
    Number(
      (await t.database.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM talks_action_updates`))
        .rows[0].n,
    );

  const file = () =>
    [
      'action_id,status,progress,note,date',
      `${a.one},accepted,25,Kick-off meeting held,2022-06-01`,
      `${a.kid1},in_progress,50,,2022-06-02`, // proposed → in_progress is not allowed
      `${a.kid2},,80,"A note
over two lines",2022-06-03`,
      `${a.two},,150,,2022-06-01`,
      `not-an-id,accepted,10,,2022-06-01`,
      `${a.one},deferred,,,2022-06-05`,
      `${a.parent},,40,,2022-06-01`,
      `${a.two},,,Just a note,2022-02-30`,
      `00000000-0000-4000-8000-000000000000,accepted,,,2022-06-01`,
      '',
    ].join('\n');

  it('previews every change and every rejected row with its line, writing nothing', async () => {
    const before = await state();
    const res = await upload(file());
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p.appliedAt).toBeNull();
    expect(p.changes.map((c: { line: number }) => c.line)).toEqual([2, 4]);
    expect(p.changes[0]).toMatchObject({
      statusFrom: 'proposed',
      statusTo: 'accepted',
      progressFrom: 0,
      progressTo: 25,
      note: 'Kick-off meeting held',
    });
    expect(p.changes[1]).toMatchObject({
      statusTo: null,
      progressFrom: 0,
      progressTo: 80,
      note: 'A note\nover two lines',
    });
    const reasons = Object.fromEntries(
      p.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason]),
    );
    expect(Object.keys(reasons).map(Number)).toEqual([3, 6, 7, 8, 9, 10, 11]);
    expect(reasons[3]).toContain('proposed to in_progress');
    expect(reasons[6]).toContain('between 0 and 100');
    expect(reasons[7]).toContain('not an action id');
    expect(reasons[8]).toContain('already on line 2');
    expect(reasons[9]).toContain('sub-actions');
    expect(reasons[10]).toContain('date');
    expect(reasons[11]).toContain('no such action');
    expect(await state()).toEqual(before);
  });

  it('applies in one transaction, rolls up parents, and changes nothing the second time', async () => {
    const preview = (await upload(file())).json();
    const applied = await t.app.inject({
      method: 'POST',
      url: `/api/v1/talks/actions/bulk-update/${preview.id}/apply`,
      headers: staff.headers(),
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().changes).toHaveLength(2);
    expect(applied.json().rolledUp).toBe(1);
    const after = await state();
    const by = Object.fromEntries(after.map((r) => [r.id, r]));
    expect(by[a.one]).toMatchObject({ status: 'accepted', progress: 25 });
    expect(by[a.kid2].progress).toBe(80);
    expect(by[a.parent].progress).toBe(40); // plain: (0 + 80) / 2
    const n = await updates();
    const events = await t.database.db.execute(
      sql`SELECT after FROM audit_events WHERE entity = 'talks_action_import'`,
    );
    expect(events.rows).toHaveLength(1);

    // The same kept file again: the same answer, nothing written.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/talks/actions/bulk-update/${preview.id}/apply`,
      headers: staff.headers(),
    });
    expect(again.json().appliedAt).toBe(applied.json().appliedAt);
    // The same content uploaded and applied again: every valid row is recorded already.
    const second = await upload(file(), staff, '?apply=true');
    expect(second.statusCode).toBe(200);
    expect(second.json().changes).toEqual([]);
    // Line 9 now matches the rolled-up progress of its parent, so it is unchanged rather than refused.
    expect(second.json().unchanged).toEqual([2, 4, 9]);
    expect(await state()).toEqual(after);
    expect(await updates()).toBe(n);
  });

  it('refuses wrong columns, binary files and oversized files with nothing written', async () => {
    const before = await updates();
    const wrong = await upload(`id,state,percent\n${a.one},done,100\n`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('invalid_csv');
    expect(wrong.json().error.details.missing).toContain('action_id');
    const binary = await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x00, 0x0d, 0x0a]));
    expect(binary.statusCode).toBe(400);
    expect(binary.json().error.code).toBe('invalid_csv');
    const big = await upload(
      `action_id,status,progress,note,date\n${`${a.one},,,${'x'.repeat(4000)},2022-01-01\n`.repeat(1400)}`,
    );
    expect(big.statusCode).toBe(413);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/talks/actions/bulk-update',
      headers: { ...staff.headers(), 'content-type': 'application/json' },
      payload: JSON.stringify({ csv: '"unterminated,quote\n' }),
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('invalid_csv');
    expect(await updates()).toBe(before);
    const kept = await t.database.db.execute(
      sql`SELECT 1 FROM talks_action_imports WHERE content LIKE 'id,state%'`,
    );
    expect(kept.rows).toHaveLength(0);
  });

  it("lets an organisation's members update only their own actions", async () => {
    const csv = `action_id,status,progress,note,date\n${a.two},accepted,,,2022-07-01\n${a.other},accepted,,,2022-07-01\n`;
    const res = await upload(csv, memberA, '?apply=true');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().changes.map((c: { actionId: string }) => c.actionId)).toEqual([a.two]);
    expect(res.json().rejected).toEqual([{ line: 3, reason: 'you may not report on this action' }]);
    const anon = await t.app.inject({
      method: 'POST',
      url: '/api/v1/talks/actions/bulk-update?apply=true',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ csv }),
    });
    expect(anon.statusCode).toBe(401);
    const count = await t.database.db.execute(
      sql`SELECT 1 FROM talks_action_imports WHERE created_by IS NULL`,
    );
    expect(count.rows).toHaveLength(0);
  });

  it('applies while single updates run on the same family of actions, without deadlock or lost progress', async () => {
    const ctx = t.ctx(staff.actor);
    const csv = `action_id,status,progress,note,date\n${a.kid1},accepted,30,,2022-09-01\n`;
    const preview = await previewBulkUpdate(ctx, { filename: 'race.csv', content: csv });
    await Promise.all([
      applyBulkUpdate(ctx, { id: preview.id }),
      addActionUpdate(ctx, { actionId: a.kid2, happenedOn: '2022-09-01', progress: 90 }),
      addActionUpdate(ctx, { actionId: a.one, happenedOn: '2022-09-01', note: 'Meanwhile' }),
    ]);
    const by = Object.fromEntries((await state()).map((r) => [r.id, r]));
    expect(by[a.kid1].progress).toBe(30);
    expect(by[a.kid2].progress).toBe(90);
    expect(by[a.parent].progress).toBe(60); // plain: (30 + 90) / 2, whichever committed last
  });

  it('works as pages without JavaScript: upload, preview, apply', async () => {
    const form = await t.app.inject({ url: '/actions/import', headers: staff.headers() });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('enctype="multipart/form-data"');
    const csv = `action_id,status,progress,note,date\n${a.two},in_progress,60,Halfway,2022-08-01\n${a.one},done,,,2022-08-01\n`;
    const up = multipart('progress.csv', csv);
    const posted = await t.app.inject({
      method: 'POST',
      url: `/actions/import?_csrf=${encodeURIComponent(staff.csrf)}`,
      payload: up.payload,
      headers: { ...up.headers, cookie: staff.cookie },
    });
    expect(posted.statusCode, posted.body.slice(0, 300)).toBe(303);
    const previewUrl = posted.headers.location as string;
    const preview = await t.app.inject({ url: previewUrl, headers: { cookie: staff.cookie } });
    expect(preview.body).toContain('Halfway');
    expect(preview.body).toContain('accepted → in progress');
    expect(preview.body).toContain('status cannot go from accepted to done');
    const id = previewUrl.split('/').pop();
    const apply = await t.app.inject({
      method: 'POST',
      url: `/actions/import/${id}/apply`,
      headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(staff.csrf)}`,
    });
    expect(apply.statusCode).toBe(303);
    const result = await t.app.inject({ url: previewUrl, headers: { cookie: staff.cookie } });
    expect(result.body).toContain('applied');
    expect(result.body).not.toContain(`/actions/import/${id}/apply`);
    const wrong = multipart('bad.csv', 'a,b\n1,2\n');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/actions/import?_csrf=${encodeURIComponent(staff.csrf)}`,
      payload: wrong.payload,
      headers: { ...wrong.headers, cookie: staff.cookie },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('role="alert"');
    // Another user's kept file is not theirs to see.
    expect((await t.app.inject({ url: previewUrl, headers: memberA.headers() })).statusCode).toBe(404);
  });
});
