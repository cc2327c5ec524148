import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/core/audit/audit.ts';
import { verifyAudit } from '../../src/core/audit/verify.ts';
import { listTables } from '../../src/core/backup/catalog.ts';
import { backupDatabase, restoreDatabase } from '../../src/core/backup/index.ts';
import { loadConfig } from '../../src/core/config.ts';
import { seedOnFirstRun } from '../../src/core/seed.ts';
import { createTestDatabase } from '../support/database.ts';
import '../support/modules.ts';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

const dir = path.resolve('.tmp', `backup-test-${process.pid}`);

/** Every row of every table of `public`, exactly as PostgreSQL prints it, ordered by primary key. */
async function snapshot(db: TestDb): Promise<Record<string, string[]>> {
  const client = await db.pool.connect();
  try {
    await client.query(`SET TimeZone = 'UTC'`);
    const out: Record<string, string[]> = {};
    for (const t of await listTables(client)) {
      const order = t.primaryKey.map((c) => `"${c}"`).join(', ');
      const r = await client.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM public."${t.name}" t ORDER BY ${order}`,
      );
      out[t.name] = r.rows.map((row) => row.j);
    }
    return out;
  } finally {
    client.release();
  }
}

/** Rows with awkward values in the tables the seed leaves empty (kernel tables, mostly). */
async function fillEveryTable(db: TestDb): Promise<void> {
  const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
  const user = (
    await q(
      `INSERT INTO users (email, name, password_hash, locale, created_at)
       VALUES ('Olena@example.org', 'Олена «Ковальчук» O''Neil 🕊', 'argon2id$x', 'uk', '2024-02-29 23:59:59.123456+02')
       RETURNING id`,
    )
  ).rows[0].id;
  await q(`INSERT INTO users (email, name, status) VALUES ('nopassword@example.org', 'مريم', 'invited')`);
  await q(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin')`, [user]);
  await q(
    `INSERT INTO auth_sessions (id, user_id, expires_at, user_agent) VALUES ('s1', $1, now() + interval '1 day', E'tab\\tnew\\nline')`,
    [user],
  );
  await q(
    `INSERT INTO api_tokens (user_id, name, token_hash, scopes) VALUES ($1, 'sync', 'h1', ARRAY['directory:read', 'a "quoted", {odd} scope'])`,
    [user],
  );
  await q(
    `INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at) VALUES ('ott', 'invitation', $1, now())`,
    [user],
  );
  await q(
    `INSERT INTO login_attempts (key, success) VALUES ('olena@example.org', false), ('127.0.0.1', true)`,
  );
  await q(
    `INSERT INTO outbox ("to", subject, text) VALUES ('a@example.org', 'Invitation', 'Bonjour\\n\\u00e9')`,
  );
  await q(`INSERT INTO role_mfa_policy (role, required) VALUES ('admin', true)`);
  await q(
    `INSERT INTO settings (key, value) VALUES ('nested', '{"z": [1, 2.5, null, {"ü": "\\u00e9 \\"quoted\\""}], "a": 12345678901234567890}')`,
  );
  const counts = async (t: string) => Number((await q(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n);
  // The directory tables get rows from the demo seed; these cover what it may not (a population
  // beyond 2^53, floats that must round-trip exactly).
  const org = (
    await q(
      `INSERT INTO organisations (kind, names, name, alt_names, country, population, lat, lon, geonames_id)
       VALUES ('city', '{"en": "Test Kyiv", "uk": "Тест Київ"}', 'Test Kyiv', ARRAY['Test Kiev', 'Kijów'], 'UA', 9007199254740993, 50.4501000000001, 0.1, 999000001)
       RETURNING id`,
    )
  ).rows[0].id;
  const network = (
    await q(
      `INSERT INTO organisations (kind, names, name) VALUES ('network', '{"en": "Test network"}', 'Test network') RETURNING id`,
    )
  ).rows[0].id;
  await q(`INSERT INTO memberships (member_id, group_id, since) VALUES ($1, $2, '2001-01-01')`, [
    org,
    network,
  ]);
  const person = (await q(`INSERT INTO people (name, title) VALUES ('Vitali K.', 'Mayor') RETURNING id`))
    .rows[0].id;
  await q(`INSERT INTO person_roles (person_id, organisation_id, role) VALUES ($1, $2, 'mayor')`, [
    person,
    org,
  ]);
  await q(`INSERT INTO person_contacts (person_id, kind, value) VALUES ($1, 'email', 'mayor@kyiv.example')`, [
    person,
  ]);
  await q(
    `INSERT INTO import_runs (filename, content, status, summary, created_at, finished_at)
     VALUES ('members.csv', 'kind,name\ncity,Bucha\n', 'done', '{"created": 1, "updated": 0, "unchanged": 0, "rejected": []}',
       '2025-01-02T03:04:05.678901Z', '2025-01-02T03:04:06Z')`,
  );
  await fillTalksAndLinks(q, { user, org, person });
  await fillAid(q, { user, org });
  await fillFund(db, { user, org });
  expect(await counts('users')).toBeGreaterThan(0);
}

/** Talks tables and record links: one row each, with the odd values a restore must keep. */
async function fillTalksAndLinks(
  q: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, string>[] }>,
  ids: { user: string; org: string; person: string },
): Promise<void> {
  const series = (
    await q(
      `INSERT INTO talks_series (slug, title) VALUES ('mpt-test', '{"en": "Talks", "fr": "Dialogues"}') RETURNING id`,
    )
  ).rows[0].id;
  const session = (
    await q(
      `INSERT INTO talks_sessions (series_id, title, starts_at, timezone, format, languages, capacity)
       VALUES ($1, '{"en": "1 April", "uk": "1 квітня"}', '2022-04-01T12:00:00.123456Z', 'Europe/Kyiv', 'hybrid', ARRAY['en','uk'], 2)
       RETURNING id`,
      [series],
    )
  ).rows[0].id;
  await q(`INSERT INTO talks_participants (session_id, organisation_id, role) VALUES ($1, $2, 'partner')`, [
    session,
    ids.org,
  ]);
  await q(
    `INSERT INTO talks_registrations (session_id, user_id, status, accessibility_needs) VALUES ($1, $2, 'registered', E'step-free\naccess')`,
    [session, ids.user],
  );
  const item = (
    await q(
      `INSERT INTO talks_agenda_items (session_id, title) VALUES ($1, '{"en": "Opening"}') RETURNING id`,
      [session],
    )
  ).rows[0].id;
  await q(
    `INSERT INTO talks_contributions (session_id, agenda_item_id, organisation_id, body)
     VALUES ($1, $2, $3, '{"en": "Cities are **the last safe haven**."}')`,
    [session, item, ids.org],
  );
  const rec = (
    await q(
      `INSERT INTO talks_recommendations (session_id, text, addressees, themes)
       VALUES ($1, '{"en": "Revitalise twinnings"}', ARRAY['lrgs'], ARRAY['twinning']) RETURNING id`,
      [session],
    )
  ).rows[0].id;
  await q(`INSERT INTO talks_recommendation_sources (recommendation_id, organisation_id) VALUES ($1, $2)`, [
    rec,
    ids.org,
  ]);
  const action = (
    await q(
      `INSERT INTO talks_actions (session_id, recommendation_id, text, responsible_group, due_on, progress, weight)
       VALUES ($1, $2, '{"en": "Send help"}', 'lrgs', '2022-12-31', 40, 0.25) RETURNING id`,
      [session, rec],
    )
  ).rows[0].id;
  await q(
    `INSERT INTO talks_action_updates (action_id, happened_on, status_from, status_to, progress_from, progress_to, note)
     VALUES ($1, '2022-06-01', 'accepted', 'in_progress', 0, 40, '{"fr": "En cours"}')`,
    [action],
  );
  await q(`INSERT INTO talks_minutes (session_id, status, current_version) VALUES ($1, 'review', 1)`, [
    session,
  ]);
  await q(
    `INSERT INTO talks_minutes_versions (session_id, version, body) VALUES ($1, 1, '{"en": "Minutes"}')`,
    [session],
  );
  await q(
    `INSERT INTO talks_minutes_comments (session_id, version, author_id, body) VALUES ($1, 1, $2, 'Typo')`,
    [session, ids.user],
  );
  await q(`INSERT INTO talks_reminders_sent (kind, subject_id, user_id) VALUES ('session_soon', $1, $2)`, [
    session,
    ids.user,
  ]);
  await q(`INSERT INTO talks_digest_subscriptions (user_id) VALUES ($1)`, [ids.user]);
  await q(
    `INSERT INTO talks_action_imports (filename, content, sha256, created_by, applied_at, result)
     VALUES ('progress.csv', E'action_id,status,progress,note,date\n', 'abc', $1, now(), '{"changed": 0}')`,
    [ids.user],
  );
  await q(
    `INSERT INTO record_links (from_kind, from_id, to_kind, to_id, relation, created_by) VALUES ('talks.action', $1, 'talks.session', $2, 'follows_up', $3)`,
    [action, session, ids.user],
  );
}

/** Aid centre tables: one row each, through a whole allocation, shipment and delivery. */
async function fillAid(
  q: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, any>[] }>,
  ids: { user: string; org: string },
): Promise<void> {
  const one = async (text: string, values: unknown[]) => (await q(text, values)).rows[0].id as string;
  const need = await one(
    `INSERT INTO aid_needs (community_org_id, category, item, quantity, unit, priority, needed_by, lat, lon, allocated_qty, delivered_qty, status, verified_at, verified_by)
     VALUES ($1, 'shelter', 'Ковдри «теплі»', 9007199254740, 'pieces', 'high', '2026-12-31', 50.45, 30.52, 10, 9, 'partly_delivered', now(), $2) RETURNING id`,
    [ids.org, ids.user],
  );
  const offer = await one(
    `INSERT INTO aid_offers (kind, source, offerer_org_id, category, item, unit, total, allocated, available_from)
     VALUES ('goods', 'member', $1, 'shelter', 'Blankets', 'pieces', 10, 10, '2026-12-01') RETURNING id`,
    [ids.org],
  );
  await q(
    `INSERT INTO aid_offers (kind, source, category, item, currency, total) VALUES ('money', 'fund', 'health', 'Medicines', 'EUR', 250000)`,
  );
  const allocation = await one(
    `INSERT INTO aid_allocations (offer_id, need_id, quantity, shipped_qty, received_qty, lost_qty, created_by) VALUES ($1, $2, 10, 10, 9, 1, $3) RETURNING id`,
    [offer, need, ids.user],
  );
  const corridor = await one(
    `INSERT INTO aid_corridors (name, origin_name, destination_name, origin_org_id, path, status, last_verified_at, last_verified_by_name)
     VALUES ('Lviv–Kyiv', 'Lviv', 'Kyiv', $1, '[[24.03, 49.84], [30.5234567890123, 50.45]]', 'restricted', now(), 'Coordinator') RETURNING id`,
    [ids.org],
  );
  const shipment = await one(
    `INSERT INTO aid_shipments (corridor_id, destination_org_id, status, reference, dispatched_at, closed_at) VALUES ($1, $2, 'delivered', 'SH-1', now(), now()) RETURNING id`,
    [corridor, ids.org],
  );
  await q(
    `INSERT INTO aid_shipment_items (shipment_id, allocation_id, quantity, received_qty) VALUES ($1, $2, 10, 9)`,
    [shipment, allocation],
  );
  await q(
    `INSERT INTO aid_deliveries (shipment_id, sent_qty, received_qty, flagged, note, confirmed_by, confirmed_at) VALUES ($1, 10, 9, true, 'One wet', $2, now())`,
    [shipment, ids.user],
  );
  await q(
    `INSERT INTO aid_capacity (org_id, as_of, children_available, children_used, women_available, total_available, total_used) VALUES ($1, '2026-11-20', 40, 12, 60, 150, 60)`,
    [ids.org],
  );
}

/** Fund tables through the use cases, so that the restored ledger still verifies: one row in each. */
async function fillFund(db: TestDb, ids: { user: string; org: string }): Promise<void> {
  const fund = await import('../../src/modules/fund/index.ts');
  const actor = {
    userId: ids.user,
    email: 'olena@example.org',
    name: 'Olena',
    roles: [{ role: 'treasurer' as const, scopeOrgId: null }],
    mfa: true,
  };
  const ctx = {
    db: db.db,
    actor,
    locale: 'en' as const,
    now: new Date('2025-03-04T05:06:07.891Z'),
    requestId: 'fill',
  };
  const base = { amountMinor: 5_000_000_00, currency: 'EUR' };
  await fund.recordPledge(ctx, { ...base, contributorOrgId: ids.org, idempotencyKey: 'fill-pledge' });
  await fund.recordContribution(ctx, {
    ...base,
    contributorOrgId: ids.org,
    idempotencyKey: 'fill-contribution',
    memo: 'Привіт, «fund» 🕊',
  });
  await fund.commitGrant(ctx, { ...base, communityOrgId: ids.org, idempotencyKey: 'fill-grant' });
  const waiting = await fund.disburseGrant(ctx, {
    ...base,
    communityOrgId: ids.org,
    idempotencyKey: 'fill-disbursement',
  });
  if (waiting.status !== 'pending_approval') throw new Error('expected a disbursement waiting for approval');
}

describe('backup and restore', () => {
  let source: TestDb;
  let target: TestDb;
  const file = path.join(dir, 'full.tar.gz');

  beforeAll(async () => {
    await fs.mkdir(dir, { recursive: true });
    source = await createTestDatabase();
    target = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: source.url, PEACETALKS_DEMO: 'true', LOG_LEVEL: 'silent' });
    await seedOnFirstRun({ database: source, config }, () => undefined);
    await fillEveryTable(source);
    for (let i = 0; i < 5; i++) {
      await source.db.transaction((tx) =>
        audit(
          tx,
          { actor: null, now: new Date(Date.UTC(2025, 0, 1, 0, 0, i, 7)), requestId: `r${i}` },
          {
            action: 'update',
            entity: 'organisation',
            entityId: String(i),
            before: { n: i },
            after: { n: i + 1, names: { ar: 'كييف', fr: 'Kyiv (Kiev)' } },
          },
        ),
      );
    }
  });

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives back exactly the same data in an empty database', async () => {
    const before = await snapshot(source);
    for (const [table, rows] of Object.entries(before)) {
      expect(rows.length, `rows in ${table}`).toBeGreaterThan(0);
    }
    const manifest = await backupDatabase(source.pool, file);
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.migrations.length).toBeGreaterThan(0);
    expect(manifest.tables.map((t) => t.name).sort()).toEqual(Object.keys(before).sort());
    // Parents come before the tables that point at them.
    const order = manifest.tables.map((t) => t.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('user_roles'));
    expect(order.indexOf('organisations')).toBeLessThan(order.indexOf('memberships'));

    const result = await restoreDatabase(target.pool, file);
    expect(result.rows).toBe(Object.values(before).reduce((n, r) => n + r.length, 0));
    const after = await snapshot(target);
    for (const table of Object.keys(before)) {
      expect(after[table], `table ${table}`).toEqual(before[table]);
    }
    expect(await verifyAudit(target.db)).toMatchObject({ ok: true });

    // Sequences continue after the restored rows: new events chain on and verify.
    await target.db.transaction((tx) =>
      audit(tx, { actor: null, now: new Date(), requestId: 'after' }, { action: 'create', entity: 'x' }),
    );
    const ids = await target.pool.query('SELECT max(id)::int AS m, count(*)::int AS n FROM audit_events');
    expect(ids.rows[0].m).toBeGreaterThan(Math.max(...before.audit_events.map((j) => JSON.parse(j).id)));
    expect(await verifyAudit(target.db)).toMatchObject({ ok: true });
  });

  it('refuses a database that already has data, and changes nothing', async () => {
    const before = await snapshot(target);
    await expect(restoreDatabase(target.pool, file)).rejects.toThrow(/empty database/);
    expect(await snapshot(target)).toEqual(before);
  });

  /** Unpack the archive, let `change` edit its folder, pack it again. */
  async function tampered(name: string, change: (folder: string) => Promise<void>): Promise<string> {
    const folder = path.join(dir, name);
    await fs.mkdir(folder, { recursive: true });
    await tar.extract({ file, cwd: folder });
    await change(folder);
    const out = path.join(dir, `${name}.tar.gz`);
    await tar.create({ gzip: true, file: out, cwd: folder }, await fs.readdir(folder));
    return out;
  }
  const editManifest = async (folder: string, edit: (m: Record<string, unknown>) => void) => {
    const p = path.join(folder, 'manifest.json');
    const m = JSON.parse(await fs.readFile(p, 'utf8'));
    edit(m);
    await fs.writeFile(p, JSON.stringify(m));
  };

  it('refuses a backup of another schema version, a damaged file and an unknown format', async () => {
    const empty = await createTestDatabase();
    try {
      const otherSchema = await tampered('schema', (f) =>
        editManifest(f, (m) => {
          (m.migrations as unknown[]).push({ id: 99, hash: 'f'.repeat(64), createdAt: '0' });
        }),
      );
      await expect(restoreDatabase(empty.pool, otherSchema)).rejects.toThrow(/schema .* differs/);

      const damaged = await tampered('damaged', async (f) => {
        await fs.appendFile(path.join(f, 'tables/settings.ndjson'), '{"key":"x","value":1}\n');
      });
      await expect(restoreDatabase(empty.pool, damaged)).rejects.toThrow(/damaged: tables\/settings.ndjson/);

      const future = await tampered('future', (f) =>
        editManifest(f, (m) => {
          m.formatVersion = 2;
        }),
      );
      await expect(restoreDatabase(empty.pool, future)).rejects.toThrow(/format version 2/);

      const notAnArchive = path.join(dir, 'not.tar.gz');
      await fs.writeFile(notAnArchive, 'hello');
      await expect(restoreDatabase(empty.pool, notAnArchive)).rejects.toThrow(/not a readable/);

      const counts = await empty.pool.query(
        `SELECT (SELECT count(*) FROM settings)::int AS s, (SELECT count(*) FROM users)::int AS u`,
      );
      expect(counts.rows[0]).toEqual({ s: 0, u: 0 });
    } finally {
      await empty.drop();
    }
  });

  it('is all or nothing: a bad row in the last table leaves the database empty', async () => {
    const empty = await createTestDatabase();
    try {
      const bad = await tampered('bad-row', async (f) => {
        const m = JSON.parse(await fs.readFile(path.join(f, 'manifest.json'), 'utf8'));
        const last = m.tables[m.tables.length - 1];
        const extra = `${JSON.stringify(Object.fromEntries(last.columns.map((c: string) => [c, null])))}\n`;
        const p = path.join(f, last.file);
        await fs.appendFile(p, extra);
        const content = await fs.readFile(p);
        last.rows += 1;
        last.sha256 = createHash('sha256').update(content).digest('hex');
        await fs.writeFile(path.join(f, 'manifest.json'), JSON.stringify(m));
      });
      await expect(restoreDatabase(empty.pool, bad)).rejects.toThrow(/null value/);
      const client = new pg.Client({ connectionString: empty.url });
      await client.connect();
      try {
        for (const t of await listTables(client)) {
          const r = await client.query(`SELECT count(*)::int AS n FROM public."${t.name}"`);
          expect(r.rows[0].n, t.name).toBe(0);
        }
      } finally {
        await client.end();
      }
    } finally {
      await empty.drop();
    }
  });
});
