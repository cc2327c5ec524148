import { localeNames } from '../../../../core/i18n/i18n.ts';
import type { Paragraph, Shown, SummaryAction, SummaryModel } from './model.ts';

/**
 * The summary as Markdown, laid out like the founding document: title, subtitle, "Brief summary
 * of the session on …", the narrative with key messages in `**bold**`, the recommendations, and
 * "## For action by LRGs:" lists.
 */
export function renderMarkdown(m: SummaryModel): string {
  const out: string[] = [];
  const note = (s: Shown) => (s.note ? ` *(${esc(s.note)})*` : '');
  if (m.labels.draftNotice) out.push(`> ${esc(m.labels.draftNotice)}`);
  out.push(`# ${esc(m.title.text)}${note(m.title)}`);
  if (m.subtitle) out.push(`${esc(m.subtitle.text)}${note(m.subtitle)}`);
  out.push(`## ${esc(m.labels.heading)}`);
  if (m.hosts.length)
    out.push(
      `${esc(m.labels.hosts)}${m.labels.colon} ${m.hosts.map((o) => `**${esc(o.label)}**`).join(', ')}`,
    );
  if (m.partners.length)
    out.push(
      `${esc(m.labels.partners)}${m.labels.colon} ${m.partners.map((o) => `**${esc(o.label)}**`).join(', ')}`,
    );
  for (const part of m.narrative) {
    part.paragraphs.forEach((p, i) => {
      const speaker = i === 0 && part.speaker ? `*${esc(part.speaker)}${m.labels.colon}* ` : '';
      out.push(`${speaker}${paragraph(p)}${i === part.paragraphs.length - 1 ? note(part) : ''}`);
    });
  }
  if (m.recommendations.length) {
    out.push(`## ${esc(m.labels.recommendations)}`);
    out.push(
      m.recommendations
        .map((r, i) => {
          const from = r.sources.length
            ? ` (${esc(m.labels.fromWhom)}${m.labels.colon} ${r.sources.map(esc).join(', ')})`
            : '';
          return `${i + 1}. ${r.paragraphs.map(paragraph).join(' ')}${from}${note(r)}`;
        })
        .join('\n'),
    );
  }
  for (const g of m.actionGroups) {
    out.push(`## ${esc(g.heading)}${m.labels.colon}`);
    out.push(g.actions.map((a) => actionLines(m, a, 0)).join('\n'));
  }
  if (m.languages.length > 1) {
    out.push(
      `*${esc(m.labels.languages)}${m.labels.colon} ${m.languages.map((l) => localeNames[l]).join(', ')}*`,
    );
  }
  return `${out.join('\n\n')}\n`;
}

function actionLines(m: SummaryModel, a: SummaryAction, depth: number): string {
  const indent = '  '.repeat(depth);
  const due = a.dueOn ? ` (${esc(m.labels.due)}${m.labels.colon} ${a.dueOn})` : '';
  const note = a.note ? ` *(${esc(a.note)})*` : '';
  const line = `${indent}- ${a.paragraphs.map(paragraph).join(' ')}${due}${note}`;
  return [line, ...a.children.map((c) => actionLines(m, c, depth + 1))].join('\n');
}

/** Key messages in `**…**`, with surrounding spaces kept outside the markers (else not bold). */
function paragraph(p: Paragraph): string {
  const text = p
    .map((r) => {
      if (!r.key) return esc(r.text);
      const [, lead, inner, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(r.text)!;
      return inner ? `${lead}**${esc(inner)}**${trail}` : r.text;
    })
    .join('');
  // A paragraph that starts like a list item or heading would change meaning: escape its first mark.
  return text.replace(/^(\s*)([#>+-])/, '$1\\$2').replace(/^(\s*\d+)\./, '$1\\.');
}

/** Markdown's inline marks in text, escaped so that content cannot format itself. */
export function esc(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
