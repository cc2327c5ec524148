import type pg from 'pg';

/** What the backup needs to know about the tables of the `public` schema, read from the catalog. */

export interface TableInfo {
  name: string;
  /** Columns in table order, with `generated` set for GENERATED ALWAYS AS (…) STORED columns. */
  columns: { name: string; generated: boolean }[];
  primaryKey: string[];
}

export interface SequenceState {
  name: string;
  lastValue: string;
  isCalled: boolean;
  /** The table and column that own the sequence (serial, bigserial, identity), if any. */
  table: string | null;
  column: string | null;
}

export interface Migration {
  id: number;
  hash: string;
  createdAt: string;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every ordinary table of `public` (not those of extensions), parents before children along
 * foreign keys, so that a plain insert in this order satisfies every constraint between tables.
 */
export async function listTables(db: Queryable): Promise<TableInfo[]> {
  const tables = await db.query<{ oid: number; name: string }>(`
    SELECT c.oid::int AS oid, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname`);
  const columns = await db.query<{ table: string; name: string; generated: boolean }>(`
    SELECT c.relname AS table, a.attname AS name, a.attgenerated <> '' AS generated
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`);
  const keys = await db.query<{ table: string; name: string }>(`
    SELECT c.relname AS table, a.attname AS name
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE n.nspname = 'public' AND i.indisprimary
    ORDER BY c.relname, k.ord`);
  const edges = await db.query<{ child: string; parent: string }>(`
    SELECT DISTINCT ch.relname AS child, pa.relname AS parent
    FROM pg_constraint f
    JOIN pg_class ch ON ch.oid = f.conrelid JOIN pg_namespace cn ON cn.oid = ch.relnamespace
    JOIN pg_class pa ON pa.oid = f.confrelid JOIN pg_namespace pn ON pn.oid = pa.relnamespace
    WHERE f.contype = 'f' AND cn.nspname = 'public' AND pn.nspname = 'public' AND ch.oid <> pa.oid`);

  const byName = new Map<string, TableInfo>();
  for (const t of tables.rows) byName.set(t.name, { name: t.name, columns: [], primaryKey: [] });
  for (const c of columns.rows) byName.get(c.table)?.columns.push({ name: c.name, generated: c.generated });
  for (const k of keys.rows) byName.get(k.table)?.primaryKey.push(k.name);

  const parents = new Map<string, Set<string>>();
  for (const e of edges.rows) {
    if (!byName.has(e.child) || !byName.has(e.parent)) continue;
    if (!parents.has(e.child)) parents.set(e.child, new Set());
    parents.get(e.child)!.add(e.parent);
  }
  // Depth-first topological sort; alphabetical among independent tables so the order is stable.
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    const s = state.get(name);
    if (s === 'done' || s === 'visiting') return; // a cycle: restore defers those checks anyway
    state.set(name, 'visiting');
    for (const p of [...(parents.get(name) ?? [])].sort()) visit(p);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

/** Sequences of `public` with their current state and, when a column owns one, that column. */
export async function listSequences(db: Queryable): Promise<SequenceState[]> {
  const seqs = await db.query<{ name: string; table: string | null; column: string | null }>(`
    SELECT s.relname AS name, t.relname AS table, a.attname AS column
    FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
    LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class t ON t.oid = d.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE n.nspname = 'public' AND s.relkind = 'S'
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = s.oid AND e.deptype = 'e')
    ORDER BY s.relname`);
  const out: SequenceState[] = [];
  for (const s of seqs.rows) {
    const r = await db.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text, is_called FROM public.${quoteIdent(s.name)}`,
    );
    out.push({ ...s, lastValue: r.rows[0].last_value, isCalled: r.rows[0].is_called });
  }
  return out;
}

/** The migrations drizzle recorded as applied, oldest first (empty when never migrated). */
export async function appliedMigrations(db: Queryable): Promise<Migration[]> {
  const exists = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0].ok) return [];
  const r = await db.query<{ id: number; hash: string; created_at: string }>(
    'SELECT id, hash, created_at::text FROM drizzle.__drizzle_migrations ORDER BY id',
  );
  return r.rows.map((m) => ({ id: Number(m.id), hash: m.hash, createdAt: String(m.created_at) }));
}
