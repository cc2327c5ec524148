import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../core/db/tx.ts';
import { AppError } from '../../core/errors.ts';
import { defineUseCase } from '../../core/module/use-case.ts';
import { requireActor, requireRole, requireScope } from '../../core/policy/policy.ts';
import { joinOrganisation } from '../directory/index.ts';
import { postTransaction } from './post.ts';
import { type ApprovalStatus, approvalStatuses } from './schema.ts';
import { decisionInput } from './service-input.ts';
import { disbursementLines, TREASURY, writersOf } from './service-postings.ts';

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
 * The second treasurer approves a disbursement waiting at or above the threshold: it is posted now,
 * under the same idempotency key as the request, so the requester's retry finds it. The one who
 * asked cannot approve; the grant is checked again under its locks (it may have been spent since).
 */
export const approveDisbursement = defineUseCase({
  name: 'fund.approveDisbursement',
  kind: 'write',
  audit: 'fund_approval',
  allow: writersOf(TREASURY),
  input: decisionInput,
  run: async (uc): Promise<{ transactionId: string; status: 'posted' }> => {
    const { ctx, input: v } = uc;
    const actor = requireActor(ctx);
    const a = await lockApproval(ctx.db, v.approvalId);
    if (a.status === 'approved' && a.transaction_id) {
      uc.unchanged();
      return { transactionId: a.transaction_id, status: 'posted' };
    }
    if (a.status !== 'pending') throw new AppError('invalid_transition', { status: a.status });
    if (a.requested_by === actor.userId) throw new AppError('second_approver_required');
    const amount = Number(a.amount_minor);
    const posted = await postTransaction(
      ctx,
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
      uc.audit,
    );
    await ctx.db.execute(sql`
      UPDATE fund_approvals SET status = 'approved', decided_by = ${actor.userId}, decided_at = ${ctx.now.toISOString()},
        decision_note = ${v.note ?? null}, transaction_id = ${posted.transactionId}
      WHERE id = ${a.id}`);
    await uc.audit({
      action: 'approve',
      entityId: a.id,
      before: { status: 'pending' },
      after: { status: 'approved', transactionId: posted.transactionId },
    });
    return { transactionId: posted.transactionId, status: 'posted' };
  },
});

/** Refuse a waiting disbursement (the requester may withdraw their own). Nothing is posted. */
export const rejectDisbursement = defineUseCase({
  name: 'fund.rejectDisbursement',
  kind: 'write',
  audit: 'fund_approval',
  allow: writersOf(TREASURY),
  input: decisionInput,
  run: async (uc): Promise<{ status: 'rejected' }> => {
    const { ctx, input: v } = uc;
    const actor = requireActor(ctx);
    const a = await lockApproval(ctx.db, v.approvalId);
    if (a.status === 'rejected') {
      uc.unchanged();
      return { status: 'rejected' };
    }
    if (a.status !== 'pending') throw new AppError('invalid_transition', { status: a.status });
    await ctx.db.execute(sql`
      UPDATE fund_approvals SET status = 'rejected', decided_by = ${actor.userId}, decided_at = ${ctx.now.toISOString()},
        decision_note = ${v.note ?? null}
      WHERE id = ${a.id}`);
    await uc.audit({
      action: 'reject',
      entityId: a.id,
      before: { status: 'pending' },
      after: { status: 'rejected', note: v.note ?? null },
    });
    return { status: 'rejected' };
  },
});

async function lockApproval(tx: DbOrTx, id: string) {
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
export const listApprovals = defineUseCase({
  name: 'fund.listApprovals',
  kind: 'read',
  allow: (ctx) => {
    requireRole(ctx, TREASURY);
    requireScope(ctx, 'read');
  },
  input: z.object({ status: z.enum(approvalStatuses).optional() }).strict(),
  run: async ({ ctx, input }): Promise<Approval[]> => {
    const r = await ctx.db.execute<Record<string, string | null>>(sql`
      SELECT a.id, a.community_org_id, o.name AS community_name, a.amount_minor, a.currency, a.memo, a.status,
        a.requested_by, u.name AS requested_by_name, a.requested_at, a.decided_by, a.decided_at, a.transaction_id
      FROM fund_approvals a
      ${joinOrganisation('o', sql`a.community_org_id`, { inner: true })}
      LEFT JOIN users u ON u.id = a.requested_by
      WHERE ${input.status ? sql`a.status = ${input.status}` : sql`true`}
      ORDER BY (a.status = 'pending') DESC, a.requested_at DESC
      LIMIT 200`);
    return r.rows.map(approvalOf);
  },
});

const approvalOf = (x: Record<string, string | null>): Approval => ({
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
});
