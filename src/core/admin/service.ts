import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireRole, requireScope } from '../policy/policy.ts';
import { allRoles, type Role } from '../policy/roles.ts';

/** Read side of the administration pages: users, the mail outbox, the audit log, the MFA policy. */

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

export interface UserListItem {
  id: string;
  email: string;
  name: string;
  status: string;
  totpEnabled: boolean;
  createdAt: string;
  roles: { id: string; role: Role; scopeOrgId: string | null }[];
}

/**
 * Users by email, filtered by a text (email or name) and a role; keyset pagination on the
 * email (`after`). Admins and the secretariat (who invite people) may list them.
 */
export async function listUsers(
  ctx: Ctx,
  input: { q?: string; role?: string; after?: string; limit?: number },
): Promise<{ items: UserListItem[]; next: string | null }> {
  requireRole(ctx, ['admin', 'secretariat']);
  requireScope(ctx, 'admin');
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const q = input.q?.trim();
  const role = input.role && (allRoles() as readonly string[]).includes(input.role) ? input.role : null;
  const r = await ctx.db.execute<{
    id: string;
    email: string;
    name: string;
    status: string;
    totp_enabled: boolean;
    created_at: Date;
    roles: { id: string; role: Role; scopeOrgId: string | null }[] | null;
  }>(sql`
    SELECT u.id, u.email, u.name, u.status, u.totp_enabled, u.created_at,
      (SELECT json_agg(json_build_object('id', ur.id, 'role', ur.role, 'scopeOrgId', ur.scope_org_id) ORDER BY ur.role)
       FROM user_roles ur WHERE ur.user_id = u.id) AS roles
    FROM users u
    WHERE true
      ${q ? sql`AND (u.email ILIKE ${`%${q}%`} OR u.name ILIKE ${`%${q}%`})` : sql``}
      ${role ? sql`AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role = ${role})` : sql``}
      ${input.after ? sql`AND lower(u.email) > lower(${input.after})` : sql``}
    ORDER BY lower(u.email) LIMIT ${limit + 1}`);
  const rows = r.rows.slice(0, limit);
  return {
    items: rows.map((x) => ({
      id: x.id,
      email: x.email,
      name: x.name,
      status: x.status,
      totpEnabled: x.totp_enabled,
      createdAt: iso(x.created_at)!,
      roles: x.roles ?? [],
    })),
    next: r.rows.length > limit ? rows[rows.length - 1].email : null,
  };
}

export async function getUser(ctx: Ctx, id: string): Promise<UserListItem> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  if (!isUuid(id)) throw new AppError('not_found', { resource: 'user' });
  const r = await ctx.db.execute<{
    id: string;
    email: string;
    name: string;
    status: string;
    totp_enabled: boolean;
    created_at: Date;
  }>(sql`SELECT id, email, name, status, totp_enabled, created_at FROM users WHERE id = ${id}`);
  const u = r.rows[0];
  if (!u) throw new AppError('not_found', { resource: 'user' });
  const roles = await ctx.db.execute<{ id: string; role: Role; scope_org_id: string | null }>(
    sql`SELECT id, role, scope_org_id FROM user_roles WHERE user_id = ${id} ORDER BY role, scope_org_id NULLS FIRST`,
  );
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    totpEnabled: u.totp_enabled,
    createdAt: iso(u.created_at)!,
    roles: roles.rows.map((x) => ({ id: x.id, role: x.role, scopeOrgId: x.scope_org_id })),
  };
}

