import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { adminCreate } from './admin.ts';

describe('peacetalks admin create', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const saved = { ...process.env };
  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await database.drop();
  });

  it('creates an admin with the given password, audited', async () => {
    const r = await adminCreate({
      email: 'root@example.org',
      name: 'Root',
      password: 'a good long password',
    });
    expect(r.generated).toBeNull();
    const u = await database.db.execute<{ password_hash: string; status: string; role: string }>(sql`
      SELECT u.password_hash, u.status, ur.role FROM users u JOIN user_roles ur ON ur.user_id = u.id WHERE u.id = ${r.userId}`);
    expect(u.rows[0]).toMatchObject({ status: 'active', role: 'admin' });
    expect(await verifyPassword(u.rows[0].password_hash, 'a good long password')).toBe(true);
    const a = await database.db.execute(
      sql`SELECT action, request_id FROM audit_events WHERE entity_id = ${r.userId}`,
    );
    expect(a.rows).toEqual([{ action: 'create', request_id: 'cli:admin-create' }]);
  });

  it('generates a password when asked, and refuses an existing email clearly', async () => {
    const r = await adminCreate({ email: 'second@example.org', name: 'Second', generate: true });
    expect(r.generated).toMatch(/^[\w-]{24}$/);
    await expect(
      adminCreate({ email: 'ROOT@example.org', name: 'Again', password: 'another long password' }),
    ).rejects.toMatchObject({
      code: 'already_exists',
    });
    await expect(
      adminCreate({ email: 'short@example.org', name: 'Short', password: 'short' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
