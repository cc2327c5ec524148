import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { uuid } from '../../../core/validation/input.ts';
import { personExists } from '../../directory/index.ts';
import { requireStaff } from './access.ts';
import { participantInput, unknownReference } from './input.ts';
import { type Participant, participantColumns, participantJoins, pgCode } from './rows.ts';
import { checkOrganisation } from './service-series.ts';
import { lockSession } from './service-sessions.ts';

/** Participants of a session in role order (hosts, partners, speakers, members, observers). */
export async function participantsOf(db: DbOrTx, sessionId: string): Promise<Participant[]> {
  const r = await db.execute<Participant>(sql`
    SELECT ${participantColumns} FROM talks_participants p ${participantJoins}
    WHERE p.session_id = ${sessionId}
    ORDER BY array_position(ARRAY['host','partner','speaker','member','observer'], p.role), p.position,
      coalesce(o.name, pe.name), p.id`);
  return r.rows;
}

async function findParticipant(db: DbOrTx, sessionId: string, id: string): Promise<Participant | null> {
  if (!uuid.safeParse(id).success) return null;
  const r = await db.execute<Participant>(sql`
    SELECT ${participantColumns} FROM talks_participants p ${participantJoins}
    WHERE p.id = ${id} AND p.session_id = ${sessionId}`);
  return r.rows[0] ?? null;
}

/** Add an organisation or a person to a session with a role (staff). */
export const addParticipant = defineUseCase({
  name: 'talks.addParticipant',
  kind: 'write',
  audit: 'talks_participant',
  allow: requireStaff,
  input: participantInput,
  run: async (uc): Promise<Participant> => {
    const { ctx, input: v } = uc;
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    await checkOrganisation(tx, v.organisationId, 'organisationId');
    if (v.personId && !(await personExists(tx, v.personId))) throw unknownReference('personId', 'person');
    const position =
      v.position ??
      (
        await tx.execute<{
          n: number;
        }>(sql`SELECT coalesce(max(position) + 1, 0)::int AS n FROM talks_participants
          WHERE session_id = ${session.id} AND role = ${v.role}`)
      ).rows[0].n;
    let id: string;
    try {
      const r = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_participants (session_id, organisation_id, person_id, role, position, created_at)
        VALUES (${session.id}, ${v.organisationId ?? null}, ${v.personId ?? null}, ${v.role}, ${position},
          ${ctx.now.toISOString()}) RETURNING id`);
      id = r.rows[0].id;
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { resource: 'participant' });
      throw e;
    }
    const created = (await findParticipant(tx, session.id, id))!;
    await uc.audit({ action: 'create', entityId: id, after: created });
    return created;
  },
});

export const removeParticipant = defineUseCase({
  name: 'talks.removeParticipant',
  kind: 'write',
  audit: 'talks_participant',
  allow: requireStaff,
  input: z.object({ sessionId: z.string(), participantId: z.string() }),
  run: async (uc): Promise<void> => {
    const { ctx, input } = uc;
    const session = await lockSession(ctx, input.sessionId);
    const before = await findParticipant(ctx.db, session.id, input.participantId);
    if (!before) throw notFound('participant');
    await ctx.db.execute(sql`DELETE FROM talks_participants WHERE id = ${before.id}`);
    await uc.audit({ action: 'remove', entityId: before.id, before });
  },
});
