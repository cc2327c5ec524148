import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../../../core/context.ts';
import type { DbOrTx } from '../../../../core/db/tx.ts';
import { AppError } from '../../../../core/errors.ts';
import { defineUseCase, type UseCaseRun } from '../../../../core/module/use-case.ts';
import { isStaff } from '../../../../core/policy/policy.ts';
import { type I18nText, uuid } from '../../../../core/validation/input.ts';
import type { MinutesStatus } from '../../schema.ts';
import { checkRead, checkWrite, requireStaff } from '../../sessions/access.ts';
import { sessionVisibility } from '../../sessions/visibility.ts';
import { applyProposal } from './diff.ts';
import { commentInput, resolveInput, saveInput, statusInput } from './input.ts';

/**
 * Minutes of a session: the secretariat writes a draft, puts it up for review, participants
 * comment and propose changes (the secretariat accepts or declines each), then publishes. Every
 * save is a new version, never overwritten. After publication a further save starts an amendment:
 * the published version stays the public one until the next publication.
 *
 * Who reads what: staff everything; participants (their organisation takes part, or they are
 * registered) the versions under review and the published ones; everyone who may read the
 * session's content (the public once the session is published) the published versions only.
 */

export type MinutesVersion = {
  version: number;
  body: I18nText;
  note: string | null;
  createdAt: string;
  authorName: string | null;
};

export type MinutesComment = {
  id: string;
  version: number;
  authorId: string;
  authorName: string | null;
  body: string;
  proposedText: string | null;
  locale: string;
  status: 'open' | 'accepted' | 'declined';
  createdAt: string;
  resolvedAt: string | null;
};

export interface MinutesState {
  sessionId: string;
  sessionStatus: string;
  status: MinutesStatus;
  currentVersion: number;
  publishedVersion: number | null;
  /** The version shown to this reader (the newest they may read), or null when there is none yet. */
  shown: MinutesVersion | null;
  /** The newest version number the reader may read. */
  readableUpTo: number;
  canEdit: boolean;
  canComment: boolean;
}

type Access = { sessionStatus: string; staff: boolean; participant: boolean };

const iso = (col: string) => sql.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** The session as the actor may see its content, else `not_found` (drafts are not revealed). */
async function access(db: DbOrTx, ctx: Ctx, sessionId: string): Promise<Access> {
  if (!uuid.safeParse(sessionId).success) throw new AppError('not_found', { resource: 'session' });
  const v = await sessionVisibility(db, ctx.actor, sessionId);
  if (!v?.content) throw new AppError('not_found', { resource: 'session' });
  const staff = isStaff(ctx.actor);
  return { sessionStatus: v.status, staff, participant: staff || v.orgTakesPart || v.registered };
}

type Row = { status: MinutesStatus; currentVersion: number; publishedVersion: number | null };

async function minutesRow(db: DbOrTx, sessionId: string, lock = false): Promise<Row> {
  const r = await db.execute<Row>(sql`
    SELECT status, current_version AS "currentVersion", published_version AS "publishedVersion"
    FROM talks_minutes WHERE session_id = ${sessionId} ${lock ? sql`FOR UPDATE` : sql``}`);
  return r.rows[0] ?? { status: 'draft', currentVersion: 0, publishedVersion: null };
}

/** The newest version this reader may read (0: none). */
function readableUpTo(a: Access, m: Row): number {
  if (a.staff) return m.currentVersion;
  if (a.participant && m.status === 'review') return m.currentVersion;
  return m.publishedVersion ?? 0;
}

async function versionRow(db: DbOrTx, sessionId: string, version: number): Promise<MinutesVersion | null> {
  const r = await db.execute<MinutesVersion>(sql`
    SELECT v.version, v.body, v.note, ${iso('v.created_at')} AS "createdAt", u.name AS "authorName"
    FROM talks_minutes_versions v LEFT JOIN users u ON u.id = v.created_by
    WHERE v.session_id = ${sessionId} AND v.version = ${version}`);
  return r.rows[0] ?? null;
}

