import { sql } from 'drizzle-orm';
import { audit } from '../../../core/audit/audit.ts';
import type { Ctx } from '../../../core/context.ts';
import { type DbOrTx, inTransaction } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { parseInput, uuid } from '../../../core/validation/input.ts';
import type { ParticipantRole } from '../schema.ts';
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
export async function addParticipant(
  ctx: Ctx,
  input: {
    sessionId: string;
    organisationId?: string | null;
    personId?: string | null;
    role: ParticipantRole;
    position?: number;
  },
): Promise<Participant> {
  requireStaff(ctx);
  const v = parseInput(participantInput, input);
  return inTransaction(ctx.db, async (tx) => {
    const session = await lockSession(ctx, tx, v.sessionId);
    await checkOrganisation(tx, v.organisationId, 'organisationId');
    if (v.personId) {
      const p = await tx.execute(sql`SELECT 1 FROM people WHERE id = ${v.personId} AND archived_at IS NULL`);
      if (p.rows.length === 0) throw unknownReference('personId', 'person');
    }
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
    await audit(tx, ctx, { action: 'create', entity: 'talks_participant', entityId: id, after: created });
    return created;
  });
}

export async function removeParticipant(
  ctx: Ctx,
  input: { sessionId: string; participantId: string },
): Promise<void> {
  requireStaff(ctx);
  await inTransaction(ctx.db, async (tx) => {
    const session = await lockSession(ctx, tx, input.sessionId);
    const before = await findParticipant(tx, session.id, input.participantId);
    if (!before) throw notFound('participant');
    await tx.execute(sql`DELETE FROM talks_participants WHERE id = ${before.id}`);
    await audit(tx, ctx, { action: 'remove', entity: 'talks_participant', entityId: before.id, before });
  });
}
