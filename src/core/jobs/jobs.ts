import PgBoss from 'pg-boss';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

/**
 * Background jobs in PostgreSQL (pg-boss): they survive restarts and any app instance can run
 * them. Modules declare handlers by queue name; `send` enqueues.
 */
export interface Jobs {
  send(
    queue: string,
    data: Record<string, unknown>,
    opts?: { singletonKey?: string },
  ): Promise<string | null>;
  handle(queue: string, handler: JobHandler): void;
  /**
   * Run `queue` on a cron schedule (UTC). pg-boss keeps one schedule per queue in the database,
   * so every instance may declare it; one instance sends each run. Declared before `start`.
   */
  schedule?(queue: string, cron: string, data?: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobs(url: string, opts: { work: boolean; onError?: (e: unknown) => void }): Jobs {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max: 4,
    application_name: 'peacetalks-jobs',
  });
  boss.on('error', (e) => opts.onError?.(e));
  const handlers = new Map<string, JobHandler>();
  const schedules = new Map<string, { cron: string; data: Record<string, unknown> }>();
  let started = false;
  return {
    async send(queue, data, o) {
      if (!started) throw new Error('jobs not started');
      return boss.send(queue, data, {
        singletonKey: o?.singletonKey,
        retryLimit: 5,
        retryDelay: 30,
        retryBackoff: true,
      });
    },
    handle(queue, handler) {
      handlers.set(queue, handler);
    },
    schedule(queue, cron, data = {}) {
      schedules.set(queue, { cron, data });
    },
    async start() {
      await boss.start();
      started = true;
      for (const [queue, handler] of handlers) {
        await boss.createQueue(queue).catch(() => undefined);
        if (opts.work) {
          await boss.work(queue, async (jobs) => {
            for (const job of jobs) await handler(job.data as Record<string, unknown>);
          });
        }
      }
      for (const [queue, { cron, data }] of schedules) {
        await boss.createQueue(queue).catch(() => undefined);
        await boss.schedule(queue, cron, data, { tz: 'UTC' });
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 5000 });
    },
  };
}
