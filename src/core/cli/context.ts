import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import type { Ctx } from '../context.ts';
import { type OpenDatabase, openDatabase } from '../db/open.ts';

export const cliLog = (m: string) => process.stderr.write(`peacetalks: ${m}\n`);

/**
 * Open the database for a one-off command. With the embedded database, a command run while
 * `serve` is running uses the same server as a guest (see core/db/embedded.ts).
 */
export async function withDatabase<T>(
  fn: (opened: OpenDatabase, ctx: Ctx, config: Config) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const opened = await openDatabase(config, cliLog, opts);
  const ctx: Ctx = { db: opened.database.db, actor: null, locale: 'en', now: new Date(), requestId: 'cli' };
  try {
    return await fn(opened, ctx, config);
  } finally {
    await opened.close();
  }
}
