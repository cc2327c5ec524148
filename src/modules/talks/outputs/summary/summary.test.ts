import { sql } from 'drizzle-orm';
import mammoth from 'mammoth';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/app.ts';
import { loginAs } from '../../../../../test/support/auth.ts';

let t: TestApp;
let published: string;
let draft: string;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

async function org(name: string, acronym: string | null, names: Record<string, string> = { en: name }) {
  const r = await t.database.db.execute<{ id: string }>(sql`
    INSERT INTO organisations (kind, name, names, acronym) VALUES ('partner', ${name}, ${JSON.stringify(names)}::jsonb, ${acronym})
    RETURNING id`);
  return r.rows[0].id;
}

async function session(status: string, seriesId: string) {
  const r = await t.database.db.execute<{ id: string }>(sql`
    INSERT INTO talks_sessions (series_id, title, subtitle, summary, starts_at, timezone, format, status, languages)
    VALUES (${seriesId}, ${JSON.stringify({ en: 'The Peace Talks', fr: 'Les Dialogues pour la paix' })}::jsonb,
      ${JSON.stringify({ en: 'Local governments leading dialogues' })}::jsonb,
      ${JSON.stringify({ en: 'Opening with **a first key message**.\n\nSecond paragraph.', fr: 'Ouverture avec **un premier message clé**.' })}::jsonb,
      '2022-03-31T23:30:00Z', 'Europe/Kyiv', 'online', ${status}, '{en,fr}')
    RETURNING id`);
  return r.rows[0].id;
}

