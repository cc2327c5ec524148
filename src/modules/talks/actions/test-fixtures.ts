import { sql } from 'drizzle-orm';
import type { TestApp } from '../../../../test/support/app.ts';
import { makeMembership, makeOrganisation } from '../../../../test/support/factories.ts';

/**
 * What the tests of recommendations and actions stand on: organisations and Sections with
 * members, made by the directory's use cases (test/support/factories.ts), and sessions in a given
 * status, written directly (their own use cases are tested by the sessions part).
 */

type Kind = NonNullable<Parameters<typeof makeOrganisation>[1]>['kind'];

export async function org(t: TestApp, name: string, kind: Kind = 'city'): Promise<string> {
  return (await makeOrganisation(t.database.db, { name, kind })).id;
}

export async function member(
  t: TestApp,
  memberId: string,
  groupId: string,
  status: Parameters<typeof makeMembership>[3] = 'active',
): Promise<void> {
  await makeMembership(t.database.db, memberId, groupId, status);
}

let seriesId: string | null = null;

export async function session(
  t: TestApp,
  opts: { status?: string; startsAt?: string; title?: string; participants?: string[] } = {},
): Promise<string> {
  if (!seriesId || !(await exists(t, seriesId))) {
    const s = await t.database.db.execute<{ id: string }>(
      sql`INSERT INTO talks_series (slug, title) VALUES (${`mpt-${Math.random().toString(36).slice(2)}`}, '{"en": "Municipal Peace Talks"}') RETURNING id`,
    );
    seriesId = s.rows[0].id;
  }
  const r = await t.database.db.execute<{ id: string }>(sql`
    INSERT INTO talks_sessions (series_id, title, starts_at, timezone, format, status)
    VALUES (${seriesId}, ${JSON.stringify({ en: opts.title ?? 'A session', fr: `${opts.title ?? 'Une séance'} (fr)` })}::jsonb,
      ${opts.startsAt ?? '2022-04-01T10:00:00Z'}, 'Europe/Brussels', 'online', ${opts.status ?? 'published'})
    RETURNING id`);
  const id = r.rows[0].id;
  for (const p of opts.participants ?? []) {
    await t.database.db.execute(
      sql`INSERT INTO talks_participants (session_id, organisation_id, role) VALUES (${id}, ${p}, 'partner')`,
    );
  }
  return id;
}

async function exists(t: TestApp, id: string): Promise<boolean> {
  const r = await t.database.db.execute(sql`SELECT 1 FROM talks_series WHERE id = ${id}`);
  return r.rows.length > 0;
}

/** A multipart body with one file field, as a browser sends it. */
export function multipart(filename: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const boundary = `----t2${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
