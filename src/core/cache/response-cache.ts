import pg from 'pg';

/**
 * What anonymous readers get is the same for all of them: a search result, a directory page,
 * an organisation page. This cache keeps such answers in memory, keyed by language and address,
 * so the busiest public pages cost no database work. It is a cache that can always be rebuilt,
 * never the only copy of anything.
 *
 * Correctness comes from invalidation, not from expiry: every change writes an audit event, and
 * `audit()` sends `NOTIFY peacetalks_changes` in the same transaction; each app instance LISTENs
 * and empties its cache when a change commits, wherever it was made. While the listening
 * connection is down the cache answers nothing, so a missed notification can never serve stale
 * pages. A TTL bounds the life of entries all the same.
 */
export const CHANGES_CHANNEL = 'peacetalks_changes';

interface Entry {
  value: unknown;
  bytes: number;
  expires: number;
}

export interface ResponseCache {
  readonly enabled: boolean;
  /** Grows at every clear: an answer computed before a clear is not kept after it. */
  readonly generation: number;
  get(key: string): unknown | undefined;
  set(key: string, value: unknown, bytes: number, generation: number): void;
  clear(): void;
  stats(): { entries: number; bytes: number; hits: number; misses: number };
  close(): Promise<void>;
}

export function createResponseCache(opts: {
  maxBytes: number;
  ttlMs?: number;
  listenUrl?: string;
  onError?: (e: unknown) => void;
}): ResponseCache {
  const entries = new Map<string, Entry>();
  const ttl = opts.ttlMs ?? 5 * 60_000;
  let bytes = 0;
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let listening = !opts.listenUrl;
  let closed = false;
  let client: pg.Client | null = null;

  const clear = () => {
    entries.clear();
    bytes = 0;
    generation++;
  };

  const connect = async () => {
    if (closed || !opts.listenUrl || opts.maxBytes <= 0) return;
    const c = new pg.Client({ connectionString: opts.listenUrl, application_name: 'peacetalks-cache' });
    c.on('notification', clear);
    const lost = (e?: unknown) => {
      if (client !== c) return;
      listening = false;
      client = null;
      clear();
      if (e) opts.onError?.(e);
      if (!closed) setTimeout(() => void connect(), 1000).unref();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      client = c;
      await c.connect();
      await c.query(`LISTEN ${CHANGES_CHANNEL}`);
      clear();
      listening = true;
    } catch (e) {
      lost(e);
      await c.end().catch(() => undefined);
    }
  };
  void connect();

  return {
    get enabled() {
      return opts.maxBytes > 0 && listening && !closed;
    },
    get generation() {
      return generation;
    },
    get(key) {
      if (!this.enabled) return undefined;
      const e = entries.get(key);
      if (!e || e.expires < Date.now()) {
        if (e) {
          entries.delete(key);
          bytes -= e.bytes;
        }
        misses++;
        return undefined;
      }
      // Most recently used last: eviction takes from the front.
      entries.delete(key);
      entries.set(key, e);
      hits++;
      return e.value;
    },
    set(key, value, size, computedAt) {
      if (!this.enabled || computedAt !== generation || size > opts.maxBytes / 10) return;
      const old = entries.get(key);
      if (old) bytes -= old.bytes;
      entries.set(key, { value, bytes: size, expires: Date.now() + ttl });
      bytes += size;
      for (const [k, e] of entries) {
        if (bytes <= opts.maxBytes) break;
        entries.delete(k);
        bytes -= e.bytes;
      }
    },
    clear,
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
    async close() {
      closed = true;
      clear();
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
