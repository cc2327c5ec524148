import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { AppError } from '../errors.ts';
import { sendError } from './errors.ts';
import { requestLogOptions } from './request-log.ts';

describe('request logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the app uses the one-line-per-request controller', () => {
    expect(t.app.initialConfig).not.toHaveProperty('disableRequestLogging', true);
    expect(requestLogOptions.logController.constructor.name).toBe('OneLinePerRequest');
  });

  it('writes one line per request with method, address, status, time and the error code', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    const app = Fastify({ logger: { level: 'info', stream }, ...requestLogOptions });
    app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
    app.get('/x', async () => 'ok');
    app.get('/gone', async () => {
      throw new AppError('not_found');
    });
    app.get('/boom', async () => {
      throw new Error('database on fire');
    });
    await app.inject({ method: 'GET', url: '/x?a=1' });
    await app.inject({ method: 'GET', url: '/gone' });
    await app.inject({ method: 'GET', url: '/boom' });
    await app.close();
    const requests = lines.filter((l) => l.reqId);
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/x?a=1', status: 200, msg: 'GET /x?a=1 200' });
    expect(typeof requests[0].ms).toBe('number');
    expect(requests[1]).toMatchObject({ url: '/gone', status: 404, code: 'not_found', level: 30 });
    expect(requests[2]).toMatchObject({ url: '/boom', status: 500, code: 'internal', level: 50 });
    expect(JSON.stringify(requests[2].err)).toContain('database on fire');
  });
});
