import {
  AlignmentType,
  Paragraph as DocParagraph,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  TextRun,
} from 'docx';
import type { Paragraph, Shown, SummaryAction, SummaryModel } from './model.ts';

const runsOf = (p: Paragraph) => p.map((r) => new TextRun({ text: r.text, bold: r.key }));
const joined = (ps: Paragraph[]) => ps.flatMap((p, i) => (i ? [{ text: ' ', key: false }, ...p] : p));

function notes(s: Shown): DocParagraph[] {
  return s.note
    ? [
        new DocParagraph({
          children: [new TextRun({ text: `(${s.note})`, italics: true, size: 16, color: '444444' })],
        }),
      ]
    : [];
}

/** The summary as a Word document: headings, key messages as bold runs, numbered recommendations, bulleted actions. */
export async function renderDocx(m: SummaryModel): Promise<Buffer> {
  const body: DocParagraph[] = [];
  if (m.labels.draftNotice) {
    body.push(new DocParagraph({ children: [new TextRun({ text: m.labels.draftNotice, italics: true })] }));
  }
  body.push(
    new DocParagraph({ heading: HeadingLevel.TITLE, children: [new TextRun(m.title.text)] }),
    ...notes(m.title),
  );
  if (m.subtitle) {
    body.push(
      new DocParagraph({ children: [new TextRun({ text: m.subtitle.text, size: 26, color: '444444' })] }),
      ...notes(m.subtitle),
    );
  }
  body.push(new DocParagraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(m.labels.heading)] }));
  for (const [label, orgs] of [
    [m.labels.hosts, m.hosts],
    [m.labels.partners, m.partners],
  ] as const) {
    if (!orgs.length) continue;
    body.push(
      new DocParagraph({
        children: [
          new TextRun(`${label}${m.labels.colon} `),
          new TextRun({ text: orgs.map((o) => o.label).join(', '), bold: true }),
        ],
      }),
    );
  }
  for (const part of m.narrative) {
    part.paragraphs.forEach((p, i) => {
      const lead =
        i === 0 && part.speaker
          ? [new TextRun({ text: `${part.speaker}${m.labels.colon} `, italics: true })]
          : [];
      body.push(new DocParagraph({ alignment: AlignmentType.LEFT, children: [...lead, ...runsOf(p)] }));
    });
    body.push(...notes(part));
  }
  if (m.recommendations.length) {
    body.push(
      new DocParagraph({
        heading: HeadingLevel.HEADING_2,
        children: [new TextRun(m.labels.recommendations)],
      }),
    );
    for (const r of m.recommendations) {
      const from = r.sources.length
        ? [new TextRun(` (${m.labels.fromWhom}${m.labels.colon} ${r.sources.join(', ')})`)]
        : [];
      body.push(
        new DocParagraph({
          numbering: { reference: 'recommendations', level: 0 },
          children: [...runsOf(joined(r.paragraphs)), ...from],
        }),
        ...notes(r),
      );
    }
  }
  const action = (a: SummaryAction, level: number) => {
    const due = a.dueOn ? [new TextRun(` (${m.labels.due}${m.labels.colon} ${a.dueOn})`)] : [];
    body.push(
      new DocParagraph({ bullet: { level }, children: [...runsOf(joined(a.paragraphs)), ...due] }),
      ...notes(a),
    );
    for (const c of a.children) action(c, Math.min(level + 1, 8));
  };
  for (const g of m.actionGroups) {
    body.push(
      new DocParagraph({
        heading: HeadingLevel.HEADING_2,
        children: [new TextRun(`${g.heading}${m.labels.colon}`)],
      }),
    );
    for (const a of g.actions) action(a, 0);
  }
  const doc = new Document({
    creator: 'Peace Talks',
    title: m.title.text,
    description: m.labels.heading,
    numbering: {
      config: [
        {
          reference: 'recommendations',
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }],
        },
      ],
    },
    sections: [{ properties: {}, children: body }],
  });
  return Packer.toBuffer(doc);
}
