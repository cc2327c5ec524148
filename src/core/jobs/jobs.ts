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
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 5000 });
    },
  };
}
