import path from 'node:path';
import { z } from 'zod';
import { installedModules } from './module/install.ts';

/**
 * Every environment variable the platform reads, with its default. Parsed once at boot;
 * a bad value stops the start with a message naming the variable.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().min(1).default('localhost').describe('address the HTTP server listens on'),
  PEACETALKS_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('folder for the embedded database and uploads'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('use this PostgreSQL server instead of the embedded one'),
  PEACETALKS_DB_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(0)
    .describe('port of the embedded PostgreSQL (0: a free port)'),
  PUBLIC_URL: z.string().url().optional().describe('address users reach the platform at, used in emails'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('how much the server logs (JSON lines on stdout)'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('send email through this server; without it mail goes to the outbox'),
  MAIL_FROM: z.string().default('Peace Talks <no-reply@peacetalks.local>').describe('sender of the emails'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14)
    .describe('how long a sign-in lasts, in hours'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('largest JSON or form body accepted'),
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024)
    .describe('largest uploaded file (CSV imports)'),
  LOGIN_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('failed sign-ins for one account from one address before each retry waits (1, 2, 4… minutes)'),
  LOGIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15)
    .describe('the longest wait after failed sign-ins, and the window of the per-address limit, in minutes'),
  LOGIN_ADDRESS_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe(
      'failed sign-ins per window from one address, whatever the account (generous: offices share addresses)',
    ),
  PEACETALKS_DEMO: bool.default(true).describe('load the demo network on first run'),
  PEACETALKS_JOBS: bool.default(true).describe('run background jobs (mail, imports) in this process'),
  COOKIE_SECURE: bool.default(false).describe('mark cookies Secure (always on when PUBLIC_URL is https)'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, c) => {
      const r = trustProxy(v);
      if (r === null)
        c.addIssue({ code: 'custom', message: 'true, false, a hop count or a list of addresses/CIDRs' });
      return r ?? false;
    })
    .describe(
      "take the client address from X-Forwarded-For: false, true (any proxy), a hop count, or the proxies' addresses/CIDRs, comma-separated",
    ),
  REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(120)
    .describe('longest time a client may take to send a whole request (uploads included)'),
  HEADERS_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(20)
    .describe('longest time a client may take to send the request headers'),
  KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(10)
    .describe('how long an idle kept-alive connection stays open'),
  RESPONSE_CACHE_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(4096)
    .default(64)
    .describe('memory for answers to anonymous readers, emptied on every change (0: no cache)'),
  DB_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(20)
    .describe('database connections per app process'),
});

/** `TRUST_PROXY` as Fastify's `trustProxy` takes it; null when the value means nothing. */
function trustProxy(v: string): boolean | number | string[] | null {
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no', ''].includes(s)) return false;
  if (/^\d+$/.test(s)) return Number(s);
  const list = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return list.every(
    (x) => /^[0-9a-f:.]+(\/\d{1,3})?$/.test(x) || ['loopback', 'linklocal', 'uniquelocal'].includes(x),
  )
    ? list
    : null;
}

export type Config = z.infer<typeof configSchema> & { dataDir: string };

export class ConfigError extends Error {}

/** The kernel's variables and those of every installed part (`config` in their manifests). */
function fullSchema() {
  const shape: z.ZodRawShape = { ...configSchema.shape };
  for (const m of installedModules()) Object.assign(shape, m.config?.shape ?? {});
  return z.object(shape);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = fullSchema().safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const data = parsed.data as z.infer<typeof configSchema> & Record<string, unknown>;
  for (const m of installedModules()) {
    if (!m.config) continue;
    m.config.set(Object.fromEntries(Object.keys(m.config.shape).map((k) => [k, data[k]])));
  }
  // Served over https, a cookie without Secure could leak on a plain-http request to the same host.
  const secure = data.COOKIE_SECURE || data.PUBLIC_URL?.startsWith('https:') === true;
  return { ...data, COOKIE_SECURE: secure, dataDir: path.resolve(data.PEACETALKS_DATA_DIR) };
}

/** Documentation of the variables, used by `peacetalks --help` and the README. */
export function describeConfig(): { name: string; default: unknown; description: string }[] {
  return Object.entries(fullSchema().shape).map(([name, s]) => {
    const schema = s as z.ZodType;
    let def: unknown;
    const r = schema.safeParse(undefined);
    if (r.success) def = r.data;
    return { name, default: def, description: schema.description ?? '' };
  });
}