const sessionRef = z.object({ sessionId: z.string() });

export const getMinutes = defineUseCase({
  name: 'talks.getMinutes',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: sessionRef.extend({ version: z.number().optional() }),
  run: ({ ctx, input }) => minutesState(ctx, input),
});

/** The minutes as this reader may see them (also what a change answers, in its transaction). */
async function minutesState(ctx: Ctx, input: { sessionId: string; version?: number }): Promise<MinutesState> {
  const a = await access(ctx.db, ctx, input.sessionId);
  const m = await minutesRow(ctx.db, input.sessionId);
  const upTo = readableUpTo(a, m);
  const wanted = input.version ?? upTo;
  if (input.version !== undefined && (input.version < 1 || input.version > upTo)) {
    throw new AppError('not_found', { resource: 'minutes_version' });
  }
  return {
    sessionId: input.sessionId,
    sessionStatus: a.sessionStatus,
    status: m.status,
    currentVersion: a.staff ? m.currentVersion : upTo,
    publishedVersion: m.publishedVersion,
    shown: wanted > 0 ? await versionRow(ctx.db, input.sessionId, wanted) : null,
    readableUpTo: upTo,
    canEdit: a.staff,
    canComment: !!ctx.actor && a.participant && m.status === 'review',
  };
}

export const listMinutesVersions = defineUseCase({
  name: 'talks.listMinutesVersions',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: sessionRef,
  run: async ({ ctx, input: { sessionId } }): Promise<Omit<MinutesVersion, 'body'>[]> => {
    const a = await access(ctx.db, ctx, sessionId);
    const upTo = readableUpTo(a, await minutesRow(ctx.db, sessionId));
    const r = await ctx.db.execute<Omit<MinutesVersion, 'body'>>(sql`
      SELECT v.version, v.note, ${iso('v.created_at')} AS "createdAt", u.name AS "authorName"
      FROM talks_minutes_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.session_id = ${sessionId} AND v.version <= ${upTo}
      ORDER BY v.version DESC`);
    return r.rows;
  },
});

/** Two versions the reader may read, for a diff. */
export const minutesVersionPair = defineUseCase({
  name: 'talks.getMinutesVersionPair',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: sessionRef.extend({ from: z.number(), to: z.number() }),
  run: async ({ ctx, input }): Promise<[MinutesVersion, MinutesVersion]> => {
    const a = await access(ctx.db, ctx, input.sessionId);
    const upTo = readableUpTo(a, await minutesRow(ctx.db, input.sessionId));
    const get = async (v: number) => {
      const row = v >= 1 && v <= upTo ? await versionRow(ctx.db, input.sessionId, v) : null;
      if (!row) throw new AppError('not_found', { resource: 'minutes_version', version: v });
      return row;
    };
    return [await get(input.from), await get(input.to)];
  },
});

/**
 * A new version of the minutes (staff). `baseVersion` is the version the editor started from: if
 * someone saved meanwhile, `conflict` (nothing is overwritten). Saving published minutes starts an
 * amendment (status back to draft); the published version stays public.
 */
export const saveMinutes = defineUseCase({
  name: 'talks.saveMinutes',
  kind: 'write',
  audit: 'talks_minutes',
  allow: requireStaff,
  input: saveInput,
  run: async (uc): Promise<MinutesState> => {
    const { ctx, input: f } = uc;
    await access(ctx.db, ctx, f.sessionId);
    const m = await lockedMinutes(ctx.db, f.sessionId);
    if (m.currentVersion !== f.baseVersion) {
      throw new AppError('conflict', { reason: 'stale_version', currentVersion: m.currentVersion });
    }
    await newVersion(uc, f.sessionId, m, f.body, f.note ?? null);
    return minutesState(ctx, { sessionId: f.sessionId });
  },
});

/** The minutes row locked for this transaction, created (empty) on first use. */
async function lockedMinutes(tx: DbOrTx, sessionId: string): Promise<Row> {
  await tx.execute(sql`INSERT INTO talks_minutes (session_id) VALUES (${sessionId}) ON CONFLICT DO NOTHING`);
  return minutesRow(tx, sessionId, true);
}

