import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import type { Actor, Ctx } from '../src/core/context.ts';
import { freePort } from '../src/core/db/embedded.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { createOrganisation } from '../src/modules/directory/service.ts';
import { GENESIS, transactionHash } from '../src/modules/fund/hash.ts';
import { commitGrant, disburseGrant, recordContribution } from '../src/modules/fund/index.ts';
import { type LoadResult, load, spawnListening, stop } from './lib.ts';

/**
 * The Solidarity Fund benchmark (issue 4). Usage:
 *   npx tsx bench/fund.ts [--lines 1000000] [--postings 5000] [--connections 50] [--duration 10] [--reuse]
 * 1. Posting throughput at `--connections` concurrent clients: disbursements through the use case
 *    (permissions, validation, idempotency key, balance locks, hash chain, audit event) against
 *    plain single-row INSERT transactions on the same database, in the same run.
 * 2. `--lines` ledger lines generated (contributions, commitments, disbursements over 36 months;
 *    hashes chained exactly as the app does, balances and monthly totals recomputed from the lines).
 * 3. The public accounts page `/fund` at 50 connections, cache of public answers off and on.
 * 4. `peacetalks verify ledger` on the whole ledger.
 * Writes bench/results/fund[-<lines>].json.
 */
const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const targetLines = arg('lines', 1_000_000);
const postings = arg('postings', 5000);
const connections = arg('connections', 50);
const duration = arg('duration', 10);
const reuse = args.includes('--reuse');
const dataDir = path.resolve('.tmp/bench-fund');
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const env = { PEACETALKS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PEACETALKS_DEMO: 'false' };

if (!reuse) await fs.rm(dataDir, { recursive: true, force: true });
Object.assign(process.env, env, { DB_POOL_SIZE: String(connections + 5) });
const opened = await openDatabase(loadConfig(), log);
const { db } = opened.database;
const treasurer: Actor = {
  userId: randomUUID(),
  email: 'bench@example.org',
  name: 'Bench treasurer',
  roles: [
    { role: 'treasurer', scopeOrgId: null },
    { role: 'admin', scopeOrgId: null },
  ],
  mfa: true,
};
const ctx = (): Ctx => ({ db, actor: treasurer, locale: 'en', now: new Date(), requestId: 'bench' });

