import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Every JSON route listed in the OpenAPI document answers bad input with a 4xx and an error
 * code: wrong types, missing fields, oversized bodies, malformed ids and hostile strings never
 * give a 500.
 */

type Op = { method: string; path: string; op: any };

let t: TestApp;
let token: string;
let ops: Op[] = [];
let doc: any;

const HOSTILE = [
  "'; DROP TABLE organisations; --",
  '<script>alert(1)</script>',
  'a\u0000b',
  '\u202Eevil\u202C',
  '😀'.repeat(3000),
  '../../../../etc/passwd',
  `{{7*7}}\${7*7}`,
  'x'.repeat(200_000),
];

function resolveRef(schema: any): any {
  if (schema?.$ref) {
    const name = schema.$ref.split('/').pop();
    return doc.components?.schemas?.[name] ?? {};
  }
  return schema ?? {};
}

/** A value of the wrong type for a schema. */
function wrongType(schema: any): unknown {
  const s = resolveRef(schema);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'maybe';
    case 'array':
      return 42;
    case 'object':
      return 'not-an-object';
    default:
      return [[{ deeply: ['nested'] }]];
  }
}

function bodySchema(op: any): any {
  return resolveRef(op.requestBody?.content?.['application/json']?.schema);
}

function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

async function send(method: string, url: string, payload?: unknown, raw?: string) {
  return t.app.inject({
    method: method.toUpperCase() as any,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(payload !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    payload: raw ?? (payload === undefined ? undefined : JSON.stringify(payload)),
  });
}

function expectClientError(res: { statusCode: number; body: string }, what: string) {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  const body = JSON.parse(res.body);
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  if (body.error.code === 'validation_failed') shapes.push({ what, details: body.error.details });
}

/** Every `validation_failed` seen, to check that all routes give its details one shape. */
const shapes: { what: string; details: unknown }[] = [];
const oneShape = (details: unknown) =>
  Array.isArray(details) &&
  details.length > 0 &&
  details.every(
    (d) =>
      typeof d?.path === 'string' &&
      typeof d?.code === 'string' &&
      typeof d?.message === 'string' &&
      Object.keys(d).length === 3,
  );

beforeAll(async () => {
  t = await createTestApp({ seed: true, demo: true });
  // An admin with a token that may do everything: the strictest test of validation.
  const userId = (
    await t.database.db.execute<{ id: string }>(
      sql`INSERT INTO users (email, name, status) VALUES ('fuzz@example.org', 'Fuzz', 'active') RETURNING id`,
    )
  ).rows[0].id;
  await t.database.db.execute(sql`INSERT INTO user_roles (user_id, role) VALUES (${userId}, 'admin')`);
  token = `pt_${randomBytes(24).toString('base64url')}`;
  await t.database.db.execute(
    sql`INSERT INTO api_tokens (user_id, name, token_hash, scopes) VALUES (${userId}, 'fuzz', ${createHash('sha256').update(token).digest('hex')}, ${'{read,write,admin}'}::text[])`,
  );
  doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
  ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]: [string, any]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ method, path, op })),
  );
});

afterAll(async () => t?.close());

describe('every JSON route rejects bad input with a 4xx and an error code', () => {
  it('lists JSON routes in the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(5);
  });

  it('malformed path parameters', async () => {
    for (const { method, path } of ops.filter((o) => o.path.includes('{'))) {
      for (const bad of [
        'not-a-uuid',
        '00000000-0000-0000-0000-000000000000',
        "1' OR '1'='1",
        'x'.repeat(400),
      ]) {
        const res = await send(
          method,
          fillPath(path, bad),
          method === 'get' || method === 'delete' ? undefined : {},
        );
        expectClientError(res, `${method.toUpperCase()} ${path} with id ${bad.slice(0, 20)}`);
      }
    }
  });

  it('wrong query parameter types', async () => {
    for (const { path, op } of ops.filter((o) => o.method === 'get')) {
      const typed = (op.parameters ?? []).filter(
        (p: any) => p.in === 'query' && ['integer', 'number', 'boolean'].includes(resolveRef(p.schema).type),
      );
      for (const p of typed) {
        const url = `${fillPath(path, '00000000-0000-0000-0000-000000000000')}?${encodeURIComponent(p.name)}=${encodeURIComponent('abc')}`;
        const res = await send('get', url);
        expectClientError(res, `GET ${path}?${p.name}=abc`);
      }
      const enums = (op.parameters ?? []).filter((p: any) => p.in === 'query' && resolveRef(p.schema).enum);
      for (const p of enums) {
        const res = await send(
          'get',
          `${fillPath(path, '00000000-0000-0000-0000-000000000000')}?${p.name}=definitely-not-allowed`,
        );
        expectClientError(res, `GET ${path}?${p.name}=bad`);
      }
    }
  });

  it('bodies: missing, wrong types, not JSON, oversized', async () => {
    for (const { method, path, op } of ops.filter((o) => bodySchema(o.op).type === 'object')) {
      const url = fillPath(path, '00000000-0000-0000-0000-000000000000');
      const schema = bodySchema(op);
      const required: string[] = schema.required ?? [];
      if (required.length > 0) expectClientError(await send(method, url, {}), `${method} ${path} {}`);
      expectClientError(
        await send(method, url, undefined, '{"unterminated": '),
        `${method} ${path} invalid JSON`,
      );
      expectClientError(await send(method, url, [1, 2, 3]), `${method} ${path} array body`);
      for (const [field, fs] of Object.entries(schema.properties ?? {})) {
        const res = await send(method, url, { [field]: wrongType(fs) });
        expectClientError(res, `${method} ${path} ${field} of the wrong type`);
      }
      const big = await send(method, url, undefined, JSON.stringify({ x: 'y'.repeat(2 * 1024 * 1024) }));
      expectClientError(big, `${method} ${path} oversized`);
      expect(big.statusCode).toBe(413);
    }
  });

  it('hostile strings never cause a server error', async () => {
    for (const { method, path, op } of ops) {
      const url = fillPath(path, '00000000-0000-0000-0000-000000000000');
      const schema = bodySchema(op);
      const stringFields = Object.entries(schema.properties ?? {}).filter(
        ([, s]) => resolveRef(s).type === 'string',
      );
      for (const h of HOSTILE) {
        if (method === 'get') {
          const res = await send('get', `${url}?q=${encodeURIComponent(h.slice(0, 2000))}`);
          expect(res.statusCode, `GET ${path}?q=hostile → ${res.body.slice(0, 200)}`).toBeLessThan(500);
          continue;
        }
        if (stringFields.length === 0) continue;
        const payload = Object.fromEntries(stringFields.map(([k]) => [k, h]));
        const res = await send(method, url, payload);
        expect(res.statusCode, `${method} ${path} hostile → ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
    }
  });

  it('gives validation_failed one shape on every route: a list of { path, code, message }', () => {
    expect(shapes.length).toBeGreaterThan(50);
    const routes = new Set(shapes.map((s) => s.what.split(' ').slice(0, 2).join(' ')));
    expect(routes.size).toBeGreaterThan(20);
    const other = shapes
      .filter((s) => !oneShape(s.details))
      .map((s) => `${s.what}: ${JSON.stringify(s.details)}`);
    expect(other.slice(0, 20)).toEqual([]);
  });
});
