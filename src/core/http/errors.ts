import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError, type z } from 'zod';
import { AppError, type ErrorCode, errorCatalogue } from '../errors.ts';
import { t } from '../i18n/i18n.ts';
import { fieldErrors, invalid, issueCode } from '../validation/input.ts';
import { wantsHtml } from './negotiate.ts';
import { noteFailure } from './request-log.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Map any thrown value to a catalogue error; unknown errors become `internal` with nothing leaked. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? '';
    return invalid(
      err.validation.map((v) => {
        // The provider keeps the Zod issue as keyword (its code), message and params (the rest).
        const issue = { ...(v.params ?? {}), code: v.keyword, message: v.message ?? '' } as z.core.$ZodIssue;
        const path =
          `${(v as { instancePath?: string }).instancePath ?? ''}`.replace(/^\//, '').replace(/\//g, '.') ||
          where;
        return { path, code: issueCode(issue), message: v.message ?? 'invalid' };
      }),
    );
  }
  if (err instanceof ZodError) return invalid(fieldErrors(err));
  const fe = err as FastifyError & { code?: string; status?: number };
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json');
    case 'FST_ERR_VALIDATION':
      return invalid(
        ((fe as { validation?: { instancePath?: string; message?: string }[] }).validation ?? []).map(
          (v) => ({
            path: (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.'),
            code: 'invalid',
            message: v.message ?? 'invalid',
          }),
        ),
      );
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_RATE_LIMITED':
      return new AppError('rate_limited');
  }
  if (err instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400)
    return new AppError('invalid_json');
  const status = fe?.statusCode ?? fe?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = ([...errorCatalogue()].find(([, s]) => s === status)?.[0] ??
      'validation_failed') as ErrorCode;
    return new AppError(code);
  }
  // PostgreSQL input errors that reach us are still bad input, not server faults.
  const pgCode =
    (err as { code?: string; cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  if (typeof pgCode === 'string') {
    if (pgCode === '23505') return new AppError('already_exists');
    if (pgCode === '23503')
      return invalid([
        { path: '', code: 'reference_not_found', message: 'a referenced record does not exist' },
      ]);
    if (
      pgCode === '22P02' ||
      pgCode === '22007' ||
      pgCode === '22008' ||
      pgCode === '22003' ||
      pgCode === '22001' ||
      pgCode === '22021'
    )
      return invalid([{ path: '', code: 'invalid_value', message: 'a value is out of range or malformed' }]);
    if (pgCode === '40001' || pgCode === '40P01' || pgCode === '55P03')
      return new AppError('conflict', { reason: 'retry' });
  }
  return new AppError('internal', undefined, (err as Error)?.message);
}

export function errorBody(e: AppError, locale: Parameters<typeof t>[0]): ErrorBody {
  const body: ErrorBody = { error: { code: e.code, message: t(locale, `errors.${e.code}`) } };
  if (e.details !== undefined) body.error.details = e.details;
  return body;
}

export async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
): Promise<FastifyReply> {
  const e = toAppError(err);
  noteFailure(request, e.code, e.code === 'internal' ? err : undefined);
  const locale = request.locale ?? 'en';
  reply.code(e.status);
  const wait = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof wait === 'number') reply.header('retry-after', String(wait));
  if (wantsHtml(request) && request.app?.renderErrorPage) {
    return reply.type('text/html; charset=utf-8').send(request.app.renderErrorPage(request, e));
  }
  return reply.type('application/json; charset=utf-8').send(errorBody(e, locale));
}
