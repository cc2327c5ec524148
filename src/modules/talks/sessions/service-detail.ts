import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction } from '../../../core/db/tx.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import type { I18nText } from '../../../core/validation/input.ts';
import { organisationRef } from '../../directory/index.ts';
import { checkRead } from './access.ts';
import type { AgendaItem, Contribution, Participant, Session } from './rows.ts';
import { agendaOf } from './service-agenda.ts';
import { contributionsOf } from './service-contributions.ts';
import { participantsOf } from './service-participants.ts';
import { type RegistrationSummary, registrationSummary } from './service-registrations.ts';
import { loadVisibleSession, sessionPermissions } from './service-sessions.ts';
import { sessionVisibility } from './visibility.ts';

export type SessionDetail = {
  session: Session;
  series: { id: string; slug: string; title: I18nText };
  venueOrg: { id: string; name: string; names: I18nText } | null;
  participants: Participant[];
  agenda: AgendaItem[];
  /** Null when the reader may not see the content yet (before publication, for outsiders). */
  contributions: Contribution[] | null;
  registration: RegistrationSummary;
  permissions: Awaited<ReturnType<typeof sessionPermissions>> & { readContent: boolean };
};

/** Everything the session page shows, as the reader may see it. */
export const getSession = defineUseCase({
  name: 'talks.getSession',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: z.object({ id: z.string() }),
  // One transaction, so that the parts agree with each other.
  run: ({ ctx, input }): Promise<SessionDetail> =>
    inTransaction(ctx.db, async (tx) => {
      const tctx = { ...ctx, db: tx };
      const session = await loadVisibleSession(ctx, tx, input.id);
      const vis = (await sessionVisibility(tx, ctx.actor, session.id))!;
      const series = await tx.execute<SessionDetail['series']>(
        sql`SELECT id, slug, title FROM talks_series WHERE id = ${session.seriesId}`,
      );
      const venue = session.venueOrgId ? await organisationRef(tx, session.venueOrgId) : null;
      const participants = await participantsOf(tx, session.id);
      const agenda = await agendaOf(tx, session.id);
      const contributions = vis.content ? await contributionsOf(tctx, session.id) : null;
      const registration = await registrationSummary(tctx, session.id);
      const permissions = await sessionPermissions(tx, ctx, session);
      return {
        session,
        series: series.rows[0],
        venueOrg: venue ? { id: venue.id, name: venue.name, names: venue.names } : null,
        participants,
        agenda,
        contributions,
        registration,
        permissions: { ...permissions, readContent: vis.content },
      };
    }),
});
