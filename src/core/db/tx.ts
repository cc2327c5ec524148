import type { Db } from './pool.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** Run `fn` in one transaction (a nested call reuses the enclosing one). */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTx(db)) return fn(db as Tx);
  return (db as Db).transaction(async (tx) => fn(tx));
}

function isTx(db: DbOrTx): boolean {
  // Drizzle's transaction objects carry a rollback() method; the root database does not.
  return typeof (db as { rollback?: unknown }).rollback === 'function';
}
