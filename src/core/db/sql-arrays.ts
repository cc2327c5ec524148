import { type SQL, sql } from 'drizzle-orm';

// drizzle spreads a JS array in a `sql` template into a list of parameters, which `= ANY(...)`
// cannot take; these pass the whole array as one parameter in PostgreSQL's array syntax.

/** `= ANY(${sqlUuids(ids)})`: a uuid[] parameter. Ids must already be validated uuids. */
export function sqlUuids(ids: readonly string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/** `= ANY(${sqlTexts(values)})`: a text[] parameter, each value quoted and escaped. */
export function sqlTexts(values: readonly string[]): SQL {
  const quoted = values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return sql`${`{${quoted.join(',')}}`}::text[]`;
}