beforeAll(async () => {
  t = await createTestApp({ cache: true });
  const db = t.database.db;
  const accord = await org('African Centre for the Constructive Resolution of Disputes', 'ACCORD');
  const kyiv = await org('Kyiv', null, { en: 'Kyiv', uk: 'Київ' });
  const cidob = await org('CIDOB', 'CIDOB');
  const s = await db.execute<{ id: string }>(
    sql`INSERT INTO talks_series (slug, title) VALUES ('mpt', '{"en":"Municipal Peace Talks"}'::jsonb) RETURNING id`,
  );
  published = await session('published', s.rows[0].id);
  draft = await session('draft', s.rows[0].id);
  for (const id of [published, draft]) {
    await db.execute(sql`INSERT INTO talks_participants (session_id, organisation_id, role, position) VALUES
      (${id}, ${kyiv}, 'host', 0), (${id}, ${accord}, 'partner', 1), (${id}, ${cidob}, 'partner', 2)`);
    await db.execute(sql`INSERT INTO talks_contributions (session_id, organisation_id, body, position) VALUES
      (${id}, ${accord}, '{"en":"Cities should **transcend the classical state-level approach**."}'::jsonb, 1),
      (${id}, ${kyiv}, '{"uk":"Міста є **першими рятувальниками**."}'::jsonb, 2)`);
    const rec = await db.execute<{
      id: string;
    }>(sql`INSERT INTO talks_recommendations (session_id, text, addressees)
      VALUES (${id}, '{"en":"Build humanitarian corridors.","fr":"Construire des corridors humanitaires."}'::jsonb, '{lrgs}') RETURNING id`);
    await db.execute(
      sql`INSERT INTO talks_recommendation_sources (recommendation_id, organisation_id) VALUES (${rec.rows[0].id}, ${cidob})`,
    );
    const parent = await db.execute<{
      id: string;
    }>(sql`INSERT INTO talks_actions (session_id, text, responsible_group, position, due_on)
      VALUES (${id}, '{"en":"Support the **centre of humanitarian aid**."}'::jsonb, 'lrgs', 0, '2022-06-30') RETURNING id`);
    await db.execute(sql`INSERT INTO talks_actions (session_id, parent_id, depth, text, responsible_group, position) VALUES
      (${id}, ${parent.rows[0].id}, 1, '{"en":"Identify mechanisms to help mayors."}'::jsonb, 'lrgs', 0)`);
    await db.execute(sql`INSERT INTO talks_actions (session_id, text, responsible_org_id, position) VALUES
      (${id}, '{"en":"Host a physical conference."}'::jsonb, ${kyiv}, 1)`);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('public summary', () => {
  it('renders the HTML page with key messages in bold, partners and "For action by LRGs"', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/talks/sessions/${published}/summary?lang=en` });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>The Peace Talks</h1>');
    expect(html).toContain('Brief summary of the session on <time');
    // 23:30 UTC on 31 March is 1 April in Kyiv: the date is the session's own.
    expect(html).toContain('1 April 2022</time>');
    expect(html).toContain('<strong>a first key message</strong>');
    expect(html).toContain('<strong>transcend the classical state-level approach</strong>');
    expect(html).toContain('African Centre for the Constructive Resolution of Disputes (ACCORD)');
    expect(html).toMatch(/<h2 id="summary-actions-0">For action by LRGs:<\/h2>/);
    expect(html).toContain('For action by Kyiv:');
    expect(html).toContain('Identify mechanisms to help mayors.');
    // The Ukrainian contribution falls back, and says so.
    expect(html).toContain('lang="uk"');
    expect(html).toContain('shown in Українська');
    // Language switch: the languages the content exists in, and no others.
    const tools = /<nav class="summary-tools"[\s\S]*?<\/nav>/.exec(html)![0];
    expect(tools).toContain('?lang=fr');
    expect(tools).toContain('?lang=uk');
    expect(tools).not.toContain('?lang=es');
    expect(html).toMatch(/<link rel="stylesheet" href="\/talks\/outputs-[0-9a-f]+\.css"/);
  });

  it('in French shows the French parts and marks those that fall back', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/talks/sessions/${published}/summary?lang=fr`,
    });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.title).toMatchObject({
      text: 'Les Dialogues pour la paix',
      lang: 'fr',
      fallback: false,
      note: null,
    });
    expect(m.subtitle).toMatchObject({ lang: 'en', fallback: true });
    expect(m.subtitle.note).toMatch(/English/);
    expect(m.narrative[0].paragraphs[0]).toEqual([
      { text: 'Ouverture avec ', key: false },
      { text: 'un premier message clé', key: true },
      { text: '.', key: false },
    ]);
    expect(m.recommendations[0]).toMatchObject({ lang: 'fr', fallback: false });
    expect(m.recommendations[0].sources).toEqual(['CIDOB']);
    expect(m.languages).toEqual(['en', 'fr', 'uk']);
    expect(m.dateLabel).toBe('1 avril 2022');
    expect(m.actionGroups[0].heading).toBe('Pour action par les GLR');
    expect(m.actionGroups[0].actions[0].children).toHaveLength(1);
    expect(m.fallbackCount).toBeGreaterThan(0);
    const page = await t.app.inject({ method: 'GET', url: `/talks/sessions/${published}/summary?lang=fr` });
    expect(page.body).toMatch(/role="note">\d+ parties de ce résumé/);
    // French typography: a non-breaking space before the colon.
    const md = await t.app.inject({ method: 'GET', url: `/talks/sessions/${published}/summary.md?lang=fr` });
    expect(md.body).toContain('## Pour action par les GLR\u00a0:\n');
    expect(md.body).toContain('Partenaires\u00a0: **');
  });

  it('gives Markdown like the founding document', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/talks/sessions/${published}/summary.md?lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/markdown');
    const md = res.body;
    expect(md).toContain('# The Peace Talks\n');
    expect(md).toContain('## Brief summary of the session on 1 April 2022');
    expect(md).toContain('Opening with **a first key message**.');
    expect(md).toContain(
      '## For action by LRGs:\n\n- Support the **centre of humanitarian aid**. (due: 2022-06-30)\n  - Identify',
    );
    expect(md).toContain(
      'Partners: **African Centre for the Constructive Resolution of Disputes (ACCORD)**, **CIDOB**',
    );
  });

  it('gives a PDF whose text (Cyrillic included) can be extracted', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/talks/sessions/${published}/summary.pdf?lang=en`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await getDocumentProxy(new Uint8Array(res.rawPayload));
    const { text } = await extractText(pdf, { mergePages: true });
    const all = norm(text);
    expect(all).toContain('Brief summary of the session on 1 April 2022');
    expect(all).toContain('transcend the classical state-level approach');
    expect(all).toContain('Міста є першими рятувальниками');
    expect(all).toContain('For action by LRGs:');
    expect(all).toContain('Host a physical conference.');
    // Key messages are set in the bold face.
    expect(res.rawPayload.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold/);
  });

  it('gives a DOCX with key messages as bold runs', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/talks/sessions/${published}/summary.docx?lang=en`,
    });
    expect(res.statusCode).toBe(200);
    const { value: html } = await mammoth.convertToHtml({ buffer: res.rawPayload });
    expect(html).toContain('<strong>transcend the classical state-level approach</strong>');
    expect(html).toContain('<h1>Brief summary of the session on 1 April 2022</h1>');
    expect(html).toContain('<h2>For action by LRGs:</h2>');
    const { value: text } = await mammoth.extractRawText({ buffer: res.rawPayload });
    expect(norm(text)).toContain('Identify mechanisms to help mayors.');
  });

  it('hides a draft from the public and shows it to staff as a preview', async () => {
    for (const suffix of ['', '.md', '.pdf', '.docx']) {
      const res = await t.app.inject({ method: 'GET', url: `/talks/sessions/${draft}/summary${suffix}` });
      expect(res.statusCode).toBe(404);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/talks/sessions/${draft}/summary` })).statusCode,
    ).toBe(404);
    const member = await loginAs(t, { role: 'member' });
    const hidden = await t.app.inject({
      method: 'GET',
      url: `/talks/sessions/${draft}/summary`,
      headers: member.headers(),
    });
    expect(hidden.statusCode).toBe(404);
    const staff = await loginAs(t, { role: 'secretariat' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/talks/sessions/${draft}/summary`,
      headers: staff.headers(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Preview: this session is a draft');
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/talks/sessions/${draft}/summary.pdf`,
      headers: staff.headers(),
    });
    expect(pdf.statusCode).toBe(200);
  });

  it('answers anonymous readers from the cache, and an unknown id with 404', async () => {
    const url = `/talks/sessions/${published}/summary.pdf?lang=en`;
    await t.app.inject({ method: 'GET', url });
    const again = await t.app.inject({ method: 'GET', url });
    expect(again.headers['x-cache']).toBe('hit');
    expect(
      (await t.app.inject({ method: 'GET', url: '/talks/sessions/not-a-uuid/summary' })).statusCode,
    ).toBe(404);
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/talks/sessions/${published}/summary?lang=xx`,
    });
    expect(api.statusCode).toBe(400);
  });
});
