import type { FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { Csrf } from './layout.tsx';

/** Form values and field errors (field name → error code or message) as the pages keep them. */
export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

export interface FieldProps {
  name: string;
  label: string;
  values: FormValues;
  errors: FieldErrors;
  /** Turns a field's error code into the text shown; without it the error is shown as it is. */
  errorMessage?: (code: string) => string;
  help?: string;
  type?: 'text' | 'date' | 'datetime-local' | 'url' | 'email' | 'number';
  required?: boolean;
  lang?: string;
  inputMode?: 'numeric' | 'decimal' | 'url';
  textarea?: boolean;
  rows?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  step?: string;
}

/**
 * A labelled input (or textarea) with its help text and its error, tied together for screen readers.
 * The id is `f-<name>` so that error summaries can link to it.
 */
export function Field(p: FieldProps): VNode {
  const id = `f-${p.name}`;
  const err = p.errors[p.name];
  const described =
    [p.help ? `${id}-help` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: p.name,
    required: p.required,
    lang: p.lang,
    'aria-invalid': err ? ('true' as const) : undefined,
    'aria-describedby': described,
    maxLength: p.maxLength,
  };
  return (
    <div class={`field${err ? ' has-error' : ''}`}>
      <label for={id}>{p.label}</label>
      {p.help && (
        <small id={`${id}-help`} class="help">
          {p.help}
        </small>
      )}
      {err && (
        <strong id={`${id}-error`} class="field-error">
          {p.errorMessage ? p.errorMessage(err) : err}
        </strong>
      )}
      {p.textarea ? (
        <textarea {...common} rows={p.rows ?? 3}>
          {p.values[p.name] ?? ''}
        </textarea>
      ) : (
        // Preact's input types are a union per `type`; the attribute set here is valid for all of them.
        <input
          {...(common as object)}
          type={(p.type ?? 'text') as 'text'}
          min={p.min}
          max={p.max}
          step={p.step}
          inputMode={p.inputMode}
          value={p.values[p.name] ?? ''}
        />
      )}
    </div>
  );
}

/** A form body field as a trimmed string (form parsers give arrays for repeated names: the first counts). */
export function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
}

/** Every string field of a form body, for re-displaying what the user typed. */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (body && typeof body === 'object')
    for (const k of Object.keys(body)) if (k !== '_csrf') out[k] = field(body as Record<string, unknown>, k);
  return out;
}

/** A one-button form that posts (status changes, archive, cancel, check-in…). */
export function PostButton({
  request,
  action,
  label,
  className,
  children,
}: {
  request: FastifyRequest;
  action: string;
  label: string;
  className?: string;
  children?: ComponentChildren;
}): VNode {
  return (
    <form method="post" action={action} class="inline">
      <Csrf request={request} />
      {children}
      <button type="submit" class={className}>
        {label}
      </button>
    </form>
  );
}
