import { applyPatch, diffWords, structuredPatch } from 'diff';

export interface DiffPart {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** A word-level comparison of two texts, in reading order. */
export function wordDiff(from: string, to: string): DiffPart[] {
  return diffWords(from, to).map((c) => ({
    op: c.added ? 'insert' : c.removed ? 'delete' : 'equal',
    text: c.value,
  }));
}

/**
 * Apply to `current` the change a participant made from `base` (the version they read) to
 * `proposed`. Minutes are paragraphs separated by blank lines, so the patch works on lines with a
 * single line of context: edits to other paragraphs since `base` do not stand in the way, while a
 * later edit of the same paragraph makes the proposal no longer apply (null).
 */
export function applyProposal(base: string, proposed: string, current: string): string | null {
  if (base === current) return proposed;
  const patch = structuredPatch('minutes', 'minutes', base, proposed, '', '', { context: 1 });
  const merged = applyPatch(current, patch);
  return merged === false ? null : merged;
}
