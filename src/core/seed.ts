import { sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import type { AppServices } from './http/types.ts';
import { seedSteps } from './module/install.ts';

const SEED_LOCK = 7_320_031;

/**
 * First run: every part's `base` seed steps (the UCLG Sections, the CEMR member associations…)
 * and, unless PEACETALKS_DEMO=false, their `demo` steps, so that a new user meets a living
 * platform. Runs once per database, in one transaction, whichever instance gets there first.
 */
export async function seedOnFirstRun(
  services: Pick<AppServices, 'database' | 'config'>,
  log: (m: string) => void,
): Promise<boolean> {
  return services.database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    const done = await tx.execute(sql`SELECT 1 FROM settings WHERE key = 'seeded_at'`);
    if (done.rows.length > 0) return false;
    const ctx: Ctx = { db: tx, actor: null, locale: 'en', now: new Date(), requestId: 'seed' };
    await runSeedSteps(ctx, services.config.PEACETALKS_DEMO ? ['base', 'demo'] : ['base'], log);
    await tx.execute(
      sql`INSERT INTO settings (key, value) VALUES ('seeded_at', ${JSON.stringify(ctx.now.toISOString())}::jsonb)`,
    );
    return true;
  });
}

/** The seed steps of the given stages, in order across every part. */
export async function runSeedSteps(
  ctx: Ctx,
  stages: ('base' | 'demo')[],
  log: (m: string) => void,
): Promise<void> {
  for (const step of seedSteps()) {
    if (!stages.includes(step.stage)) continue;
    log(step.name);
    await step.run(ctx, log);
  }
}
