/**
 * Key messages: in contribution bodies, session summaries and action texts a passage between
 * `**` and `**` is a key message, shown in bold in the public summary (as the founding document
 * does). Every part of the Talks parses them with these two functions so that the HTML, Markdown,
 * PDF and DOCX summaries agree on what is a key message.
 */
export interface TextPart {
  text: string;
  key: boolean;
}

// Non-greedy and single-level: `**a** and **b**` is two key messages, not one spanning "and".
// A key message may span lines (a paragraph in bold); an empty `****` is not a key message.
const KEY = /\*\*([\s\S]+?)\*\*/g;

/**
 * The text cut into plain and key-message parts, in order; the `**` markers are dropped. An
 * unmatched `**` stays as written (it is plain text). Adjacent plain parts never occur, and no
 * part is empty, so renderers can map parts one to one onto runs.
 */
export function splitKeyMessages(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(KEY)) {
    const inner = m[1]!;
    // `** **` (only spaces) is a formatting slip, not a message: keep it as plain text.
    if (inner.trim() === '') continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index), key: false });
    parts.push({ text: inner, key: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), key: false });
  return mergePlain(parts);
}

/** The key messages of a text, trimmed, in order of appearance. */
export function keyMessages(text: string): string[] {
  return splitKeyMessages(text)
    .filter((p) => p.key)
    .map((p) => p.text.trim().replace(/\s+/g, ' '));
}

/** The text without its `**` markers (for search snippets, plain-text mails, ICS descriptions). */
export function stripKeyMarkers(text: string): string {
  return splitKeyMessages(text)
    .map((p) => p.text)
    .join('');
}

function mergePlain(parts: TextPart[]): TextPart[] {
  const out: TextPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (prev && !prev.key && !p.key) prev.text += p.text;
    else out.push({ ...p });
  }
  return out;
}
