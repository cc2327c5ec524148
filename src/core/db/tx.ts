import type { Db } from './pool.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Work to do once a transaction opened by `inTransaction` has committed (never if it rolled back):
 * the change notifications of core/audit are sent then, outside the commit.
 */
type Hook = (root: Db) => Promise<void>;
const afterCommit = new WeakMap<object, Map<string, Hook>>();

/** Run `fn` in one transaction (a nested call reuses the enclosing one). */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTx(db)) return fn(db as Tx);
  let hooks: Map<string, Hook> | undefined;
  const result = await (db as Db).transaction(async (tx) => {
    hooks = new Map();
    afterCommit.set(tx, hooks);
    return fn(tx);
  });
  // A hook's failure must not turn a committed change into an error for its caller.
  for (const hook of hooks?.values() ?? []) await hook(db as Db).catch(() => undefined);
  return result;
}

/**
 * Run `hook` after the commit of `db`'s transaction, once per `key`. Returns false when `db` is not
 * a transaction opened by `inTransaction` (the caller then does the work inside the transaction).
 */
export function onCommit(db: DbOrTx, key: string, hook: Hook): boolean {
  const hooks = afterCommit.get(db);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, hook);
  return true;
}

function isTx(db: DbOrTx): boolean {
  // Drizzle's transaction objects carry a rollback() method; the root database does not.
  return typeof (db as { rollback?: unknown }).rollback === 'function';
}
