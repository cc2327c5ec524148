import type { FastifyRequest } from 'fastify';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { Config } from '../config.ts';
import type { Actor, Ctx } from '../context.ts';
import type { Database } from '../db/pool.ts';
import type { AppError } from '../errors.ts';
import type { Locale } from '../i18n/i18n.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Mailer } from '../mail/mailer.ts';

/** What the app factory hands to every route: configuration and the shared services. */
export interface AppServices {
  config: Config;
  database: Database;
  mailer: Mailer;
  jobs: Jobs;
  /** Answers for anonymous readers, emptied on every change (see core/cache). */
  cache: ResponseCache;
  /** Instance secret (stored in the database so every instance shares it): CSRF tokens. */
  secret: string;
  renderErrorPage?: (request: FastifyRequest, e: AppError) => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    app: AppServices;
    actor: Actor | null;
    locale: Locale;
    sessionId: string | null;
    /** The session's second factor is still to be entered. */
    mfaPending: boolean;
    /** Authenticated by a bearer API token: cookies are ignored and no CSRF token is asked. */
    viaToken: boolean;
    /** The value CSRF tokens are bound to (session cookie or anonymous cookie). */
    csrfBinding: string;
    csrfToken: string;
    ctx(): Ctx;
  }
}
