/**
 * The error catalogue: a stable code, its HTTP status, and a message key that every
 * language catalogue translates (`errors.<code>`). Use cases throw AppError; the HTTP layer
 * turns it into `{ error: { code, message, details } }` or a friendly page.
 */
export const errorCatalogue = {
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
  insufficient_funds: 409,
  invalid_transition: 409,
  unknown_reference: 422,
  over_allocation: 409,
  idempotency_mismatch: 422,
  second_approver_required: 403,
  personal_data_refused: 422,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ErrorCode, details?: unknown, internalMessage?: string) {
    super(internalMessage ?? code);
    this.code = code;
    this.status = errorCatalogue[code];
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export function notFound(what?: string): AppError {
  return new AppError('not_found', what ? { resource: what } : undefined);
}
export function forbidden(reason?: string): AppError {
  return new AppError('forbidden', reason ? { reason } : undefined);
}
