import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../core/context.ts';
import { inTransaction } from '../../../core/db/tx.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { defineUseCase } from '../../../core/module/use-case.ts';
import { isStaff, scopedOrgIds } from '../../../core/policy/policy.ts';
import { uuid } from '../../../core/validation/input.ts';
import { checkWrite, requireStaff } from './access.ts';
import { registrationInput } from './input.ts';
import { pgCode, type Registration, registrationColumns, registrationJoins } from './rows.ts';
import { checkOrganisation } from './service-series.ts';
import { loadVisibleSession, lockSession } from './service-sessions.ts';
import { fillFromWaitlist, mailDeps } from './waitlist.ts';

/**
 * Registration for physical and hybrid sessions: a seat while the capacity lasts, then the
 * waitlist (ordered by time of registration), which moves up by itself when someone cancels.
 * Every change locks the session row first, so that concurrent registrations and cancellations
 * are serialised: two people asking for the last seat at once get one seat and one waitlist place.
 */

/** One registration; its accessibility needs only when it is the actor's own (staff read them in the audited list). */
async function findRegistration(ctx: Ctx, db: Ctx['db'], sessionId: string, id: string, lock = false) {
  if (!uuid.safeParse(id).success) return null;
  const own = sql`g.user_id = ${ctx.actor?.userId ?? null}::uuid`;
  const r = await db.execute<Registration>(sql`
    SELECT ${registrationColumns(own)} FROM talks_registrations g ${registrationJoins}
    WHERE g.id = ${id} AND g.session_id = ${sessionId} ${lock ? sql`FOR UPDATE OF g` : sql``}`);
  return r.rows[0] ?? null;
}

