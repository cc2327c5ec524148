import { sql } from 'drizzle-orm';
import type { Ctx } from './core/context.ts';
import type { AppServices } from './core/http/types.ts';
import { seedDemoNetwork, seedUclgNetwork } from './modules/directory/index.ts';
import { seedTalksDemo } from './modules/talks/index.ts';

const SEED_LOCK = 7_320_031;

/**
 * First run: the nine UCLG Sections and the CEMR member associations, and (unless
 * PEACETALKS_DEMO=false) a demo network, so that a new user meets a living platform.
 * Runs once per database, in one transaction, whichever instance gets there first.
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
    log('loading the UCLG Sections and the CEMR member associations');
    await seedUclgNetwork(ctx);
    if (services.config.PEACETALKS_DEMO) {
      log('loading the demo network');
      await seedDemoNetwork(ctx);
      log('loading the demo Peace Talks');
      await seedTalksDemo(ctx);
    }
    await tx.execute(
      sql`INSERT INTO settings (key, value) VALUES ('seeded_at', ${JSON.stringify(ctx.now.toISOString())}::jsonb)`,
    );
    return true;
  });
}