export interface OutboxItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  status: string;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The mail outbox, newest first, by pages of `limit`. */
export async function listOutbox(
  ctx: Ctx,
  input: { page?: number; limit?: number },
): Promise<{ items: OutboxItem[]; page: number; hasMore: boolean; total: number }> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const page = Math.max(input.page ?? 1, 1);
  const r = await ctx.db.execute<{
    id: string;
    to: string;
    subject: string;
    text: string;
    status: string;
    error: string | null;
    created_at: Date;
    sent_at: Date | null;
  }>(sql`
    SELECT id, "to", subject, text, status, error, created_at, sent_at FROM outbox
    ORDER BY created_at DESC, id DESC LIMIT ${limit + 1} OFFSET ${(page - 1) * limit}`);
  const total = await ctx.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbox`);
  return {
    items: r.rows.slice(0, limit).map((x) => ({
      id: x.id,
      to: x.to,
      subject: x.subject,
      text: x.text,
      status: x.status,
      error: x.error,
      createdAt: iso(x.created_at)!,
      sentAt: iso(x.sent_at),
    })),
    page,
    hasMore: r.rows.length > limit,
    total: total.rows[0].n,
  };
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  /** A user id, or part of the actor's email. */
  actor?: string;
  action?: string;
  /** Inclusive dates (YYYY-MM-DD) or instants. */
  from?: string;
  to?: string;
  /** Keyset cursor: only events with a smaller id. */
  before?: number;
  limit?: number;
}

export interface AuditItem {
  id: number;
  at: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const asInstant = (v: string, endOfDay: boolean): string => {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new AppError('validation_failed', [
      { path: endOfDay ? 'to' : 'from', code: 'invalid_date', message: 'not a date' },
    ]);
  }
  // A plain date as the end of a range means up to the end of that day.
  if (endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v)) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
};

/** The audit log, newest first, filtered; keyset pagination on the id (`before`). */
export async function listAuditEvents(
  ctx: Ctx,
  f: AuditFilter,
): Promise<{ items: AuditItem[]; nextBefore: number | null }> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const actor = f.actor?.trim();
  const conds = [sql`true`];
  if (f.entity?.trim()) conds.push(sql`entity = ${f.entity.trim()}`);
  if (f.entityId?.trim()) conds.push(sql`entity_id = ${f.entityId.trim()}`);
  if (f.action?.trim()) conds.push(sql`action = ${f.action.trim()}`);
  if (actor) conds.push(isUuid(actor) ? sql`actor_id = ${actor}` : sql`actor_label ILIKE ${`%${actor}%`}`);
  if (f.from?.trim()) conds.push(sql`at >= ${asInstant(f.from.trim(), false)}`);
  if (f.to?.trim()) {
    const end = asInstant(f.to.trim(), true);
    conds.push(/^\d{4}-\d{2}-\d{2}$/.test(f.to.trim()) ? sql`at < ${end}` : sql`at <= ${end}`);
  }
  if (f.before) conds.push(sql`id < ${f.before}`);
  const r = await ctx.db.execute<{
    id: number;
    at: string;
    actor_id: string | null;
    actor_label: string | null;
    action: string;
    entity: string;
    entity_id: string | null;
    before: unknown;
    after: unknown;
    request_id: string | null;
  }>(sql`
    SELECT id, at, actor_id, actor_label, action, entity, entity_id, before, after, request_id FROM audit_events
    WHERE ${sql.join(conds, sql` AND `)} ORDER BY id DESC LIMIT ${limit + 1}`);
  const rows = r.rows.slice(0, limit);
  return {
    items: rows.map((x) => ({
      id: Number(x.id),
      at: iso(x.at)!,
      actorId: x.actor_id,
      actorLabel: x.actor_label,
      action: x.action,
      entity: x.entity,
      entityId: x.entity_id,
      before: x.before,
      after: x.after,
      requestId: x.request_id,
    })),
    nextBefore: r.rows.length > limit ? Number(rows[rows.length - 1].id) : null,
  };
}

/** Which roles require a second factor, for every role. */
export async function getMfaPolicy(ctx: Ctx): Promise<{ role: Role; required: boolean }[]> {
  requireRole(ctx, ['admin']);
  requireScope(ctx, 'admin');
  const r = await ctx.db.execute<{ role: string }>(sql`SELECT role FROM role_mfa_policy WHERE required`);
  const required = new Set(r.rows.map((x) => x.role));
  return allRoles().map((role) => ({ role, required: required.has(role) }));
}

export async function adminCounts(
  ctx: Ctx,
): Promise<{ users: number; invited: number; outbox: number; audit: number }> {
  requireRole(ctx, ['admin']);
  const r = await ctx.db.execute<{ users: number; invited: number; outbox: number; audit: number }>(sql`
    SELECT (SELECT count(*)::int FROM users WHERE status = 'active') AS users,
      (SELECT count(*)::int FROM users WHERE status = 'invited') AS invited,
      (SELECT count(*)::int FROM outbox) AS outbox,
      (SELECT coalesce(max(id), 0)::int8 FROM audit_events) AS audit`);
  return r.rows[0];
}