/** Register oneself (any signed-in user), for one's own organisation if given. */
export const registerForSession = defineUseCase({
  name: 'talks.registerForSession',
  kind: 'write',
  audit: 'talks_registration',
  allow: checkWrite,
  input: registrationInput,
  run: async (uc): Promise<Registration> => {
    const { ctx, input: v } = uc;
    const actor = checkWrite(ctx);
    const tx = ctx.db;
    const session = await lockSession(ctx, v.sessionId);
    if (session.format === 'online') throw new AppError('conflict', { reason: 'online_session' });
    if (!session.registrationOpen || session.status !== 'scheduled')
      throw new AppError('conflict', { reason: 'registration_closed' });
    if (v.organisationId) {
      await checkOrganisation(tx, v.organisationId, 'organisationId');
      // One comes for one's own organisation; staff may register anyone's.
      if (!isStaff(actor) && !scopedOrgIds(actor).includes(v.organisationId))
        throw new AppError('forbidden', { reason: 'not_your_organisation' });
    }
    const taken = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM talks_registrations
      WHERE session_id = ${session.id} AND status = 'registered'`);
    const status =
      session.capacity === null || taken.rows[0].n < session.capacity ? 'registered' : 'waitlisted';
    let id: string;
    try {
      const r = await tx.execute<{ id: string }>(sql`
        INSERT INTO talks_registrations (session_id, user_id, organisation_id, status, queued_at, accessibility_needs,
          created_at, updated_at)
        VALUES (${session.id}, ${actor.userId}, ${v.organisationId ?? null}, ${status}, clock_timestamp(),
          ${v.accessibilityNeeds}, ${ctx.now.toISOString()}, ${ctx.now.toISOString()})
        RETURNING id`);
      id = r.rows[0].id;
    } catch (e) {
      if (pgCode(e) === '23505') throw new AppError('already_exists', { resource: 'registration' });
      throw e;
    }
    await uc.audit({
      action: 'register',
      entityId: id,
      // The needs are restricted: the audit log records that some were given, not what they are.
      after: {
        sessionId: session.id,
        status,
        organisationId: v.organisationId ?? null,
        accessibilityNeeds: !!v.accessibilityNeeds,
      },
    });
    return (await findRegistration(ctx, tx, session.id, id))!;
  },
});

const registrationRef = z.object({ sessionId: z.string(), registrationId: z.string() });

/** Cancel a registration (the registrant, or staff); the first on the waitlist takes the seat. */
export const cancelRegistration = defineUseCase({
  name: 'talks.cancelRegistration',
  kind: 'write',
  audit: 'talks_registration',
  allow: checkWrite,
  input: registrationRef.extend({ mail: mailDeps }),
  run: async (uc): Promise<Registration & { promoted: string[] }> => {
    const { ctx, input } = uc;
    const actor = checkWrite(ctx);
    const tx = ctx.db;
    const session = await lockSession(ctx, input.sessionId);
    const before = await findRegistration(ctx, tx, session.id, input.registrationId, true);
    if (!before || (before.userId !== actor.userId && !isStaff(actor))) throw notFound('registration');
    if (before.status === 'cancelled') throw new AppError('conflict', { reason: 'already_cancelled' });
    await tx.execute(sql`UPDATE talks_registrations SET status = 'cancelled', cancelled_at = ${ctx.now.toISOString()},
      updated_at = ${ctx.now.toISOString()} WHERE id = ${before.id}`);
    await uc.audit({
      action: 'cancel',
      entityId: before.id,
      before: { status: before.status },
      after: { status: 'cancelled', sessionId: session.id },
    });
    const promoted = await fillFromWaitlist(uc, session, input.mail);
    const after = (await findRegistration(ctx, tx, session.id, before.id))!;
    return { ...after, promoted };
  },
});

/** Record that a registered person came (staff, at the door); `undo` clears it. */
export const checkInRegistration = defineUseCase({
  name: 'talks.checkInRegistration',
  kind: 'write',
  audit: 'talks_registration',
  allow: requireStaff,
  input: registrationRef.extend({ undo: z.boolean().optional() }),
  run: async (uc): Promise<Registration> => {
    const { ctx, input } = uc;
    const actor = requireStaff(ctx);
    const tx = ctx.db;
    const session = await lockSession(ctx, input.sessionId);
    const before = await findRegistration(ctx, tx, session.id, input.registrationId, true);
    if (!before) throw notFound('registration');
    if (before.status !== 'registered')
      throw new AppError('conflict', { reason: 'not_registered', status: before.status });
    if (!!before.checkedInAt === !input.undo) {
      uc.unchanged();
      return before;
    }
    await tx.execute(sql`UPDATE talks_registrations SET
      checked_in_at = ${input.undo ? null : ctx.now.toISOString()}, checked_in_by = ${input.undo ? null : actor.userId},
      updated_at = ${ctx.now.toISOString()} WHERE id = ${before.id}`);
    await uc.audit({
      action: input.undo ? 'undo_check_in' : 'check_in',
      entityId: before.id,
      before: { checkedInAt: before.checkedInAt },
      after: { checkedInAt: input.undo ? null : ctx.now.toISOString(), sessionId: session.id },
    });
    return (await findRegistration(ctx, tx, session.id, before.id))!;
  },
});

export type RegistrationSummary = {
  capacity: number | null;
  registered: number;
  waitlisted: number;
  checkedIn: number;
  /** Free seats; null when the capacity is unlimited. */
  seatsLeft: number | null;
  /** The reader's own live registration, with its waitlist position (1 = next). */
  mine: (Registration & { waitlistPosition: number | null }) | null;
};

/** Counts for everyone, and the reader's own registration (a part of `getSession`). */
export async function registrationSummary(ctx: Ctx, sessionId: string): Promise<RegistrationSummary> {
  const session = await loadVisibleSession(ctx, ctx.db, sessionId);
  const c = await ctx.db.execute<{ registered: number; waitlisted: number; checked_in: number }>(sql`
    SELECT count(*) FILTER (WHERE status = 'registered')::int AS registered,
      count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted,
      count(*) FILTER (WHERE status = 'registered' AND checked_in_at IS NOT NULL)::int AS checked_in
    FROM talks_registrations WHERE session_id = ${session.id}`);
  const { registered, waitlisted, checked_in } = c.rows[0];
  let mine: RegistrationSummary['mine'] = null;
  if (ctx.actor) {
    const r = await ctx.db.execute<Registration & { waitlistPosition: number | null }>(sql`
      SELECT ${registrationColumns(sql`TRUE`)},
        CASE WHEN g.status = 'waitlisted' THEN (SELECT count(*)::int FROM talks_registrations w
          WHERE w.session_id = g.session_id AND w.status = 'waitlisted' AND (w.queued_at, w.id) <= (g.queued_at, g.id)) END
          AS "waitlistPosition"
      FROM talks_registrations g ${registrationJoins}
      WHERE g.session_id = ${session.id} AND g.user_id = ${ctx.actor.userId} AND g.status <> 'cancelled'`);
    mine = r.rows[0] ?? null;
  }
  return {
    capacity: session.capacity,
    registered,
    waitlisted,
    checkedIn: checked_in,
    seatsLeft: session.capacity === null ? null : Math.max(session.capacity - registered, 0),
    mine,
  };
}

/**
 * Every registration of a session, for staff, with accessibility needs. Reading the needs is a
 * read of restricted data: audited when any are shown.
 */
export const listRegistrations = defineUseCase({
  name: 'talks.listRegistrations',
  kind: 'read',
  restricted: 'talks_registration',
  allow: requireStaff,
  input: z.object({ sessionId: z.string(), includeCancelled: z.boolean().optional() }),
  run: ({ ctx, input, restrictedRead }): Promise<Registration[]> =>
    // The list and the record of who read the needs are one transaction.
    inTransaction(ctx.db, async (tx) => {
      const session = await loadVisibleSession(ctx, tx, input.sessionId);
      const r = await tx.execute<Registration>(sql`
      SELECT ${registrationColumns(sql`TRUE`)} FROM talks_registrations g ${registrationJoins}
      WHERE g.session_id = ${session.id} ${input.includeCancelled ? sql`` : sql`AND g.status <> 'cancelled'`}
      ORDER BY CASE g.status WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, g.queued_at, g.id`);
      const withNeeds = r.rows.filter((x) => x.accessibilityNeeds);
      if (withNeeds.length > 0)
        await restrictedRead(
          'talks_registration',
          session.id,
          { field: 'accessibilityNeeds', registrationIds: withNeeds.map((x) => x.id) },
          tx,
        );
      return r.rows;
    }),
});
