import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/core/context.ts';
import { isAppError } from '../../src/core/errors.ts';
import { installedModules } from '../../src/core/module/install.ts';
import { createTestDatabase } from '../support/database.ts';
import '../support/modules.ts';

/**
 * The rules every part follows, checked over every manifest rather than remembered: each write use
 * case is declared with its permission and its audit entity, refuses an anonymous caller before
 * reading its input, and records its change; no use case bypasses the kit.
 */
const root = path.resolve(import.meta.dirname, '../..');

// A body may record its change itself, or hand the kit's tools (`uc`) to a helper that does.
const AUDITS = /\b(audit|restrictedRead|unchanged)\s*\(|[(,]\s*uc\s*[,)]/;
/** The body of a function, without its parameter list (which names `uc` in every use case). */
const body = (fn: (...args: never[]) => unknown) => String(fn).replace(/^[^)]*\)\s*(:[^=]*)?=>|^[^{]*\{/, '');

describe('module contract', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('installs every part listed in modules/index.ts, each with use cases', () => {
    expect(installedModules().map((m) => m.name)).toEqual(['directory', 'talks', 'fund', 'aid']);
    for (const m of installedModules()) expect(m.useCases?.length ?? 0, m.name).toBeGreaterThan(0);
  });

  for (const m of installedModules()) {
    describe(m.name, () => {
      const useCases = m.useCases ?? [];
      const writes = useCases.filter((u) => u.spec.kind === 'write');

      it('names each use case once, under the part', () => {
        const names = useCases.map((u) => u.spec.name);
        expect(names.filter((n) => !n.startsWith(`${m.name}.`))).toEqual([]);
        expect(new Set(names).size).toBe(names.length);
      });

      it('declares every write with its permission check and an audit entity of the part', () => {
        const bad = writes
          .filter(
            (u) =>
              typeof u.spec.allow !== 'function' ||
              u.spec.kind !== 'write' ||
              !(m.auditEntities ?? []).includes(u.spec.audit),
          )
          .map((u) => u.spec.name);
        expect(bad).toEqual([]);
      });

      it('records an audit event in the body of every write', () => {
        const silent = writes.filter((u) => !AUDITS.test(body(u.spec.run))).map((u) => u.spec.name);
        expect(silent).toEqual([]);
      });

      it('refuses an anonymous caller of every non-public write before reading the input, writing nothing', async () => {
        const count = async () =>
          Number(
            (await database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_events`))
              .rows[0].n,
          );
        const before = await count();
        const ctx: Ctx = {
          db: database.db,
          actor: null,
          locale: 'en',
          now: new Date(),
          requestId: 'contract',
        };
        const accepted: string[] = [];
        for (const u of writes) {
          if (u.spec.kind === 'write' && u.spec.public) continue;
          const outcome = await u(ctx, {}).then(
            () => 'accepted',
            (e: unknown) => (isAppError(e) ? e.code : String(e)),
          );
          if (outcome !== 'unauthenticated' && outcome !== 'forbidden')
            accepted.push(`${u.spec.name}: ${outcome}`);
        }
        expect(accepted).toEqual([]);
        expect(await count()).toBe(before);
      });

      it('offers no use case outside the kit: what index.ts exports taking a Ctx is a use case', async () => {
        const surface = (await import(path.join(root, 'src/modules', m.name, 'index.ts'))) as Record<
          string,
          unknown
        >;
        const offenders = Object.entries(surface)
          .filter(([, v]) => typeof v === 'function' && !('spec' in v))
          .filter(([, v]) => /^async function \w*\s*\(\s*ctx\b/.test(String(v)))
          .map(([k]) => k);
        expect(offenders).toEqual([]);
      });
    });
  }
});
