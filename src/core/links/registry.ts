import type { Ctx } from '../context.ts';
import type { DbOrTx } from '../db/tx.ts';
import type { Locale } from '../i18n/i18n.ts';

/** What a link shows of the record at its other end. */
export interface LinkTarget {
  id: string;
  title: string;
  /** Where a reader opens it (a page of the platform). */
  url: string;
  /** Short state to show beside the title, e.g. "in progress" or "open". */
  status?: string;
}

/**
 * A kind of record other parts may link to or from, registered by the part that owns it
 * (e.g. `talks.action`, `aid.need`). The kernel imports no module, so each part hands its
 * reader and its write check to this registry when it is loaded.
 */
export interface LinkKind {
  kind: string;
  /** The records among `ids` the actor may read, in any order; the others are left out. */
  load(db: DbOrTx, ctx: Pick<Ctx, 'actor' | 'locale'>, ids: string[]): Promise<LinkTarget[]>;
  /** Throw `forbidden` unless the actor may link this record to others (or unlink it). */
  assertCanLink(db: DbOrTx, ctx: Ctx, id: string): Promise<void>;
  /** Label of the kind in a language, e.g. "Aid need". */
  label(locale: Locale): string;
}

const kinds = new Map<string, LinkKind>();

export function registerLinkKind(kind: LinkKind): void {
  kinds.set(kind.kind, kind);
}

export function linkKind(kind: string): LinkKind | undefined {
  return kinds.get(kind);
}

export function linkKindNames(): string[] {
  return [...kinds.keys()].sort();
}
