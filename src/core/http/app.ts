import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import qs from 'node:querystring';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { resolveApiToken, resolveSession } from '../auth/resolve.ts';
import { ANON_COOKIE, LANG_COOKIE, SESSION_COOKIE } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';
import { defaultLocale, fromAcceptLanguage, isLocale } from '../i18n/i18n.ts';
import { csrfToken, csrfValid, newAnonId } from './csrf.ts';
import { sendError } from './errors.ts';
import { registerOpenApi, serveOpenApi } from './openapi.ts';
import { requestLogOptions } from './request-log.ts';
import type { AppServices } from './types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);

/** A route plugin of a module: registered by the app after the kernel's hooks. */
export type RouteModule = (app: FastifyInstance, services: AppServices) => Promise<void> | void;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(services: AppServices, modules: RouteModule[]): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL },
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
    ...requestLogOptions,
    // A hop count trusts that many proxies nearest to us, as proxy-addr counts them.
    trustProxy:
      typeof config.TRUST_PROXY === 'number'
        ? (_addr: string, hop: number) => hop < (config.TRUST_PROXY as number)
        : config.TRUST_PROXY,
    // Slow or stalled clients are cut off instead of holding a connection (and a socket) forever.
    requestTimeout: config.REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
  }).withTypeProvider<ZodTypeProvider>();

  // Node refuses a headers timeout longer than the whole request's.
  app.server.headersTimeout = Math.min(config.HEADERS_TIMEOUT_SECONDS, config.REQUEST_TIMEOUT_SECONDS) * 1000;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorateRequest('app', null as unknown as AppServices);
  app.decorateRequest('actor', null);
  app.decorateRequest('locale', defaultLocale);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('mfaPending', false);
  app.decorateRequest('viaToken', false);
  app.decorateRequest('csrfBinding', '');
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('ctx', function (this: import('fastify').FastifyRequest) {
    return {
      db: services.database.db,
      actor: this.actor,
      locale: this.locale,
      now: new Date(),
      requestId: String(this.id),
    };
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Users on poor connections: every answer above 1 KB leaves compressed (brotli or gzip).
  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie);
  // Forms: a plain parser with the same size limit; repeated fields become arrays.
  await app.register(formbody, { bodyLimit: config.BODY_LIMIT_BYTES, parser: (s) => qs.parse(s) });
  await app.register(multipart, {
    limits: { fileSize: config.UPLOAD_LIMIT_BYTES, files: 1, fields: 50, fieldSize: 100_000 },
  });
  await registerOpenApi(app);
  await app.register(fastifyStatic, {
    root: path.join(root, 'public'),
    prefix: '/static/',
    maxAge: '7d',
    immutable: false,
  });
  const htmxDir = path.dirname(require.resolve('htmx.org/dist/htmx.min.js'));
  await app.register(fastifyStatic, {
    root: htmxDir,
    prefix: '/static/vendor/htmx/',
    decorateReply: false,
    maxAge: '30d',
    allowedPath: (p) => p === '/htmx.min.js',
  });

  app.addHook('onRequest', async (request, reply) => {
    request.app = services;
    reply.header('x-request-id', request.id);
    const now = new Date();
    const db = services.database.db;
    // Who: an API token, else a session cookie. A request with a token carries no ambient
    // authority: its cookies are ignored entirely, and it needs no CSRF token.
    let sessionLocale: string | null = null;
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      const actor = await resolveApiToken(db, bearer, now);
      if (!actor) throw new AppError('unauthenticated', { reason: 'invalid_token' });
      request.actor = actor;
      request.viaToken = true;
      request.cookies = {};
    } else {
      const cookieValue = request.cookies[SESSION_COOKIE];
      if (cookieValue) {
        const s = await resolveSession(db, cookieValue, now);
        if (s) {
          request.sessionId = s.sessionId;
          request.mfaPending = s.mfaPending;
          if (!s.mfaPending) request.actor = s.actor;
          sessionLocale = s.locale;
        }
      }
    }
    // Language: ?lang= for this page, then the signed-in user's setting, then the cookie the
    // switcher left, then Accept-Language. A shared link with ?lang= never changes a user's
    // saved language; only the switcher's explicit choice does (POST /account/language).
    const q = (request.query as Record<string, unknown> | undefined)?.lang;
    const userLocale =
      request.sessionId && request.actor && isLocale(sessionLocale) ? sessionLocale : undefined;
    if (isLocale(q) && !request.viaToken && !userLocale) {
      reply.setCookie(LANG_COOKIE, q, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.COOKIE_SECURE,
        maxAge: 365 * 86400,
      });
    }
    const cookieLocale = request.cookies[LANG_COOKIE];
    request.locale = isLocale(q)
      ? q
      : (userLocale ??
        (isLocale(cookieLocale)
          ? cookieLocale
          : (fromAcceptLanguage(request.headers['accept-language']) ?? defaultLocale)));
    if (request.viaToken) return;
    // CSRF binding: the session cookie, or an anonymous cookie set on first visit.
    let binding =
      request.cookies[SESSION_COOKIE] && request.sessionId
        ? request.cookies[SESSION_COOKIE]!
        : request.cookies[ANON_COOKIE];
    if (!binding) {
      binding = newAnonId();
      reply.setCookie(ANON_COOKIE, binding, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.COOKIE_SECURE,
      });
      request.cookies[ANON_COOKIE] = binding;
    }
    request.csrfBinding = binding;
    request.csrfToken = csrfToken(services.secret, binding);
  });

  // CSRF: every unsafe request authenticated by cookie must carry the token (form field `_csrf`,
  // header `x-csrf-token`, or `?_csrf=` on multipart uploads). Only a valid bearer token exempts
  // a request: any other Authorization header (Basic, Negotiate…) leaves the cookie in charge.
  app.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method) || request.viaToken) return;
    const body = request.body as Record<string, unknown> | undefined;
    const token =
      request.headers['x-csrf-token'] ??
      (body && typeof body === 'object' ? body._csrf : undefined) ??
      // A multipart upload is read as a stream after this hook: its form carries the token in the URL.
      (request.isMultipart() ? (request.query as Record<string, unknown> | undefined)?._csrf : undefined);
    if (!csrfValid(services.secret, request.csrfBinding, token)) {
      // JSON requests cannot be sent cross-site without CORS preflight, which we never allow,
      // so a JSON body also proves same-origin when there is no session to protect.
      const isJson = (request.headers['content-type'] ?? '').startsWith('application/json');
      if (!(isJson && !request.sessionId)) throw new AppError('csrf_invalid');
    }
  });

  // A change answered here empties this instance's cache before the answer leaves, so its author
  // never reads a stale page; other instances hear of it through NOTIFY (see core/cache).
  app.addHook('onSend', async (request, _reply, payload) => {
    if (UNSAFE.has(request.method)) services.cache.clear();
    return payload;
  });

  app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('not_found')));

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const started = Date.now();
    try {
      await services.database.pool.query('SELECT 1');
      return {
        status: 'ok',
        database: { status: 'ok', latencyMs: Date.now() - started },
        uptimeSeconds: Math.round(process.uptime()),
      };
    } catch {
      reply.code(503);
      return {
        status: 'degraded',
        database: { status: 'unavailable' },
        uptimeSeconds: Math.round(process.uptime()),
      };
    }
  });

  for (const m of modules) await m(app, services);

  serveOpenApi(app);
  return app;
}
