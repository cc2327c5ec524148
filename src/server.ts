import type { FastifyInstance } from 'fastify';
import { type AuditSealer, startAuditSealer } from './core/audit/index.ts';
import { createResponseCache, type ResponseCache } from './core/cache/response-cache.ts';
import type { Config } from './core/config.ts';
import { instanceSecret, type OpenDatabase, openDatabase } from './core/db/open.ts';
import { buildApp } from './core/http/app.ts';
import type { AppServices } from './core/http/types.ts';
import { createJobs, type Jobs } from './core/jobs/jobs.ts';
import { createMailer } from './core/mail/mailer.ts';
import { installModules } from './core/module/install.ts';
import { platformRoutes, registerJobs } from './core/platform.ts';
import { seedOnFirstRun } from './core/seed.ts';
import { renderErrorPage } from './core/ui/error-page.tsx';
import { modules } from './modules/index.ts';

export interface Platform {
  app: FastifyInstance;
  services: AppServices;
  opened: OpenDatabase;
  close(): Promise<void>;
}

/** Open the database, prepare the services and the HTTP app (not yet listening). */
export async function createPlatform(
  config: Config,
  log: (m: string) => void = () => undefined,
): Promise<Platform> {
  installModules(modules);
  const opened = await openDatabase(config, log);
  let jobs: Jobs | undefined;
  let cache: ResponseCache | undefined;
  let sealer: AuditSealer | undefined;
  try {
    const secret = await instanceSecret(opened.database);
    const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
    jobs = createJobs(opened.database.url, {
      work: config.PEACETALKS_JOBS,
      onError: (e) => log(`jobs: ${String(e)}`),
    });
    cache = createResponseCache({
      maxBytes: config.RESPONSE_CACHE_MB * 1024 * 1024,
      listenUrl: opened.database.url,
      onError: (e) => log(`cache: ${String(e)}`),
    });
    const services: AppServices = {
      config,
      database: opened.database,
      mailer,
      jobs,
      cache,
      secret,
      renderErrorPage,
    };
    sealer = startAuditSealer(opened.database, { onError: (e) => log(`audit sealer: ${String(e)}`) });
    registerJobs(jobs, services);
    await jobs.start();
    await seedOnFirstRun(services, log);
    const app = await buildApp(services, platformRoutes());
    let closed = false;
    return {
      app,
      services,
      opened,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await services.jobs.stop();
        await sealer?.stop();
        await services.cache.close();
        await opened.close();
      },
    };
  } catch (e) {
    await jobs?.stop().catch(() => undefined);
    await sealer?.stop();
    await cache?.close();
    await opened.close();
    throw e;
  }
}

export class PortInUseError extends Error {}

export async function listen(platform: Platform, config: Config): Promise<string> {
  try {
    return await platform.app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(
        `Port ${config.PORT} on ${config.HOST} is already in use. Stop the other program or choose another port with PORT=…`,
      );
    }
    throw e;
  }
}
