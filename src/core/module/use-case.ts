import type { z } from 'zod';
import { type AuditInput, audit } from '../audit/audit.ts';
import type { AuditEntity } from '../audit/entities.ts';
import type { Ctx } from '../context.ts';
import { type DbOrTx, inTransaction } from '../db/tx.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../validation/input.ts';

/** What a use case's body receives. For a write, `ctx.db` is its transaction. */
export interface UseCaseRun<I> {
  ctx: Ctx;
  input: I;
  /**
   * Record the change in the audit log, in the use case's transaction (or in `db`, for a use
   * case that runs its own transactions). The entity defaults to the one the use case declares.
   */
  audit(event: Omit<AuditInput, 'entity'> & { entity?: AuditEntity }, db?: DbOrTx): Promise<void>;
  /** Record that the actor read a restricted record: the one kernel way to log such reads. */
  restrictedRead(entity: AuditEntity, entityId: string | null, after?: unknown, db?: DbOrTx): Promise<void>;
  /** Say that this run changed nothing (a retry, a file applied twice): no audit event is due. */
  unchanged(): void;
}

interface Common<S extends z.ZodType, O> {
  /** `<part>.<verbNoun>`, unique across the platform. */
  name: string;
  /**
   * Who may call it at all, checked first, before the input is read: throw `unauthenticated` or
   * `forbidden`. Record-level rules (this organisation, this session) go in `run`.
   */
  allow: (ctx: Ctx) => void;
  input: S;
  run: (uc: UseCaseRun<z.output<S>>) => Promise<O>;
}

export interface WriteSpec<S extends z.ZodType, O> extends Common<S, O> {
  kind: 'write';
  /** The entity every run records at least once (or says `unchanged()`). */
  audit: AuditEntity;
  /**
   * The body opens its own transactions (the fund's posting queue): each change's audit event is
   * still required, written with `uc.audit(event, tx)`.
   */
  ownTransaction?: boolean;
  /** Anyone, signed in or not, may call it (e.g. a public registration form). */
  public?: boolean;
}

export interface ReadSpec<S extends z.ZodType, O> extends Common<S, O> {
  kind: 'read';
  /** The restricted entity this read may show (its reads are recorded with `restrictedRead`). */
  restricted?: AuditEntity;
  public?: boolean;
}

export type UseCaseSpec<S extends z.ZodType, O> = WriteSpec<S, O> | ReadSpec<S, O>;

declare const untrustedBrand: unique symbol;
/** Input straight from a form or a file, not yet of the schema's type: the use case parses it. */
export type Untrusted = { readonly [untrustedBrand]: true };
/** Hand raw form or file values to a use case, which parses them (no cast at the call site). */
export const untrusted = (value: unknown): Untrusted => value as Untrusted;

export type UseCase<S extends z.ZodType, O> = ((ctx: Ctx, input?: z.input<S> | Untrusted) => Promise<O>) & {
  readonly spec: UseCaseSpec<S, O>;
};

export type AnyUseCase = UseCase<any, any>;

/** For `allow`: anyone may call it. Use only with `public: true`. */
export const anyone = (_ctx: Ctx): void => undefined;

/**
 * A use case with its rules made by construction: the permission check comes first, then the
 * input is parsed (`validation_failed` with one shape), then, for a write, the body runs in one
 * transaction which is refused (rolled back, `internal`) if it recorded no audit event.
 */
export function defineUseCase<S extends z.ZodType, O>(spec: UseCaseSpec<S, O>): UseCase<S, O> {
  const fn = async (ctx: Ctx, raw?: z.input<S> | Untrusted): Promise<O> => {
    spec.allow(ctx);
    const input = parseInput(spec.input, raw ?? {});
    if (spec.kind === 'read') return spec.run(tools(ctx, input, spec.restricted ?? null));
    if (spec.ownTransaction) return audited(ctx, input, spec);
    return inTransaction(ctx.db, (tx) => audited({ ...ctx, db: tx }, input, spec));
  };
  return Object.assign(fn, { spec });
}

async function audited<S extends z.ZodType, O>(ctx: Ctx, input: z.output<S>, spec: WriteSpec<S, O>) {
  const uc = tools(ctx, input, spec.audit);
  const result = await spec.run(uc);
  if (uc.audits === 0 && !uc.quiet) {
    throw new AppError('internal', undefined, `use case ${spec.name} changed data without an audit event`);
  }
  return result;
}

function tools<I>(ctx: Ctx, input: I, entity: AuditEntity | null) {
  const uc = {
    ctx,
    input,
    audits: 0,
    quiet: false,
    async audit(event: Omit<AuditInput, 'entity'> & { entity?: AuditEntity }, db: DbOrTx = ctx.db) {
      const e = event.entity ?? entity;
      if (!e) throw new Error('audit entity missing');
      await audit(db, ctx, { ...event, entity: e });
      uc.audits++;
    },
    async restrictedRead(e: AuditEntity, entityId: string | null, after?: unknown, db: DbOrTx = ctx.db) {
      await audit(db, ctx, { action: 'read_restricted', entity: e, entityId, after });
      uc.audits++;
    },
    unchanged() {
      uc.quiet = true;
    },
  };
  return uc;
}
