import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disburseGrant } from '../../src/modules/fund/index.ts';
import { createTestDatabase } from '../support/database.ts';
import { runCli } from '../support/process.ts';
import { ctxOf, fundedGrant, treasurerToken } from './fund-support.ts';
// The parts' roles (the treasurer's) are known once the modules are installed.
import '../support/modules.ts';

/** `peacetalks verify ledger` as an operator runs it: intact, then each kind of tampering, exit 2. */
describe('peacetalks verify ledger', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const env = () => ({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const seqOf = async (n: number) =>
    (await database.db.execute<{ id: string }>(sql`SELECT id FROM fund_transactions WHERE seq = ${n}`))
      .rows[0].id;
  // The ledger refuses edits; someone with the owner's rights can still switch that off, and verify must notice.
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await database.db.execute(sql`ALTER TABLE fund_lines DISABLE TRIGGER USER`);
    await database.db.execute(sql`ALTER TABLE fund_transactions DISABLE TRIGGER USER`);
    try {
      await database.db.execute(statement);
    } finally {
      await database.db.execute(sql`ALTER TABLE fund_lines ENABLE TRIGGER USER`);
      await database.db.execute(sql`ALTER TABLE fund_transactions ENABLE TRIGGER USER`);
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const { actor } = await treasurerToken(database.db);
    const { community } = await fundedGrant(database.db, actor, 100_00);
    for (let i = 0; i < 4; i++)
      await disburseGrant(ctxOf(database.db, actor), {
        communityOrgId: community,
        amountMinor: 10_00,
        currency: 'EUR',
        idempotencyKey: `verify-cli-${i}`,
      });
  });
  afterAll(async () => database?.drop());

  it('reports an intact ledger with exit code 0', async () => {
    const r = await runCli(['verify', 'ledger'], env());
    expect(r.stdout).toContain('ledger OK: 6 transactions, 12 lines');
    expect(r.code).toBe(0);
  });

  it('names the first tampered line and exits with 2', async () => {
    const id = await seqOf(4);
    await tamper(sql`UPDATE fund_lines SET amount = amount * 2 WHERE transaction_id = ${id}`);
    const r = await runCli(['verify', 'ledger'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`ledger DIFFERS [hash] transaction #4 (${id})`);
    await tamper(sql`UPDATE fund_lines SET amount = amount / 2 WHERE transaction_id = ${id}`);
    expect((await runCli(['verify', 'ledger'], env())).code).toBe(0);
  });

  it('finds a kept balance that differs from its lines', async () => {
    await database.db.execute(
      sql`UPDATE fund_balances SET balance = balance + 1 WHERE rule = 'non_negative' AND balance > 0`,
    );
    const r = await runCli(['verify', 'ledger'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ledger DIFFERS \[balance\] account [0-9a-f-]{36}: .* expected \d+, found \d+/);
    await database.db.execute(
      sql`UPDATE fund_balances SET balance = balance - 1 WHERE rule = 'non_negative' AND balance > 0`,
    );
  });

  it('finds a deleted transaction', async () => {
    const id = await seqOf(5);
    await tamper(sql`DELETE FROM fund_lines WHERE transaction_id = ${id}`);
    await tamper(sql`DELETE FROM fund_transactions WHERE id = ${id}`);
    const r = await runCli(['verify', 'ledger'], env());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('ledger DIFFERS [sequence] transaction #6');
  });
});