/** `n` jobs run by `c` workers; jobs per second. */
async function throughput(n: number, c: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

// 1. Posting throughput.
const org = async (name: string, country: string) =>
  (await createOrganisation(ctx(), { kind: 'city', names: { en: name }, country })).id;
const donor = await org(`Bench donor ${Date.now()}`, 'ES');
const community = await org(`Bench community ${Date.now()}`, 'UA');
const amount = 1_00;
await recordContribution(ctx(), {
  contributorOrgId: donor,
  amountMinor: postings * amount * 2,
  currency: 'EUR',
  idempotencyKey: randomUUID(),
});
await commitGrant(ctx(), {
  communityOrgId: community,
  amountMinor: postings * amount * 2,
  currency: 'EUR',
  idempotencyKey: randomUUID(),
});
await db.execute(
  sql`CREATE TABLE IF NOT EXISTS bench_plain (id bigserial PRIMARY KEY, k text NOT NULL, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
);
// Warm both paths, then measure each twice, alternating, and keep the better run of each.
await throughput(200, connections, async () => {
  await db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO bench_plain (k, amount) VALUES (${randomUUID()}, ${amount})`);
  });
});
await throughput(200, connections, () =>
  disburseGrant(ctx(), {
    communityOrgId: community,
    amountMinor: amount,
    currency: 'EUR',
    idempotencyKey: randomUUID(),
  }),
);
const plainRuns: number[] = [];
const useCaseRuns: number[] = [];
for (let round = 0; round < 2; round++) {
  plainRuns.push(
    await throughput(postings / 2, connections, async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO bench_plain (k, amount) VALUES (${randomUUID()}, ${amount})`);
      });
    }),
  );
  useCaseRuns.push(
    await throughput(postings / 2, connections, () =>
      disburseGrant(ctx(), {
        communityOrgId: community,
        amountMinor: amount,
        currency: 'EUR',
        idempotencyKey: randomUUID(),
      }),
    ),
  );
}
const plainTps = Math.max(...plainRuns);
const useCaseTps = Math.max(...useCaseRuns);
log(
  `postings: plain INSERT ${plainTps.toFixed(0)}/s, disbursement use case ${useCaseTps.toFixed(0)}/s, ratio ${(useCaseTps / plainTps).toFixed(2)}`,
);

// 2. Generate the ledger up to `targetLines` lines.
async function generate(): Promise<number> {
  const have = Number(
    (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM fund_lines`)).rows[0].n,
  );
  if (have >= targetLines) return 0;
  const t0 = performance.now();
  const contributors = await orgs('Bench contributor', 'FR', 200);
  const communities = await orgs('Bench community', 'UA', 300);
  const accounts = new Map<string, string>();
  const account = async (kind: string, orgId: string | null) => {
    const key = orgId ? `${kind}:${orgId}:EUR` : `${kind}:EUR`;
    let id = accounts.get(key);
    if (!id) {
      const rule = kind === 'contributor' ? 'non_positive' : 'non_negative';
      const r = await db.execute<{ id: string }>(sql`
        WITH ins AS (
          INSERT INTO fund_accounts (key, kind, org_id, currency, rule) VALUES (${key}, ${kind}, ${orgId}, 'EUR', ${rule})
          ON CONFLICT (key) DO NOTHING RETURNING id, rule
        ), b AS (INSERT INTO fund_balances (account_id, rule) SELECT id, rule FROM ins)
        SELECT id FROM ins UNION ALL SELECT id FROM fund_accounts WHERE key = ${key}`);
      id = r.rows[0].id;
      accounts.set(key, id);
    }
    return id;
  };
  const poolAccount = await account('pool', null);
  const cAcc = await Promise.all(contributors.map((o) => account('contributor', o)));
  const gAcc = await Promise.all(communities.map((o) => account('grant', o)));
  const dAcc = await Promise.all(communities.map((o) => account('disbursed', o)));
  const head = (
    await db.execute<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM fund_chain_head WHERE id = 1`)
  ).rows[0] ?? { seq: 0, hash: GENESIS };
  let seq = Number(head.seq);
  let prev = head.hash;
  // Balances as the generator goes, so that no protected account is ever crossed.
  let poolBalance = Number(
    (
      await db.execute<{ b: number }>(
        sql`SELECT balance AS b FROM fund_balances WHERE account_id = ${poolAccount}`,
      )
    ).rows[0].b,
  );
  const grants = new Array(communities.length).fill(0);
  const toMake = Math.ceil((targetLines - have) / 2);
  const start = Date.UTC(2023, 11, 1);
  const span = 36 * 30 * 86400_000;
  let rnd = 42;
  const random = () => {
    rnd = (rnd * 1103515245 + 12345) % 2147483648;
    return rnd / 2147483648;
  };
  const BATCH = 5000;
  const client = await opened.database.pool.connect();
  try {
    // Bulk load as the superuser: triggers and foreign keys are skipped for this session only; the
    // rows are built to satisfy them, and the balances and monthly totals are recomputed below.
    await client.query('SET session_replication_role = replica');
    for (let done = 0; done < toMake; ) {
      const n = Math.min(BATCH, toMake - done);
      const tx: unknown[][] = Array.from({ length: 12 }, () => []);
      const ln: unknown[][] = Array.from({ length: 5 }, () => []);
      for (let i = 0; i < n; i++) {
        const at = new Date(start + Math.floor(((done + i) / toMake) * span)).toISOString();
        const value = 1_00 + Math.floor(random() * 1000_00);
        const r = random();
        let kind: string;
        let from: string;
        let to: string;
        let provider: string | null = null;
        let receiver: string | null = null;
        const g = Math.floor(random() * communities.length);
        if (r < 0.4 || poolBalance < value) {
          const c = Math.floor(random() * contributors.length);
          [kind, from, to, provider] = ['contribution', cAcc[c], poolAccount, contributors[c]];
          poolBalance += value;
        } else if (r < 0.7 || grants[g] < value) {
          [kind, from, to, receiver] = ['grant_commitment', poolAccount, gAcc[g], communities[g]];
          poolBalance -= value;
          grants[g] += value;
        } else {
          [kind, from, to, receiver] = ['disbursement', gAcc[g], dAcc[g], communities[g]];
          grants[g] -= value;
        }
        seq++;
        const id = randomUUID();
        const lines = [
          { accountId: from, currency: 'EUR', amount: -value },
          { accountId: to, currency: 'EUR', amount: value },
        ];
        const hashed = {
          seq,
          id,
          kind,
          postedAt: at,
          valueDate: at.slice(0, 10),
          memo: null,
          providerOrgId: provider,
          receiverOrgId: receiver,
          needId: null,
          idempotencyKey: `gen-${id}`,
          reversalOf: null,
          createdBy: treasurer.userId,
          approvedBy: null,
          fxRate: null,
          fxCurrency: null,
          lines,
        };
        const hash = transactionHash(prev, hashed);
        for (const [k, v] of [
          id,
          seq,
          kind,
          at,
          hashed.valueDate,
          provider,
          receiver,
          hashed.idempotencyKey,
          treasurer.userId,
          prev,
          hash,
        ].entries())
          tx[k].push(v);
        tx[11].push(hashed.idempotencyKey);
        for (const l of lines) {
          ln[0].push(id);
          ln[1].push(seq);
          ln[2].push(l.accountId);
          ln[3].push(l.amount);
          ln[4].push(at);
        }
        prev = hash;
      }
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO fund_transactions (id, seq, kind, posted_at, value_date, provider_org_id, receiver_org_id, idempotency_key,
           created_by, prev_hash, hash, request_hash)
         SELECT * FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::timestamptz[], $5::date[], $6::uuid[], $7::uuid[], $8::text[],
           $9::uuid[], $10::text[], $11::text[], $12::text[])`,
        tx,
      );
      await client.query(
        `INSERT INTO fund_lines (transaction_id, seq, account_id, currency, amount, posted_at)
         SELECT t, s, a, 'EUR', m, p FROM unnest($1::uuid[], $2::int8[], $3::uuid[], $4::int8[], $5::timestamptz[]) AS x(t, s, a, m, p)`,
        ln,
      );
      await client.query('UPDATE fund_chain_head SET seq = $1, hash = $2 WHERE id = 1', [seq, prev]);
      await client.query('COMMIT');
      done += n;
      if ((done / BATCH) % 10 === 0 || done === toMake)
        log(`ledger: ${have + done * 2} of ${targetLines} lines`);
    }
    await client.query('BEGIN');
    await client.query(`
      UPDATE fund_balances b SET balance = s.total, line_count = s.n
      FROM (SELECT account_id, sum(amount)::int8 AS total, count(*) AS n FROM fund_lines GROUP BY account_id) s
      WHERE b.account_id = s.account_id`);
    await client.query(`
      INSERT INTO fund_monthly (account_id, month, net, line_count)
      SELECT account_id, date_trunc('month', posted_at AT TIME ZONE 'UTC')::date, sum(amount)::int8, count(*)
      FROM fund_lines GROUP BY 1, 2
      ON CONFLICT (account_id, month) DO UPDATE SET net = excluded.net, line_count = excluded.line_count`);
    await client.query(`
      INSERT INTO fund_monthly_kinds (currency, month, account_kind, with_org, net, line_count)
      SELECT a.currency, date_trunc('month', l.posted_at AT TIME ZONE 'UTC')::date, a.kind, a.org_id IS NOT NULL,
        sum(l.amount)::int8, count(*)
      FROM fund_lines l JOIN fund_accounts a ON a.id = l.account_id GROUP BY 1, 2, 3, 4
      ON CONFLICT (currency, month, account_kind, with_org) DO UPDATE SET net = excluded.net, line_count = excluded.line_count`);
    await client.query('COMMIT');
    await client.query('SET session_replication_role = origin');
    await client.query(
      'ANALYZE fund_lines; ANALYZE fund_transactions; ANALYZE fund_monthly; ANALYZE fund_monthly_kinds; ANALYZE fund_balances; ANALYZE fund_accounts',
    );
  } finally {
    client.release();
  }
  return performance.now() - t0;
}

