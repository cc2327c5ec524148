import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/core/config.ts';
import type { Ctx } from '../src/core/context.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { renderDocx } from '../src/modules/talks/outputs/summary/docx.ts';
import { loadSummary } from '../src/modules/talks/outputs/summary/load.ts';
import { renderMarkdown } from '../src/modules/talks/outputs/summary/markdown.ts';
import { renderPdf } from '../src/modules/talks/outputs/summary/pdf.ts';
import { median } from './lib.ts';

/**
 * Time to render the public summary of a session with 30 contributions (issue 3: aim under 1 s
 * each) as PDF and DOCX, through the same loader and renderers as the routes: the median of
 * `--runs` renders each (after one warm-up render, which also loads the fonts), plus the
 * loader alone. The session (30 contributions of three paragraphs with key messages, in English
 * with Ukrainian passages, 10 recommendations, 8 actions with children) is written with SQL into
 * the embedded database under .tmp/bench-talks-documents.
 *
 * Usage: `npx tsx bench/talks-documents.ts [--runs 10] [--contributions 30]`.
 * Writes bench/results/talks-documents.json.
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const RUNS = arg('--runs', 10);
const CONTRIBUTIONS = arg('--contributions', 30);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
Object.assign(process.env, {
  PEACETALKS_DATA_DIR: path.resolve('.tmp/bench-talks-documents'),
  LOG_LEVEL: 'warn',
  PEACETALKS_JOBS: 'false',
});

const paragraph = (i: number, j: number) =>
  `Participant ${i} recalled that cities are the spaces where global decisions affect the most, and that ` +
  `**local and regional governments must be first respondents in paragraph ${j}**. Reconstruction efforts need to bring ` +
  `together cities of all countries in conflict to ensure we **avoid bipolarity in reconstruction**, said the speaker, ` +
  `quoting the Ukrainian delegation: «Міста — це простір, де ухвалюються рішення». Fostering sister city relations is ` +
  `critical to promoting peace in post-conflict reconciliation and reconstruction.`;

async function prepare(ctx: Ctx): Promise<string> {
  const db = ctx.db;
  const slug = `bench-documents-${CONTRIBUTIONS}`;
  const existing = await db.execute<{ id: string }>(sql`
    SELECT s.id FROM talks_sessions s JOIN talks_series ser ON ser.id = s.series_id WHERE ser.slug = ${slug} LIMIT 1`);
  if (existing.rows[0]) return existing.rows[0].id;
  const org = await db.execute<{ id: string }>(sql`
    INSERT INTO organisations (kind, name, names, acronym) VALUES ('partner', 'Bench partner', '{"en":"Bench partner"}'::jsonb, 'BP')
    RETURNING id`);
  const series = await db.execute<{ id: string }>(
    sql`INSERT INTO talks_series (slug, title) VALUES (${slug}, '{"en":"Bench series"}'::jsonb) RETURNING id`,
  );
  const session = await db.execute<{ id: string }>(sql`
    INSERT INTO talks_sessions (series_id, title, subtitle, summary, starts_at, timezone, format, status)
    VALUES (${series.rows[0].id}, '{"en":"The UCLG Municipal Peace Talks"}'::jsonb,
      '{"en":"Local, regional governments and their associations leading dialogues for peace"}'::jsonb,
      ${JSON.stringify({ en: `${paragraph(0, 0)}\n\n${paragraph(0, 1)}` })}::jsonb,
      '2022-04-01T12:00:00Z', 'Europe/Madrid', 'online', 'published') RETURNING id`);
  const id = session.rows[0].id;
  await db.execute(
    sql`INSERT INTO talks_participants (session_id, organisation_id, role) VALUES (${id}, ${org.rows[0].id}, 'partner')`,
  );
  await db.execute(sql`
    INSERT INTO talks_contributions (session_id, organisation_id, body, position)
    SELECT ${id}, ${org.rows[0].id}, jsonb_build_object('en', ${paragraph(1, 1)} || E'\n\n' || ${paragraph(1, 2)} || E'\n\n' || ${paragraph(1, 3)}), g
    FROM generate_series(1, ${CONTRIBUTIONS}) g`);
  await db.execute(sql`
    INSERT INTO talks_recommendations (session_id, text, position)
    SELECT ${id}, jsonb_build_object('en', 'Recommendation ' || g || ': build **humanitarian corridors** with the cities concerned.'), g
    FROM generate_series(1, 10) g`);
  await db.execute(sql`
    WITH parents AS (
      INSERT INTO talks_actions (session_id, text, responsible_group, position, due_on)
      SELECT ${id}, jsonb_build_object('en', 'Action ' || g || ': revitalise twinnings to ensure that dialogue continues.'), 'lrgs', g, '2022-12-31'
      FROM generate_series(1, 8) g RETURNING id)
    INSERT INTO talks_actions (session_id, parent_id, depth, text, responsible_group)
    SELECT ${id}, p.id, 1, '{"en":"A step of this action"}'::jsonb, 'lrgs' FROM parents p`);
  return id;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const opened = await openDatabase(loadConfig(), log);
try {
  const ctx: Ctx = { db: opened.database.db, actor: null, locale: 'en', now: new Date(), requestId: 'bench' };
  const sessionId = await prepare(ctx);
  const model = await loadSummary(ctx, sessionId, 'en');
  log(
    `session ${sessionId}: ${model.narrative.length - 1} contributions, ${model.recommendations.length} recommendations`,
  );
  await renderPdf(model);
  await renderDocx(model);
  const loads: number[] = [];
  const pdfs: number[] = [];
  const docxs: number[] = [];
  const mds: number[] = [];
  let pdfBytes = 0;
  let docxBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    loads.push((await time(() => loadSummary(ctx, sessionId, 'en'))).ms);
    const pdf = await time(() => renderPdf(model));
    pdfs.push(pdf.ms);
    pdfBytes = pdf.value.length;
    const docx = await time(() => renderDocx(model));
    docxs.push(docx.ms);
    docxBytes = docx.value.length;
    mds.push((await time(async () => renderMarkdown(model))).ms);
  }
  const r = (xs: number[]) => +median(xs).toFixed(1);
  const result = {
    at: new Date().toISOString(),
    contributions: CONTRIBUTIONS,
    runs: RUNS,
    medianMs: { load: r(loads), pdf: r(pdfs), docx: r(docxs), markdown: r(mds) },
    maxMs: { pdf: +Math.max(...pdfs).toFixed(1), docx: +Math.max(...docxs).toFixed(1) },
    bytes: { pdf: pdfBytes, docx: docxBytes },
  };
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile('bench/results/talks-documents.json', `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `summary of a session with ${CONTRIBUTIONS} contributions, median of ${RUNS} renders:\n` +
      `  load (SQL → model) ${result.medianMs.load} ms\n` +
      `  PDF  ${result.medianMs.pdf} ms (max ${result.maxMs.pdf} ms, ${Math.round(pdfBytes / 1024)} KB)\n` +
      `  DOCX ${result.medianMs.docx} ms (max ${result.maxMs.docx} ms, ${Math.round(docxBytes / 1024)} KB)\n` +
      `  Markdown ${result.medianMs.markdown} ms\n`,
  );
} finally {
  // The pool's connections take a moment to leave the server; stopping it at once would find
  // them still there and leave the server running as if another process used it.
  await opened.database.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await opened.embedded?.stop();
}
