import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { AppError, isAppError } from '../errors.ts';
import { t } from '../i18n/i18n.ts';
import { renderPage } from '../ui/layout.tsx';
import { hasControlChars } from '../validation/input.ts';

/**
 * Small helpers for the server-rendered forms of accounts and administration: fields with their
 * error next to them, an error summary at the top, and the mapping of use-case errors to fields.
 */

export type FieldErrors = Record<string, string>;

/** A string field of a urlencoded form (repeated fields: the first value). */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

/** Every value of a repeated field (checkboxes). */
export function fields(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/**
 * Turn an error of a use case into messages for the form: validation details go next to their
 * field, anything else into the summary. Unexpected errors are re-thrown to the error handler.
 */
export function formErrors(request: FastifyRequest, e: unknown, fallbackField = '_form'): FieldErrors {
  if (!isAppError(e)) throw e;
  const l = request.locale;
  if (e.code === 'validation_failed' && Array.isArray(e.details)) {
    const out: FieldErrors = {};
    for (const d of e.details as { path?: string; code?: string }[]) {
      const key = `auth.fieldErrors.${d.code ?? 'invalid'}`;
      const msg = t(l, key);
      out[d.path || fallbackField] = msg === key ? t(l, 'errors.validation_failed') : msg;
    }
    return out;
  }
  if (e.code === 'already_exists' && (e.details as { field?: string })?.field) {
    return { [(e.details as { field: string }).field]: t(l, 'auth.fieldErrors.email_taken') };
  }
  const reason = (e.details as { reason?: string } | undefined)?.reason;
  const reasonKey = reason ? `auth.reasons.${reason}` : '';
  const reasonMsg = reasonKey ? t(l, reasonKey) : '';
  return { [fallbackField]: reasonMsg && reasonMsg !== reasonKey ? reasonMsg : t(l, `errors.${e.code}`) };
}

export const statusOf = (e: unknown) => (e instanceof AppError ? e.status : 400);

export function ErrorSummary({
  errors,
  request,
}: {
  errors?: FieldErrors;
  request: FastifyRequest;
}): VNode | null {
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div class="errors" role="alert">
      <p>
        <strong>{t(request.locale, 'auth.form.problem')}</strong>
      </p>
      <ul>
        {Object.entries(errors).map(([k, msg]) => (
          <li key={k}>{k === '_form' ? msg : <a href={`#f-${k}`}>{msg}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  inputMode?: string;
  pattern?: string;
  maxLength?: number;
}

/** A labelled input whose error is announced with it (aria-describedby). */
export function Field(p: FieldProps): VNode {
  const id = `f-${p.name}`;
  const err = p.errors?.[p.name];
  const described = [p.hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={err ? 'field has-error' : 'field'}>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <small id={`${id}-hint`} class="hint">
          {p.hint}
        </small>
      )}
      {err && (
        <small id={`${id}-error`} class="field-error">
          {err}
        </small>
      )}
      <input
        id={id}
        name={p.name}
        type={(p.type ?? 'text') as 'text'}
        value={p.type === 'password' ? undefined : p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode as 'numeric' | undefined}
        pattern={p.pattern}
        maxLength={p.maxLength}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
    </div>
  );
}

/** Send a full page (status 200 unless given). */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  children: ComponentChildren,
  opts: { status?: number; notice?: string } = {},
): FastifyReply {
  return reply
    .code(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(renderPage(request, { title, children, notice: opts.notice }));
}

const BASE = 'http://peacetalks.invalid';

/**
 * A same-site path to go back to after sign-in, normalised and percent-encoded. Anything that
 * could leave the site (`//host`, `/\\host`, a scheme, the same once more encoded) becomes `/`;
 * a control character is `validation_failed` (`next`, `unsafe_redirect`).
 */
export function safeNext(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '/';
  // Browsers drop tabs and newlines from URLs (so `/\t/evil` becomes `//evil`), and Node refuses
  // them in a header (a 500): they are refused outright.
  if (hasControlChars(v, { lineBreaks: false })) {
    throw new AppError('validation_failed', [
      { path: 'next', code: 'unsafe_redirect', message: 'not a path on this site' },
    ]);
  }
  if (v.length > 500 || offSite(v)) return '/';
  const url = new URL(v, BASE);
  if (url.origin !== BASE) return '/';
  const out = url.pathname + url.search + url.hash;
  if (!offSite(out) && !offSite(decodedOnce(out))) return out;
  return '/';
}

const offSite = (p: string) =>
  !p.startsWith('/') || p.startsWith('//') || p.includes('\\') || hasControlChars(p, { lineBreaks: false });

function decodedOnce(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return '//';
  }
}

/** Flash notices travel as `?done=<key>` after a redirect; only known keys are shown. */
export function notice(request: FastifyRequest, prefix: string): string | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  if (typeof done !== 'string' || !/^[a-zA-Z]{1,40}$/.test(done)) return undefined;
  const key = `${prefix}.done.${done}`;
  const msg = t(request.locale, key);
  return msg === key ? undefined : msg;
}
