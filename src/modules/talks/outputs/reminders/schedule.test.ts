import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/support/database.ts';
import { createJobs, type Jobs } from '../../../../core/jobs/jobs.ts';
import { REMINDERS_CRON, REMINDERS_QUEUE } from './sweep.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let jobs: Jobs;

beforeAll(async () => {
  database = await createTestDatabase();
  jobs = createJobs(database.url, { work: false });
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  await database?.drop();
});

it('keeps the reminder sweep on a cron schedule in pg-boss, once however many instances declare it', async () => {
  jobs.handle(REMINDERS_QUEUE, async () => undefined);
  jobs.schedule?.(REMINDERS_QUEUE, REMINDERS_CRON);
  await jobs.start();
  const second = createJobs(database.url, { work: false });
  second.schedule?.(REMINDERS_QUEUE, REMINDERS_CRON);
  await second.start();
  await second.stop();
  const r = await database.pool.query('SELECT name, cron, options FROM pgboss.schedule');
  expect(r.rows).toEqual([expect.objectContaining({ name: REMINDERS_QUEUE, cron: '*/15 * * * *' })]);
  expect(r.rows[0].options).toMatchObject({ tz: 'UTC' });
}, 60_000);
