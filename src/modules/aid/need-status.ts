import type { NeedStatus } from './schema.ts';

/**
 * A need's status follows from what was allocated to it (still owed: a shortfall found at
 * delivery is owed again) and what arrived.
 */
export function needStatusOf(n: {
  quantity: number;
  allocatedQty: number;
  deliveredQty: number;
}): NeedStatus {
  if (n.deliveredQty >= n.quantity) return 'delivered';
  if (n.deliveredQty > 0) return 'partly_delivered';
  if (n.allocatedQty >= n.quantity) return 'fully_covered';
  if (n.allocatedQty > 0) return 'partly_covered';
  return 'open';
}

/** The SQL twin of needStatusOf, for the UPDATE that changes the totals. */
export const NEED_STATUS_SQL = `CASE
  WHEN delivered_qty >= quantity THEN 'delivered'
  WHEN delivered_qty > 0 THEN 'partly_delivered'
  WHEN allocated_qty >= quantity THEN 'fully_covered'
  WHEN allocated_qty > 0 THEN 'partly_covered'
  ELSE 'open' END`;
