import type { Ctx } from '../../../core/context.ts';
import { requireRole, requireScope } from '../../../core/policy/policy.ts';

export interface Rejection {
  /** Line of the input file (CSV, counting the header as line 1), or index of the record in a data set. */
  line?: number;
  index?: number;
  reason: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
}

export interface ImportProgress {
  done: number;
  total: number;
}

export type OnProgress = (p: ImportProgress) => void;

/**
 * Commands, the first-run seed and the benchmarks act as the system, with no actor: whoever can
 * run them already holds the database. Any other caller must be network staff. (An HTTP request
 * cannot pose as one of these: its id is a UUID, or a client id of 8 to 64 word characters or
 * dashes, never `cli`, `seed`, `bench` or anything with a colon.)
 */
const SYSTEM_REQUEST = /^(cli|seed|bench|system)(:|$)/;

export function requireImporter(ctx: Ctx): void {
  if (ctx.actor === null && SYSTEM_REQUEST.test(ctx.requestId ?? '')) return;
  requireRole(ctx, ['admin', 'secretariat']);
  requireScope(ctx, 'write');
}
