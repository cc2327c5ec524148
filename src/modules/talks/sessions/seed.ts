import { sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { inTransaction, type Tx } from '../../../core/db/tx.ts';
import { type OrganisationSearch, searchOrganisationRefs } from '../../directory/index.ts';
import { jsonb, textArray } from './rows.ts';
import { FOUNDING_CONTRIBUTIONS, FOUNDING_SESSION, PARTNERS, type PartnerKey, SERIES } from './seed-data.ts';
import { localToInstant } from './time.ts';

/**
 * Demo data of the Talks for a first run: the Municipal Peace Talks series, its session of
 * 1 April 2022 as the founding document tells it (partners, narrative with key messages,
 * published), and an upcoming hybrid session in The Hague open for registration. Idempotent.
 *
 * Other parts of the Talks add to the founding session through the ids this returns (the
 * recommendations and the actions "for action by LRGs" belong to the actions part): see
 * `seedTalksDemo` in the module's index.ts.
 */
export interface FoundingSession {
  seriesId: string;
  sessionId: string;
  /** The upcoming session in The Hague (copied from the founding one). */
  upcomingSessionId: string;
  /** Directory ids of the four partners by key, and of UCLG, The Hague, VNG, AUC, as the directory has them. */
  organisations: Partial<Record<PartnerKey | 'UCLG' | 'The Hague' | 'VNG' | 'AUC', string>>;
}

/**
 * The first organisation (not archived) of the directory with this exact name or acronym. The
 * directory's seeds hold the partners, UCLG, The Hague, VNG and AUC; one the directory lacks is
 * left out of the sessions.
 */
type Kind = NonNullable<OrganisationSearch['kinds']>[number];

async function findOrg(tx: Tx, text: string, kind?: Kind): Promise<string | undefined> {
  return (await searchOrganisationRefs(tx, text, { exact: true, kinds: kind ? [kind] : undefined }))[0]?.id;
}

/** Eight weeks ahead, on a Tuesday at 10:00 in The Hague: always upcoming in a fresh demo. */
function upcomingStart(now: Date): string {
  const d = new Date(now.getTime() + 56 * 86_400_000);
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  return localToInstant(`${d.toISOString().slice(0, 10)}T10:00`, 'Europe/Amsterdam')!;
}

export async function seedFoundingSession(ctx: Ctx): Promise<FoundingSession> {
  return inTransaction(ctx.db, async (tx) => {
    const now = ctx.now.toISOString();
    const orgs: FoundingSession['organisations'] = {};
    for (const p of PARTNERS) {
      const id = await findOrg(tx, p.acronym ?? p.name);
      if (id) orgs[p.key] = id;
    }
    const uclg = await findOrg(tx, 'United Cities and Local Governments', 'network');
    const hague = await findOrg(tx, 'The Hague', 'city');
    const vng = await findOrg(tx, 'VNG', 'lg_association');
    const auc = await findOrg(tx, 'AUC', 'lg_association');
    if (uclg) orgs.UCLG = uclg;
    if (hague) orgs['The Hague'] = hague;
    if (vng) orgs.VNG = vng;
    if (auc) orgs.AUC = auc;

    let seriesId = (
      await tx.execute<{ id: string }>(sql`SELECT id FROM talks_series WHERE slug = ${SERIES.slug}`)
    ).rows[0]?.id;
    seriesId ??= (
      await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_series (slug, title, subtitle, description, organiser_id, created_at, updated_at)
        VALUES (${SERIES.slug}, ${jsonb(SERIES.title)}, ${jsonb(SERIES.subtitle)}, ${jsonb(SERIES.description)},
          ${uclg ?? null}, ${now}, ${now}) RETURNING id`)
    ).rows[0].id;

    const existing = await tx.execute<{ id: string }>(sql`SELECT id FROM talks_sessions
      WHERE series_id = ${seriesId} AND starts_at = ${FOUNDING_SESSION.startsAt}::timestamptz`);
    let sessionId = existing.rows[0]?.id;
    const created = !sessionId;
    if (!sessionId) {
      sessionId = (
        await tx.execute<{ id: string }>(sql`
          INSERT INTO talks_sessions (series_id, title, subtitle, summary, starts_at, ends_at, timezone, format,
            languages, status, published_at, created_at, updated_at)
          VALUES (${seriesId}, ${jsonb(FOUNDING_SESSION.title)}, ${jsonb(FOUNDING_SESSION.subtitle)},
            ${jsonb(FOUNDING_SESSION.summary)}, ${FOUNDING_SESSION.startsAt}, ${FOUNDING_SESSION.endsAt},
            ${FOUNDING_SESSION.timezone}, 'online', ${textArray(['en', 'fr', 'es'])}, 'published',
            '2022-04-08T10:00:00Z', ${now}, ${now})
          RETURNING id`)
      ).rows[0].id;
      const participants: [string | undefined, string, number][] = [
        [uclg, 'host', 0],
        ...PARTNERS.map((p, i): [string | undefined, string, number] => [orgs[p.key], 'partner', i]),
        [auc, 'member', 0],
      ];
      for (const [orgId, role, position] of participants)
        if (orgId)
          await tx.execute(sql`INSERT INTO talks_participants (session_id, organisation_id, role, position)
            VALUES (${sessionId}, ${orgId}, ${role}, ${position}) ON CONFLICT DO NOTHING`);
      const agenda: string[] = [];
      for (const [i, title] of [
        { en: 'Opening', fr: 'Ouverture', es: 'Apertura' },
        {
          en: 'Perspectives of the peacebuilding partners',
          fr: 'Regards des partenaires de la consolidation de la paix',
          es: 'Perspectivas de los socios de la construcción de paz',
        },
        {
          en: 'Taking stock: Secretaries-General and the membership',
          fr: 'Bilan : secrétaires généraux et membres',
          es: 'Balance: secretarios generales y miembros',
        },
      ].entries()) {
        agenda.push(
          (
            await tx.execute<{ id: string }>(sql`INSERT INTO talks_agenda_items (session_id, position, title)
              VALUES (${sessionId}, ${i}, ${jsonb(title)}) RETURNING id`)
          ).rows[0].id,
        );
      }
      for (const [i, c] of FOUNDING_CONTRIBUTIONS.entries()) {
        const item = i === 0 ? agenda[0] : i < 3 ? agenda[1] : agenda[2];
        await tx.execute(sql`
          INSERT INTO talks_contributions (session_id, agenda_item_id, speaker_label, body, position, created_at, updated_at)
          VALUES (${sessionId}, ${item}, ${jsonb(c.speaker)}, ${jsonb({ en: c.body })}, ${i}, ${now}, ${now})`);
      }
    }

    let upcomingSessionId = (
      await tx.execute<{ id: string }>(
        sql`SELECT id FROM talks_sessions WHERE copied_from_id = ${sessionId} ORDER BY created_at LIMIT 1`,
      )
    ).rows[0]?.id;
    if (!upcomingSessionId) {
      const startsAt = upcomingStart(ctx.now);
      upcomingSessionId = (
        await tx.execute<{ id: string }>(sql`
          INSERT INTO talks_sessions (series_id, title, subtitle, starts_at, ends_at, timezone, format, venue,
            venue_org_id, online_url, languages, status, capacity, registration_open, copied_from_id, created_at,
            updated_at)
          VALUES (${seriesId},
            ${jsonb({
              en: 'Peace Talks in The Hague, city of peace and justice',
              fr: 'Dialogues pour la paix à La Haye, ville de la paix et de la justice',
              es: 'Diálogos por la paz en La Haya, ciudad de la paz y la justicia',
            })},
            ${jsonb(SERIES.subtitle)}, ${startsAt}, ${new Date(new Date(startsAt).getTime() + 6 * 3_600_000).toISOString()},
            'Europe/Amsterdam', 'hybrid', 'City Hall, Spui 70', ${hague ?? null}, 'https://peacetalks.example.org/live',
            ${textArray(['en', 'fr', 'es'])}, 'scheduled', 80, true, ${sessionId}, ${now}, ${now})
          RETURNING id`)
      ).rows[0].id;
      for (const [orgId, position] of [
        [hague, 0],
        [vng, 1],
      ] as const)
        if (orgId)
          await tx.execute(sql`INSERT INTO talks_participants (session_id, organisation_id, role, position)
            VALUES (${upcomingSessionId}, ${orgId}, 'host', ${position}) ON CONFLICT DO NOTHING`);
      await tx.execute(sql`INSERT INTO talks_agenda_items (session_id, position, title) VALUES
        (${upcomingSessionId}, 0, ${jsonb({ en: 'Welcome by the hosts', fr: 'Accueil par les hôtes', es: 'Bienvenida de los anfitriones' })}),
        (${upcomingSessionId}, 1, ${jsonb({ en: 'Follow-up of the actions of 1 April 2022', fr: 'Suivi des actions du 1er avril 2022', es: 'Seguimiento de las acciones del 1 de abril de 2022' })}),
        (${upcomingSessionId}, 2, ${jsonb({ en: 'Humanitarian support to communities in conflict', fr: 'Soutien humanitaire aux communautés en conflit', es: 'Apoyo humanitario a las comunidades en conflicto' })})`);
    }

    if (created)
      await audit(tx, ctx, {
        action: 'seed',
        entity: 'talks_session',
        entityId: sessionId,
        after: { seed: 'talks-demo', seriesId, sessionId, upcomingSessionId },
      });
    return { seriesId, sessionId, upcomingSessionId, organisations: orgs };
  });
}
