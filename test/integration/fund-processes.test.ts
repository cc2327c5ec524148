import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/db/embedded.ts';
import { connect, type Database } from '../../src/core/db/pool.ts';
import { adminUrl, urlFor } from '../support/database.ts';
import { type CliProcess, removeDataDirs, runCli, startServe, tempDataDir } from '../support/process.ts';
import { fundedGrant, ledgerInvariants, treasurerToken } from './fund-support.ts';
// The parts' roles (the treasurer's) are known once the modules are installed.
import '../support/modules.ts';

/**
 * The fund with real `peacetalks serve` processes on one external database: two processes
 * racing for one grant, and a process killed with SIGKILL in the middle of a stream of postings.
 */
describe('fund postings across processes', () => {
  const name = `fund_proc_${process.pid}_${Date.now()}`;
  const DATABASE_URL = urlFor(name);
  let database: Database;
  let token = '';
  let community = '';
  let donor = '';
  const servers: (CliProcess & { url: string })[] = [];
  const envs: { DATABASE_URL: string; PEACETALKS_DATA_DIR: string; PORT: string }[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    for (const n of ['a', 'b']) {
      envs.push({
        DATABASE_URL,
        PEACETALKS_DATA_DIR: await tempDataDir(`fund-${n}`),
        PORT: String(await freePort()),
      });
    }
    // The first start migrates; the second starts on a migrated database.
    servers.push(await startServe(envs[0]));
    servers.push(await startServe(envs[1]));
    database = connect(DATABASE_URL, 5);
    const treasurer = await treasurerToken(database.db);
    token = treasurer.token;
    ({ community, donor } = await fundedGrant(database.db, treasurer.actor, 50 * 100_00));
  }, 120_000);

  afterAll(async () => {
    await removeDataDirs();
    await database?.close();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const post = (url: string, path: string, key: string, body: object) =>
    fetch(`${url}/api/v1/fund/${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });

  it('two processes, 200 simultaneous disbursements, a grant that can pay 50: exactly 50 are paid', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const r = await post(servers[i % 2].url, 'disbursements', randomUUID(), {
          communityOrgId: community,
          amountMinor: 100_00,
          currency: 'EUR',
        });
        return {
          status: r.status,
          code: r.status === 201 ? null : ((await r.json()) as { error: { code: string } }).error.code,
        };
      }),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    expect(results.filter((r) => r.status === 409 && r.code === 'insufficient_funds')).toHaveLength(150);
    expect(await ledgerInvariants(database.db)).toEqual({ unbalanced: 0, crossed: 0 });
    const verify = await runCli(['verify', 'ledger'], { DATABASE_URL, LOG_LEVEL: 'silent' });
    expect(verify.stdout).toContain('ledger OK: 52 transactions');
    expect(verify.code).toBe(0);
  }, 120_000);

  it('every posting acknowledged before a kill -9 is there after the restart, and the chain verifies', async () => {
    const [victim] = servers;
    const acknowledged = new Map<string, string>();
    const sent: string[] = [];
    let stop = false;
    // Four clients posting contributions one after another until the server dies.
    const client = async () => {
      while (!stop) {
        const key = `kill-${randomUUID()}`;
        sent.push(key);
        try {
          const r = await post(victim.url, 'contributions', key, {
            contributorOrgId: donor,
            amountMinor: 1_00,
            currency: 'EUR',
          });
          if (r.status === 201)
            acknowledged.set(key, ((await r.json()) as { transactionId: string }).transactionId);
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    while (acknowledged.size < 40) await new Promise((r) => setTimeout(r, 20));
    victim.child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    expect((await victim.exited).signal).toBe('SIGKILL');

    const restarted = await startServe(envs[0]);
    servers[0] = restarted;
    for (const [key, id] of acknowledged) {
      const row = await database.db.execute<{ id: string }>(
        sql`SELECT id FROM fund_transactions WHERE idempotency_key = ${key}`,
      );
      expect(row.rows[0]?.id).toBe(id);
    }
    // A client retrying everything it sent gets the first result for what was posted, and posts the rest once.
    for (const key of sent) {
      const r = await post(restarted.url, 'contributions', key, {
        contributorOrgId: donor,
        amountMinor: 1_00,
        currency: 'EUR',
      });
      expect(r.status).toBe(201);
      const { transactionId } = (await r.json()) as { transactionId: string };
      if (acknowledged.has(key)) expect(transactionId).toBe(acknowledged.get(key));
    }
    const count = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM fund_transactions WHERE idempotency_key LIKE 'kill-%'`,
    );
    expect(count.rows[0].n).toBe(sent.length);
    expect(await ledgerInvariants(database.db)).toEqual({ unbalanced: 0, crossed: 0 });
    const verify = await runCli(['verify', 'ledger'], { DATABASE_URL, LOG_LEVEL: 'silent' });
    expect(verify.stdout).toContain('ledger OK');
    expect(verify.code).toBe(0);
  }, 120_000);
});