/** A new version, audited in the use case's transaction. */
async function newVersion(
  uc: Pick<UseCaseRun<unknown>, 'ctx' | 'audit'>,
  sessionId: string,
  m: Row,
  body: I18nText,
  note: string | null,
) {
  const { ctx } = uc;
  const tx = ctx.db;
  const version = m.currentVersion + 1;
  const status: MinutesStatus = m.status === 'published' ? 'draft' : m.status;
  await tx.execute(sql`
    INSERT INTO talks_minutes_versions (session_id, version, body, note, created_by)
    VALUES (${sessionId}, ${version}, ${JSON.stringify(body)}::jsonb, ${note}, ${ctx.actor?.userId ?? null})`);
  await tx.execute(sql`
    UPDATE talks_minutes SET current_version = ${version}, status = ${status}, updated_at = ${ctx.now.toISOString()}
    WHERE session_id = ${sessionId}`);
  await uc.audit({
    action: 'update',
    entity: 'talks_minutes',
    entityId: sessionId,
    before: { version: m.currentVersion, status: m.status },
    after: { version, status, note },
  });
  return version;
}

const transitions: Record<MinutesStatus, MinutesStatus[]> = {
  draft: ['review'],
  review: ['draft', 'published'],
  published: [],
};

/** draft → review → published (or back to draft from review); staff only. */
export const setMinutesStatus = defineUseCase({
  name: 'talks.setMinutesStatus',
  kind: 'write',
  audit: 'talks_minutes',
  allow: requireStaff,
  input: statusInput,
  run: async (uc): Promise<MinutesState> => {
    const { ctx, input: f } = uc;
    const tx = ctx.db;
    await access(tx, ctx, f.sessionId);
    const m = await lockedMinutes(tx, f.sessionId);
    if (!transitions[m.status].includes(f.status)) {
      throw new AppError('invalid_transition', { from: m.status, to: f.status });
    }
    if (m.currentVersion === 0)
      throw new AppError('invalid_transition', { from: m.status, to: f.status, reason: 'empty' });
    const published = f.status === 'published' ? m.currentVersion : m.publishedVersion;
    await tx.execute(sql`
      UPDATE talks_minutes SET status = ${f.status}, published_version = ${published}, updated_at = ${ctx.now.toISOString()}
      WHERE session_id = ${f.sessionId}`);
    await uc.audit({
      action: f.status === 'published' ? 'publish' : 'update',
      entityId: f.sessionId,
      before: { status: m.status, publishedVersion: m.publishedVersion },
      after: { status: f.status, publishedVersion: published },
    });
    return minutesState(ctx, { sessionId: f.sessionId });
  },
});

export const listMinutesComments = defineUseCase({
  name: 'talks.listMinutesComments',
  kind: 'read',
  public: true,
  allow: checkRead,
  input: sessionRef,
  run: ({ ctx, input }) => commentsOf(ctx, input.sessionId),
});

async function commentsOf(ctx: Ctx, sessionId: string): Promise<MinutesComment[]> {
  const a = await access(ctx.db, ctx, sessionId);
  // Comments are the working notes of the review: for those taking part and staff only.
  if (!a.participant) return [];
  const r = await ctx.db.execute<MinutesComment>(sql`
    SELECT c.id, c.version, c.author_id AS "authorId", u.name AS "authorName", c.body,
      c.proposed_text AS "proposedText", c.locale, c.status, ${iso('c.created_at')} AS "createdAt",
      CASE WHEN c.resolved_at IS NULL THEN NULL ELSE ${iso('c.resolved_at')} END AS "resolvedAt"
    FROM talks_minutes_comments c LEFT JOIN users u ON u.id = c.author_id
    WHERE c.session_id = ${sessionId}
    ORDER BY c.created_at, c.id`);
  return r.rows;
}