async function orgs(prefix: string, country: string, n: number): Promise<string[]> {
  const r = await db.execute<{ id: string }>(sql`
    INSERT INTO organisations (kind, names, name, country)
    SELECT 'city', jsonb_build_object('en', ${prefix} || ' ' || g), ${prefix} || ' ' || g, ${country}
    FROM generate_series(1, ${n}) g RETURNING id`);
  return r.rows.map((x) => x.id);
}

const generateMs = await generate();
const lines = Number(
  (await db.execute<{ n: number }>(sql`SELECT count(*)::int8 AS n FROM fund_lines`)).rows[0].n,
);
log(`ledger: ${lines} lines (generated in ${(generateMs / 1000).toFixed(1)} s)`);
const statementAccount = (
  await db.execute<{ id: string }>(sql`SELECT id FROM fund_accounts WHERE kind = 'grant' ORDER BY id LIMIT 1`)
).rows[0].id;
await opened.close();

// 3. `verify ledger`, as the operator runs it.
const verifyStarted = performance.now();
const verify = await new Promise<{ code: number | null; out: string }>((resolve) => {
  const child = spawn(process.execPath, ['bin/peacetalks.js', 'verify', 'ledger'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.on('exit', (code) => resolve({ code, out }));
});
const verifySeconds = (performance.now() - verifyStarted) / 1000;
log(`verify ledger: exit ${verify.code} in ${verifySeconds.toFixed(1)} s: ${verify.out.trim()}`);

// 4. The public accounts page, cache off then on.
const results: LoadResult[] = [];
for (const cacheMb of ['0', '64']) {
  const app = await spawnListening(process.execPath, ['bin/peacetalks.js', 'serve'], {
    ...env,
    PORT: String(await freePort()),
    RESPONSE_CACHE_MB: cacheMb,
  });
  const base = app.url.replace('localhost', '127.0.0.1');
  const month = new Date().toISOString().slice(0, 7);
  await load('warm-up', base, ['/fund'], { duration: 2, connections: 10 });
  const label = cacheMb === '0' ? 'cache off' : 'cache on';
  results.push(await load(`/fund (${label})`, base, ['/fund'], { duration, connections: 50 }));
  results.push(
    await load(`/api/v1/fund/summary (${label})`, base, ['/api/v1/fund/summary'], {
      duration,
      connections: 50,
    }),
  );
  if (cacheMb === '0')
    results.push(
      await load(
        `statement page (${label})`,
        base,
        [`/fund/accounts/${statementAccount}/statement?month=${month}`],
        {
          duration,
          connections: 50,
        },
      ),
    );
  await stop(app.child);
}
for (const r of results)
  log(
    `${r.name}: p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps.toFixed(0)} req/s, errors ${r.errors + r.non2xx}`,
  );

const summary = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  postings: {
    connections,
    count: postings,
    plainInsertPerSecond: Math.round(plainTps),
    disbursementUseCasePerSecond: Math.round(useCaseTps),
    ratio: +(useCaseTps / plainTps).toFixed(2),
  },
  ledger: { lines, generateSeconds: +(generateMs / 1000).toFixed(1) },
  verifyLedger: { seconds: +verifySeconds.toFixed(1), exitCode: verify.code, output: verify.out.trim() },
  publicPage: results,
};
const file = path.resolve(`bench/results/fund${targetLines === 1_000_000 ? '' : `-${targetLines}`}.json`);
await fs.writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);
