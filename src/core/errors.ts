import type { PartErrorCode } from './module/parts.ts';

/**
 * The error catalogue: a stable code, its HTTP status, and a message key that every
 * language catalogue translates (`errors.<code>`). Use cases throw AppError; the HTTP layer
 * turns it into `{ error: { code, message, details } }` or a friendly page.
 *
 * These are the kernel's codes. A part adds its own in its manifest (`errors`), and names them
 * for the type checker in `Parts` (core/module/parts.ts).
 */
export const kernelErrors = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_csv: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  invalid_mfa_code: 401,
  csrf_invalid: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_exists: 409,
  invalid_token: 400,
  token_expired: 410,
  rate_limited: 429,
  invalid_transition: 409,
  unknown_reference: 422,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof kernelErrors | PartErrorCode;

const statuses = new Map<string, number>(Object.entries(kernelErrors));

/** Called by the module kit for each part's `errors`; a code may not change its status. */
export function registerErrorCodes(codes: Record<string, number>): void {
  for (const [code, status] of Object.entries(codes)) {
    const known = statuses.get(code);
    if (known !== undefined && known !== status) {
      throw new Error(`error code ${code} is already registered with status ${known}`);
    }
    statuses.set(code, status);
  }
}

/** Every code known to this process with its status (kernel first, then the parts'). */
export function errorCatalogue(): ReadonlyMap<string, number> {
  return statuses;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ErrorCode, details?: unknown, internalMessage?: string) {
    super(internalMessage ?? code);
    this.code = code;
    this.status = statuses.get(code) ?? 500;
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export function notFound(what?: string): AppError {
  return new AppError('not_found', what ? { resource: what } : undefined);
}