/** A participant's comment on the version under review, optionally with the text they propose instead. */
export const addMinutesComment = defineUseCase({
  name: 'talks.addMinutesComment',
  kind: 'write',
  audit: 'talks_minutes_comment',
  allow: checkWrite,
  input: commentInput,
  run: async (uc): Promise<MinutesComment> => {
    const { ctx, input: f } = uc;
    const actor = checkWrite(ctx);
    const tx = ctx.db;
    const a = await access(tx, ctx, f.sessionId);
    if (!a.participant) throw new AppError('forbidden', { reason: 'not_a_participant' });
    const m = await lockedMinutes(tx, f.sessionId);
    if (m.status !== 'review')
      throw new AppError('invalid_transition', { reason: 'not_under_review', status: m.status });
    const r = await tx.execute<{ id: string }>(sql`
      INSERT INTO talks_minutes_comments (session_id, version, author_id, body, proposed_text, locale)
      VALUES (${f.sessionId}, ${m.currentVersion}, ${actor.userId}, ${f.body}, ${f.proposedText}, ${f.locale})
      RETURNING id`);
    const id = r.rows[0].id;
    await uc.audit({
      action: 'create',
      entityId: id,
      after: { sessionId: f.sessionId, version: m.currentVersion, proposes: f.proposedText !== null },
    });
    return (await commentsOf(ctx, f.sessionId)).find((c) => c.id === id)!;
  },
});

/**
 * The secretariat accepts or declines a comment. Accepting a proposed text makes a new version:
 * the change the participant made to the version they read is applied to the current text, so
 * edits saved since are kept; if they touch the same passage, `conflict` and nothing changes.
 */
export const resolveMinutesComment = defineUseCase({
  name: 'talks.resolveMinutesComment',
  kind: 'write',
  audit: 'talks_minutes_comment',
  allow: requireStaff,
  input: resolveInput,
  run: async (uc): Promise<{ comment: MinutesComment; version: number | null }> => {
    const { ctx, input: f } = uc;
    const actor = requireStaff(ctx);
    const tx = ctx.db;
    await access(tx, ctx, f.sessionId);
    const m = await lockedMinutes(tx, f.sessionId);
    const r = await tx.execute<{
      status: string;
      version: number;
      proposedText: string | null;
      locale: string;
    }>(sql`
      SELECT status, version, proposed_text AS "proposedText", locale FROM talks_minutes_comments
      WHERE id = ${f.commentId} AND session_id = ${f.sessionId} FOR UPDATE`);
    const c = r.rows[0];
    if (!c) throw new AppError('not_found', { resource: 'minutes_comment' });
    if (c.status !== 'open') throw new AppError('invalid_transition', { from: c.status, to: f.decision });
    let made: number | null = null;
    if (f.decision === 'accept' && c.proposedText !== null) {
      const base = (await versionRow(tx, f.sessionId, c.version))?.body ?? {};
      const current = (await versionRow(tx, f.sessionId, m.currentVersion))?.body ?? {};
      const text = applyProposal(base[c.locale] ?? '', c.proposedText, current[c.locale] ?? '');
      if (text === null) throw new AppError('conflict', { reason: 'proposal_no_longer_applies' });
      made = await newVersion(
        uc,
        f.sessionId,
        m,
        { ...current, [c.locale]: text },
        `Proposal accepted (comment ${f.commentId.slice(0, 8)})`,
      );
    }
    await tx.execute(sql`
      UPDATE talks_minutes_comments SET status = ${f.decision === 'accept' ? 'accepted' : 'declined'},
        resolved_at = ${ctx.now.toISOString()}, resolved_by = ${actor.userId}
      WHERE id = ${f.commentId}`);
    await uc.audit({
      action: f.decision,
      entityId: f.commentId,
      before: { status: 'open' },
      after: { status: f.decision === 'accept' ? 'accepted' : 'declined', version: made },
    });
    const comment = (await commentsOf(ctx, f.sessionId)).find((c) => c.id === f.commentId)!;
    return { comment, version: made };
  },
});
