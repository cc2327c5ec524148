import { sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { inTransaction } from '../../../core/db/tx.ts';
import type { Addressee, Theme } from '../schema.ts';
import type { FoundingSession } from '../sessions/seed.ts';
import { jsonb, textArray } from './access.ts';

/**
 * Demo data: what the session of 1 April 2022 recommended and its list "For action by LRGs", as
 * the founding document gives them, with the partners as sources. Idempotent: nothing is added
 * to a session that already has recommendations or actions.
 */

const RECOMMENDATIONS: { en: string; fr: string; themes: Theme[]; addressees: Addressee[] }[] = [
  {
    en: 'It is important for border local and regional governments to **support displaced populations, in particular children, women, and young people**, and to bring them to decision-making to ensure they are protected.',
    fr: 'Il est important que les gouvernements locaux et régionaux frontaliers **soutiennent les populations déplacées, en particulier les enfants, les femmes et les jeunes**, et les associent aux décisions pour assurer leur protection.',
    themes: ['displaced_people', 'youth', 'women'],
    addressees: ['lrgs'],
  },
  {
    en: 'Recognise the role of cities and regions as **first respondents**, and build humanitarian corridors in situations of conflict.',
    fr: 'Reconnaître le rôle des villes et des régions comme **premiers intervenants**, et construire des couloirs humanitaires dans les situations de conflit.',
    themes: ['humanitarian_corridors', 'displaced_people'],
    addressees: ['lrgs', 'national_governments', 'international_system'],
  },
  {
    en: 'Protect mayors: **attacks on mayors are attacks on local self-governance** and on the founding principles of the municipal movement.',
    fr: 'Protéger les maires : **les attaques contre les maires sont des attaques contre l’autonomie locale** et contre les principes fondateurs du mouvement municipal.',
    themes: ['mayors_safety', 'human_rights'],
    addressees: ['lrgs', 'associations', 'international_system'],
  },
  {
    en: 'Develop a culture of peace from the local and regional sphere, including **opposition to a reinvigorated nuclear race**.',
    fr: 'Développer une culture de paix depuis la sphère locale et régionale, y compris **l’opposition à une relance de la course nucléaire**.',
    themes: ['culture_of_peace', 'nuclear_disarmament', 'human_rights'],
    addressees: ['lrgs', 'sections'],
  },
];

const ACTIONS: {
  en: string;
  group: Addressee | null;
  hague?: boolean;
  themes: Theme[];
  status: 'accepted' | 'in_progress' | 'proposed';
  progress: number;
}[] = [
  {
    en: 'The Governing Bodies will evaluate the requests about the participation of Ukrainian cities in either the European or the Eurasian Section.',
    group: 'governing_bodies',
    themes: ['governance'],
    status: 'accepted',
    progress: 0,
  },
  {
    en: 'Send direct help to the communities through the **centre of humanitarian aid** coordinated by the Ukrainian Association, with the **Solidarity Fund** as a mechanism to assist it; identify more mechanisms to help mayors in situations of conflict.',
    group: 'lrgs',
    themes: ['humanitarian_aid', 'mayors_safety'],
    status: 'in_progress',
    progress: 30,
  },
  {
    en: 'Enhance advocacy towards national governments and through national associations to call for the end of the conflict in Ukraine; build linkages across the UCLG membership and revitalise twinnings so that dialogue continues with Russian and Ukrainian cities.',
    group: 'lrgs',
    themes: ['advocacy', 'twinning'],
    status: 'accepted',
    progress: 0,
  },
  {
    en: 'Host the Peace Talks and a physical conference on peace in The Hague, city of Peace and Justice, in cooperation with VNG.',
    group: 'lrgs',
    hague: true,
    themes: ['local_diplomacy'],
    status: 'accepted',
    progress: 10,
  },
  {
    en: 'Establish the Municipal Peace Talks as the beginning of a platform for municipal conversations, a new multilateral architecture.',
    group: 'lrgs',
    themes: ['local_diplomacy', 'governance'],
    status: 'in_progress',
    progress: 50,
  },
  {
    en: 'Bring together cities of all countries in conflict in reconstruction, to **avoid bipolarity in reconstruction**.',
    group: 'lrgs',
    themes: ['reconstruction'],
    status: 'proposed',
    progress: 0,
  },
];

export async function seedFoundingActions(ctx: Ctx, founding: FoundingSession): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const sessionId = founding.sessionId;
    const locked = await tx.execute(sql`SELECT 1 FROM talks_sessions WHERE id = ${sessionId} FOR UPDATE`);
    if (locked.rows.length === 0) return;
    const existing = await tx.execute(sql`
      SELECT 1 FROM talks_recommendations WHERE session_id = ${sessionId}
      UNION ALL SELECT 1 FROM talks_actions WHERE session_id = ${sessionId} LIMIT 1`);
    if (existing.rows.length > 0) return;
    const now = ctx.now.toISOString();
    const partners = Object.values(founding.organisations).filter(Boolean) as string[];
    for (const [i, r] of RECOMMENDATIONS.entries()) {
      const rec = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_recommendations (session_id, position, text, addressees, themes, created_at, updated_at)
        VALUES (${sessionId}, ${i}, ${jsonb({ en: r.en, fr: r.fr })}, ${textArray(r.addressees)},
          ${textArray(r.themes)}, ${now}, ${now})
        RETURNING id`);
      const sources = partners.slice(0, 4);
      for (const org of sources) {
        await tx.execute(sql`INSERT INTO talks_recommendation_sources (recommendation_id, organisation_id)
          VALUES (${rec.rows[0].id}, ${org}) ON CONFLICT DO NOTHING`);
      }
      await audit(tx, ctx, {
        action: 'create',
        entity: 'talks_recommendation',
        entityId: rec.rows[0].id,
        after: r,
      });
    }
    for (const [i, a] of ACTIONS.entries()) {
      const org = a.hague ? (founding.organisations['The Hague'] ?? null) : null;
      const created = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_actions (session_id, position, text, responsible_org_id, responsible_group, status, progress,
          themes, follow_up_session_id, created_at, updated_at)
        VALUES (${sessionId}, ${i}, ${jsonb({ en: a.en })}, ${org}, ${org ? null : a.group}, ${a.status}, ${a.progress},
          ${textArray(a.themes)}, ${a.hague ? founding.upcomingSessionId : null}, ${now}, ${now})
        RETURNING id`);
      await audit(tx, ctx, {
        action: 'create',
        entity: 'talks_action',
        entityId: created.rows[0].id,
        after: a,
      });
      if (a.progress > 0) {
        // The progress a demo action shows comes with the update that reported it.
        await tx.execute(sql`
          INSERT INTO talks_action_updates (action_id, happened_on, status_from, status_to, progress_from, progress_to,
            note, source, created_at)
          VALUES (${created.rows[0].id}, '2022-06-15', ${a.status === 'accepted' ? null : 'accepted'},
            ${a.status === 'accepted' ? null : a.status}, 0, ${a.progress},
            ${jsonb({ en: 'Reported to the secretariat.', fr: 'Communiqué au secrétariat.' })}, 'form', ${now})`);
      }
    }
  });
}
