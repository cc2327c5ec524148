import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Paragraph, Shown, SummaryAction, SummaryModel } from './model.ts';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

// DejaVu covers Latin with accents, Cyrillic, Greek and Arabic letters; the standard PDF fonts
// cover none of Ukrainian or Russian. Read once: every render embeds the subset it uses.
let fonts: { regular: Buffer; bold: Buffer; italic: Buffer } | null = null;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(path.join(fontDir, 'DejaVuSans.ttf')),
    bold: readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf')),
    italic: readFileSync(path.join(fontDir, 'DejaVuSans-Oblique.ttf')),
  };
  return fonts;
}

const GREY = '#444444';

/** The summary as a PDF (A4): title, partners, narrative with key messages in bold, recommendations, actions. */
export function renderPdf(m: SummaryModel): Promise<Buffer> {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 64 },
    lang: m.locale,
    displayTitle: true,
    info: {
      Title: m.title.text,
      Subject: m.labels.heading,
      Creator: 'Peace Talks',
    },
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.registerFont('italic', f.italic);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const note = (s: Shown) => {
    if (s.note) doc.font('italic').fontSize(8).fillColor(GREY).text(`(${s.note})`).fillColor('black');
  };
  const runs = (p: Paragraph, size = 11, opts: PDFKit.Mixins.TextOptions = {}) => {
    doc.fontSize(size);
    p.forEach((r, i) => {
      doc.font(r.key ? 'bold' : 'regular').text(r.text, { ...opts, continued: i < p.length - 1 });
    });
  };
  const heading = (text: string, size = 14) => {
    doc.moveDown(0.8).font('bold').fontSize(size).text(text).moveDown(0.3);
  };

  if (m.labels.draftNotice)
    doc
      .font('italic')
      .fontSize(9)
      .fillColor(GREY)
      .text(m.labels.draftNotice)
      .fillColor('black')
      .moveDown(0.5);
  doc.font('bold').fontSize(20).text(m.title.text);
  note(m.title);
  if (m.subtitle) {
    doc.moveDown(0.2).font('regular').fontSize(12).fillColor(GREY).text(m.subtitle.text).fillColor('black');
    note(m.subtitle);
  }
  heading(m.labels.heading);
  for (const [label, orgs] of [
    [m.labels.hosts, m.hosts],
    [m.labels.partners, m.partners],
  ] as const) {
    if (!orgs.length) continue;
    runs(
      [
        { text: `${label}${m.labels.colon} `, key: false },
        { text: orgs.map((o) => o.label).join(', '), key: true },
      ],
      11,
    );
    doc.moveDown(0.4);
  }
  for (const part of m.narrative) {
    part.paragraphs.forEach((p, i) => {
      const lead = i === 0 && part.speaker ? [{ text: `${part.speaker}${m.labels.colon} `, key: true }] : [];
      runs([...lead, ...p], 11, { align: 'left' });
      doc.moveDown(0.5);
    });
    note(part);
  }
  if (m.recommendations.length) {
    heading(m.labels.recommendations);
    m.recommendations.forEach((r, i) => {
      const from = r.sources.length
        ? [{ text: ` (${m.labels.fromWhom}${m.labels.colon} ${r.sources.join(', ')})`, key: false }]
        : [];
      const body = r.paragraphs.flatMap((p, j) => (j ? [{ text: ' ', key: false }, ...p] : p));
      runs([{ text: `${i + 1}. `, key: false }, ...body, ...from], 11, { indent: 0 });
      note(r);
      doc.moveDown(0.4);
    });
  }
  const action = (a: SummaryAction, depth: number) => {
    const due = a.dueOn ? [{ text: ` (${m.labels.due}${m.labels.colon} ${a.dueOn})`, key: false }] : [];
    const body = a.paragraphs.flatMap((p, j) => (j ? [{ text: ' ', key: false }, ...p] : p));
    doc.x = doc.page.margins.left + 14 * depth;
    runs([{ text: '• ', key: false }, ...body, ...due], 11, {
      width: doc.page.width - doc.page.margins.left - doc.page.margins.right - 14 * depth,
    });
    note(a);
    doc.moveDown(0.4);
    for (const c of a.children) action(c, depth + 1);
    doc.x = doc.page.margins.left;
  };
  for (const g of m.actionGroups) {
    heading(`${g.heading}${m.labels.colon}`);
    for (const a of g.actions) action(a, 0);
  }
  doc.end();
  return done;
}
