import type { FastifyRequest } from 'fastify';
import { Fragment, type VNode } from 'preact';
import { type Locale, t } from '../i18n/i18n.ts';

/** The parts of an OpenAPI 3.1 document this page reads. */
type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  security?: Record<string, string[]>[];
  deprecated?: boolean;
};
export type OpenApiDocument = {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// Deep schemas are cut off here: the JSON document has the rest.
const MAX_DEPTH = 5;

function resolve(doc: OpenApiDocument, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref?.startsWith('#/components/schemas/')) {
    const name = s.$ref.slice('#/components/schemas/'.length);
    return doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

function typeLabel(doc: OpenApiDocument, raw: Schema | undefined): string {
  if (!raw) return 'any';
  if (raw.$ref) return raw.$ref.split('/').pop() ?? 'object';
  const s = raw;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return [...new Set(alts.map((a) => typeLabel(doc, a)))].join(' | ');
  if (s.allOf) return s.allOf.map((a) => typeLabel(doc, a)).join(' & ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return s.properties ? 'object' : 'any';
  return types
    .map((ty) => {
      if (ty === 'array') return `array of ${typeLabel(doc, s.items)}`;
      if (s.format && ty === 'string') return `string (${s.format})`;
      return ty;
    })
    .join(' | ');
}

/** Limits and defaults, in a compact technical notation. */
function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined)
    out.push(`length ${s.minLength ?? 0}…${s.maxLength ?? '∞'}`);
  // Zod writes the safe-integer range on every integer: only real limits are worth showing.
  const min = s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (min !== undefined || max !== undefined) out.push(`${min ?? '−∞'} ≤ n ≤ ${max ?? '∞'}`);
  if (s.minItems !== undefined || s.maxItems !== undefined)
    out.push(`items ${s.minItems ?? 0}…${s.maxItems ?? '∞'}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

/** The object whose fields should be listed: itself, its array items, or the object in a nullable union. */
function fieldsOf(doc: OpenApiDocument, raw: Schema | undefined): Schema | null {
  let s = resolve(doc, raw);
  if (s.items && (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))))
    s = resolve(doc, s.items);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const objects = alts.map((a) => resolve(doc, a)).filter((a) => a.properties);
    if (objects.length === 1) s = objects[0]!;
  }
  return s.properties && Object.keys(s.properties).length > 0 ? s : null;
}

/** Summaries are written with Markdown-style `code`: show those spans as code. */
function Prose({ text }: { text: string }): VNode {
  return <>{text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/** The kernel's error envelope `{ error: { code, message, details } }`, described once under Errors. */
function isErrorEnvelope(doc: OpenApiDocument, schema: Schema | undefined): boolean {
  const s = resolve(doc, schema);
  const keys = Object.keys(s.properties ?? {});
  return keys.length === 1 && keys[0] === 'error';
}

function SchemaFields({
  doc,
  schema,
  locale,
  depth = 0,
}: {
  doc: OpenApiDocument;
  schema: Schema;
  locale: Locale;
  depth?: number;
}): VNode {
  const required = new Set(schema.required ?? []);
  return (
    // Field lists are code-like: left to right even in Arabic.
    <ul class="schema" dir="ltr">
      {Object.entries(schema.properties ?? {}).map(([name, raw]) => {
        const s = resolve(doc, raw);
        const enumValues = s.enum ?? s.items?.enum;
        const nested = depth < MAX_DEPTH ? fieldsOf(doc, raw) : null;
        const limits = constraints(s);
        return (
          <li key={name}>
            <code>{name}</code> <span class="muted">{typeLabel(doc, raw)}</span>
            {required.has(name) && <strong> · {t(locale, 'site.api.required')}</strong>}
            {s.description && (
              <>
                {' '}
                — <Prose text={s.description} />
              </>
            )}
            {enumValues && (
              <span class="small">
                {' '}
                ({t(locale, 'site.api.oneOf')}: {enumValues.map((v) => String(v)).join(', ')})
              </span>
            )}
            {limits.length > 0 && <span class="small muted"> [{limits.join('; ')}]</span>}
            {nested && <SchemaFields doc={doc} schema={nested} locale={locale} depth={depth + 1} />}
          </li>
        );
      })}
    </ul>
  );
}

function Body({
  doc,
  content,
  locale,
}: {
  doc: OpenApiDocument;
  content: Record<string, { schema?: Schema }> | undefined;
  locale: Locale;
}): VNode | null {
  if (!content) return null;
  return (
    <>
      {Object.entries(content).map(([type, { schema }]) => {
        const fields = fieldsOf(doc, schema);
        return (
          <div key={type}>
            <p class="small">
              <code>{type}</code> <span class="muted">{typeLabel(doc, schema)}</span>
            </p>
            {fields && <SchemaFields doc={doc} schema={fields} locale={locale} />}
          </div>
        );
      })}
    </>
  );
}

function OperationView({
  doc,
  method,
  path,
  op,
  locale,
}: {
  doc: OpenApiDocument;
  method: string;
  path: string;
  op: Operation;
  locale: Locale;
}): VNode {
  const l = locale;
  const params = op.parameters ?? [];
  // Error answers all share one envelope: list their codes once instead of repeating its schema.
  const responses = Object.entries(op.responses ?? {});
  const isError = ([code, r]: (typeof responses)[number]) =>
    /^[45]/.test(code) &&
    Object.values(r.content ?? {}).every((c) => !c.schema || isErrorEnvelope(doc, c.schema));
  const successes = responses.filter((r) => !isError(r));
  const errorCodes = responses.filter(isError).map(([code]) => code);
  return (
    <article class="api-op" id={`${method}-${path}`.replace(/[^\w-]+/g, '-')}>
      <h3>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span>
        {/* A path reads left to right in every language. */}
        <code dir="ltr">{path}</code>
      </h3>
      {/* Summaries come from the code, in English. */}
      {op.summary && (
        <p lang="en" dir="auto">
          <Prose text={op.summary} />
        </p>
      )}
      {op.description && (
        <p class="small" lang="en" dir="auto">
          <Prose text={op.description} />
        </p>
      )}
      {op.deprecated && <p class="badge badge-warn">{t(l, 'site.api.deprecated')}</p>}
      {params.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption>{t(l, 'site.api.parameters')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'site.api.name')}</th>
                <th scope="col">{t(l, 'site.api.in')}</th>
                <th scope="col">{t(l, 'site.api.type')}</th>
                <th scope="col">{t(l, 'site.api.description')}</th>
              </tr>
            </thead>
            <tbody>
              {params.map((p) => {
                const s = resolve(doc, p.schema);
                const enumValues = s.enum ?? s.items?.enum;
                const limits = constraints(s);
                return (
                  <tr key={`${p.in}-${p.name}`}>
                    <th scope="row">
                      <code>{p.name}</code>
                      {p.required && <strong> · {t(l, 'site.api.required')}</strong>}
                    </th>
                    <td>{p.in}</td>
                    <td>{typeLabel(doc, p.schema)}</td>
                    <td>
                      <Prose text={p.description ?? s.description ?? ''} />
                      {enumValues && (
                        <span class="small">
                          {' '}
                          ({t(l, 'site.api.oneOf')}: {enumValues.map((v) => String(v)).join(', ')})
                        </span>
                      )}
                      {limits.length > 0 && <span class="small muted"> [{limits.join('; ')}]</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {op.requestBody && (
        <details open>
          <summary>
            {t(l, 'site.api.requestBody')}
            {op.requestBody.required ? ` · ${t(l, 'site.api.required')}` : ''}
          </summary>
          <Body doc={doc} content={op.requestBody.content} locale={l} />
        </details>
      )}
      <details>
        <summary>{t(l, 'site.api.responses')}</summary>
        <dl>
          {successes.map(([code, r]) => (
            <div key={code}>
              <dt>
                <code>{code}</code>{' '}
                {r.description && r.description !== 'Default Response' ? <Prose text={r.description} /> : ''}
              </dt>
              <dd>
                <Body doc={doc} content={r.content} locale={l} />
              </dd>
            </div>
          ))}
          <div>
            <dt>
              {(errorCodes.length > 0 ? errorCodes : ['4xx', '5xx']).map((c, i) => (
                <Fragment key={c}>
                  {i > 0 && ', '}
                  <code>{c}</code>
                </Fragment>
              ))}
            </dt>
            <dd class="small">{t(l, 'site.api.errorResponse')}</dd>
          </div>
        </dl>
      </details>
    </article>
  );
}

/** Operations grouped by their first tag, tags and paths in alphabetical order. */
export function groupByTag(
  doc: OpenApiDocument,
): [string, { method: string; path: string; op: Operation }[]][] {
  const groups = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, op });
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const tagId = (tag: string) => `tag-${tag.replace(/[^\w-]+/g, '-')}`;

export function ApiDocsPage({ request, doc }: { request: FastifyRequest; doc: OpenApiDocument }): VNode {
  const l = request.locale;
  const groups = groupByTag(doc);
  const tagLabel = (tag: string) => t(l, `site.api.tags.${tag}`, { defaultValue: tag });
  return (
    <>
      <h1>{t(l, 'site.api.title')}</h1>
      <p class="lead">{t(l, 'site.api.intro')}</p>
      <p>
        <a href="/api/openapi.json" type="application/json">
          {t(l, 'site.api.openapiLink')}
        </a>{' '}
        <span class="muted small">
          OpenAPI 3.1 · {doc.info?.title} {doc.info?.version}
        </span>
      </p>

      <nav aria-labelledby="api-contents">
        <h2 id="api-contents">{t(l, 'site.api.contents')}</h2>
        <ul>
          <li>
            <a href="#auth">{t(l, 'site.api.auth.heading')}</a>
          </li>
          <li>
            <a href="#errors">{t(l, 'site.api.errors.heading')}</a>
          </li>
          {groups.map(([tag, ops]) => (
            <li key={tag}>
              <a href={`#${tagId(tag)}`}>{tagLabel(tag)}</a>{' '}
              <span class="muted small">({t(l, 'site.api.operations', { count: ops.length })})</span>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="auth">
        <h2 id="auth">{t(l, 'site.api.auth.heading')}</h2>
        <p>{t(l, 'site.api.auth.token')}</p>
        <pre>
          <code>{'curl -H "Authorization: Bearer pt_…" https://peacetalks.example/api/v1/me'}</code>
        </pre>
        <p>
          {t(l, 'site.api.auth.account')} <a href="/account">{t(l, 'site.api.auth.accountLink')}</a>
        </p>
        <p>{t(l, 'site.api.auth.session')}</p>
        <p>{t(l, 'site.api.auth.language')}</p>
      </section>

      <section aria-labelledby="errors">
        <h2 id="errors">{t(l, 'site.api.errors.heading')}</h2>
        <p>{t(l, 'site.api.errors.text')}</p>
        <pre>
          <code>{'{ "error": { "code": "validation_failed", "message": "…", "details": [ … ] } }'}</code>
        </pre>
      </section>

      {groups.map(([tag, ops]) => (
        <section key={tag} aria-labelledby={tagId(tag)}>
          <h2 id={tagId(tag)}>{tagLabel(tag)}</h2>
          {ops.map(({ method, path, op }) => (
            <OperationView
              key={`${method} ${path}`}
              doc={doc}
              method={method}
              path={path}
              op={op}
              locale={l}
            />
          ))}
        </section>
      ))}
      {groups.length === 0 && <p class="empty">{t(l, 'site.api.none')}</p>}
    </>
  );
}
