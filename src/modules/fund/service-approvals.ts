import { sql } from 'drizzle-orm';
import { audit } from '../../core/audit/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { inTransaction } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { requireRole, requireScope } from '../../core/policy/policy.ts';
import { parseInput } from '../../core/validation/input.ts';
import { postTransaction } from './post.ts';
import type { ApprovalStatus } from './schema.ts';
import { decisionInput } from './service-input.ts';
import { disbursementLines, TREASURY } from './service-postings.ts';

export interface Approval {
  id: string;
  communityOrgId: string;
  communityName: string;
  amountMinor: number;
  currency: string;
  memo: string | null;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  transactionId: string | null;
}

/**
 * The second treasurer approves a disbursement waiting above the threshold: it is posted now,
 * under the same idempotency key as the request, so the requester's retry finds it. The one who
 * asked cannot approve; the grant is checked again under its locks (it may have been spent since).
 */
export async function approveDisbursement(
  ctx: Ctx,
  input: unknown,
): Promise<{ transactionId: string; status: 'posted' }> {
  const actor = requireRole(ctx, TREASURY);
  requireScope(ctx, 'write');
  const v = parseInput(decisionInput, input);
  return inTransaction(ctx.db, async (tx) => {
    const a = await lockApproval(tx, v.approvalId);
    if (a.status === 'approved' && a.transaction_id)
      return { transactionId: a.transaction_id, status: 'posted' };
    if (a.status !== 'pending') throw new AppError('invalid_transition', { status: a.status });
    if (a.requested_by === actor.userId) throw new AppError('second_approver_required');
    const amount = Number(a.amount_minor);
    const posted = await postTransaction(
      { ...ctx, db: tx },
      {
        kind: 'disbursement',
        idempotencyKey: a.idempotency_key,
        requestHash: a.request_hash,
        lines: disbursementLines(a.community_org_id, a.currency, amount),
        memo: a.memo,
        receiverOrgId: a.community_org_id,
        needId: a.need_id,
        createdBy: a.requested_by,
        approvedBy: actor.userId,
      },
    );
    await tx.execute(sql`
      UPDATE fund_approvals SET status = 'approved', decided_by = ${actor.userId}, decided_at = ${ctx.now.toISOString()},
        decision_note = ${v.note ?? null}, transaction_id = ${posted.transactionId}
      WHERE id = ${a.id}`);
    await audit(tx, ctx, {
      action: 'approve',
      entity: 'fund.approval',
      entityId: a.id,
      before: { status: 'pending' },
      after: { status: 'approved', transactionId: posted.transactionId },
    });
    return { transactionId: posted.transactionId, status: 'posted' };
  });
}

/** Refuse a waiting disbursement (the requester may withdraw their own). Nothing is posted. */
export async function rejectDisbursement(ctx: Ctx, input: unknown): Promise<{ status: 'rejected' }> {
  const actor = requireRole(ctx, TREASURY);
  requireScope(ctx, 'write');
  const v = parseInput(decisionInput, input);
  return inTransaction(ctx.db, async (tx) => {
    const a = await lockApproval(tx, v.approvalId);
    if (a.status === 'rejected') return { status: 'rejected' };
    if (a.status !== 'pending') throw new AppError('invalid_transition', { status: a.status });
    await tx.execute(sql`
      UPDATE fund_approvals SET status = 'rejected', decided_by = ${actor.userId}, decided_at = ${ctx.now.toISOString()},
        decision_note = ${v.note ?? null}
      WHERE id = ${a.id}`);
    await audit(tx, ctx, {
      action: 'reject',
      entity: 'fund.approval',
      entityId: a.id,
      before: { status: 'pending' },
      after: { status: 'rejected', note: v.note ?? null },
    });
    return { status: 'rejected' };
  });
}

async function lockApproval(tx: Parameters<Parameters<typeof inTransaction>[1]>[0], id: string) {
  const r = await tx.execute<{
    id: string;
    idempotency_key: string;
    request_hash: string;
    community_org_id: string;
    amount_minor: string;
    currency: string;
    memo: string | null;
    need_id: string | null;
    status: ApprovalStatus;
    requested_by: string;
    transaction_id: string | null;
  }>(sql`SELECT id, idempotency_key, request_hash, community_org_id, amount_minor, currency, memo, need_id, status,
           requested_by, transaction_id
         FROM fund_approvals WHERE id = ${id} FOR UPDATE`);
  const a = r.rows[0];
  if (!a) throw new AppError('not_found', { resource: 'fund.approval' });
  return a;
}

/** Disbursements by status (pending first by default), for the treasurers. */
export async function listApprovals(ctx: Ctx, filter: { status?: ApprovalStatus } = {}): Promise<Approval[]> {
  requireRole(ctx, TREASURY);
  requireScope(ctx, 'read');
  const r = await ctx.db.execute<Record<string, string | null>>(sql`
    SELECT a.id, a.community_org_id, o.name AS community_name, a.amount_minor, a.currency, a.memo, a.status,
      a.requested_by, u.name AS requested_by_name, a.requested_at, a.decided_by, a.decided_at, a.transaction_id
    FROM fund_approvals a
    JOIN organisations o ON o.id = a.community_org_id
    LEFT JOIN users u ON u.id = a.requested_by
    WHERE ${filter.status ? sql`a.status = ${filter.status}` : sql`true`}
    ORDER BY (a.status = 'pending') DESC, a.requested_at DESC
    LIMIT 200`);
  return r.rows.map((x) => ({
    id: x.id!,
    communityOrgId: x.community_org_id!,
    communityName: x.community_name!,
    amountMinor: Number(x.amount_minor),
    currency: x.currency!,
    memo: x.memo,
    status: x.status as ApprovalStatus,
    requestedBy: x.requested_by!,
    requestedByName: x.requested_by_name,
    requestedAt: new Date(x.requested_at!).toISOString(),
    decidedBy: x.decided_by,
    decidedAt: x.decided_at ? new Date(x.decided_at).toISOString() : null,
    transactionId: x.transaction_id,
  }));
}
