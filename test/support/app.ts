import type { FastifyInstance } from 'fastify';
import { createResponseCache } from '../../src/core/cache/response-cache.ts';
import { loadConfig } from '../../src/core/config.ts';
import type { Actor, Ctx } from '../../src/core/context.ts';
import { instanceSecret } from '../../src/core/db/open.ts';
import { buildApp } from '../../src/core/http/app.ts';
import type { AppServices } from '../../src/core/http/types.ts';
import type { Jobs } from '../../src/core/jobs/jobs.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { platformRoutes, registerJobs } from '../../src/core/platform.ts';
import { seedOnFirstRun } from '../../src/core/seed.ts';
import { renderErrorPage } from '../../src/core/ui/error-page.tsx';
import { createTestDatabase } from './database.ts';
import './modules.ts';

/** Jobs that run inline: tests see the effect of a job when `send` returns. */
export function inlineJobs(): Jobs & { sent: { queue: string; data: Record<string, unknown> }[] } {
  const handlers = new Map<string, (d: Record<string, unknown>) => Promise<void>>();
  const sent: { queue: string; data: Record<string, unknown> }[] = [];
  return {
    sent,
    async send(queue, data) {
      sent.push({ queue, data });
      await handlers.get(queue)?.(data);
      return String(sent.length);
    },
    handle(queue, h) {
      handlers.set(queue, h);
    },
    async start() {},
    async stop() {},
  };
}

export interface TestApp {
  app: FastifyInstance;
  services: AppServices;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  ctx(actor?: Actor | null): Ctx;
  close(): Promise<void>;
}

/**
 * The real app on a database of its own, for `app.inject` requests. `cache: true` turns on the
 * cache of public answers (off by default: most tests write through use cases and read back at
 * once, faster than the change notification travels).
 */
export async function createTestApp(
  opts: { seed?: boolean; demo?: boolean; cache?: boolean; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    PEACETALKS_DEMO: opts.demo ? 'true' : 'false',
    RESPONSE_CACHE_MB: opts.cache ? '16' : '0',
    ...opts.env,
  });
  const services: AppServices = {
    config,
    database,
    mailer: createMailer({ from: config.MAIL_FROM }),
    jobs: inlineJobs(),
    cache: createResponseCache({ maxBytes: config.RESPONSE_CACHE_MB * 1024 * 1024, listenUrl: database.url }),
    secret: await instanceSecret(database),
    renderErrorPage,
  };
  registerJobs(services.jobs, services);
  if (opts.seed) await seedOnFirstRun(services, () => undefined);
  const app = await buildApp(services, platformRoutes());
  await app.ready();
  return {
    app,
    services,
    database,
    ctx: (actor = null) => ({ db: database.db, actor, locale: 'en', now: new Date(), requestId: 'test' }),
    async close() {
      await app.close();
      await services.cache.close();
      await database.drop();
    },
  };
}
