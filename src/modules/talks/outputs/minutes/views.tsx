import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type Locale, localeNames, locales, pick, t } from '../../../../core/i18n/i18n.ts';
import { Csrf, LocalisedText } from '../../../../core/ui/layout.tsx';
import type { I18nText } from '../../../../core/validation/input.ts';
import { OutputsStyles } from '../styles.tsx';
import type { DiffPart } from './diff.ts';
import { wordDiff } from './diff.ts';
import type { MinutesComment, MinutesState, MinutesVersion } from './service.ts';

const k = (l: Locale, key: string, o?: Record<string, unknown>) => t(l, `talksOutputs.minutes.${key}`, o);

/** A word-level diff: <ins>/<del> with their meaning spelt out for screen readers, not by colour alone. */
export function Diff({ l, parts, lang }: { l: Locale; parts: DiffPart[]; lang?: string }): VNode {
  return (
    <div class="diff" lang={lang}>
      {parts.map((p, i) =>
        p.op === 'insert' ? (
          <ins key={i}>
            <span class="visually-hidden">[{k(l, 'inserted')}: </span>
            {p.text}
            <span class="visually-hidden">]</span>
          </ins>
        ) : p.op === 'delete' ? (
          <del key={i}>
            <span class="visually-hidden">[{k(l, 'deleted')}: </span>
            {p.text}
            <span class="visually-hidden">]</span>
          </del>
        ) : (
          p.text
        ),
      )}
    </div>
  );
}

export function DiffLegend({ l }: { l: Locale }): VNode {
  return (
    <p class="small">
      {k(l, 'legend')}: <ins>{k(l, 'inserted')}</ins> · <del>{k(l, 'deleted')}</del>
    </p>
  );
}

function Status({ l, m }: { l: Locale; m: MinutesState }): VNode {
  return (
    <p>
      {k(l, 'statusLabel')}: <strong>{k(l, `status.${m.status}`)}</strong>
      {m.currentVersion > 0 && <> · {k(l, 'versionN', { n: m.currentVersion })}</>}
      {m.publishedVersion && <> · {k(l, 'publishedN', { n: m.publishedVersion })}</>}
    </p>
  );
}

export function MinutesText({ request, body }: { request: FastifyRequest; body: I18nText }): VNode {
  const v = pick(body, request.locale);
  return (
    <div class="minutes-body" lang={v.lang === 'und' ? undefined : v.lang}>
      <LocalisedText value={v} request={request} />
    </div>
  );
}

export interface MinutesView {
  sessionId: string;
  sessionTitle: string;
  m: MinutesState;
  comments: MinutesComment[];
  /** Texts of the versions comments were made on, for the diffs of proposals. */
  baseTexts: Map<number, I18nText>;
  editLang: Locale;
  error?: string;
  values?: Record<string, string>;
}

const transitions: Record<string, string[]> = {
  draft: ['review'],
  review: ['draft', 'published'],
  published: [],
};

export function MinutesPage({ request, v }: { request: FastifyRequest; v: MinutesView }): VNode {
  const l = request.locale;
  const { m } = v;
  const base = `/talks/sessions/${v.sessionId}/minutes`;
  const current = m.shown?.body ?? {};
  const editText = v.values?.text ?? current[v.editLang] ?? '';
  return (
    <>
      <OutputsStyles />
      <p>
        <a href={`/talks/sessions/${v.sessionId}`}>{v.sessionTitle}</a>
      </p>
      <h1>{k(l, 'title')}</h1>
      {v.error && (
        <div class="error-summary" role="alert">
          <p>{v.error}</p>
        </div>
      )}
      <Status l={l} m={m} />
      {m.shown ? (
        <section aria-labelledby="minutes-text">
          <h2 id="minutes-text">{k(l, 'textOf', { n: m.shown.version })}</h2>
          <MinutesText request={request} body={m.shown.body} />
          <p>
            <a href={`${base}/history`}>{k(l, 'history')}</a>
          </p>
        </section>
      ) : (
        <p class="empty">{k(l, 'none')}</p>
      )}
      {m.canEdit && (
        <section aria-labelledby="minutes-edit">
          <h2 id="minutes-edit">{k(l, 'edit')}</h2>
          <form method="get" action={base} class="inline">
            <label for="edit-lang">{k(l, 'language')}</label>{' '}
            <select id="edit-lang" name="edit">
              {locales.map((code) => (
                <option key={code} value={code} selected={code === v.editLang}>
                  {localeNames[code]}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="secondary">
              {k(l, 'chooseLanguage')}
            </button>
          </form>
          <form method="post" action={base} class="form">
            <Csrf request={request} />
            <input type="hidden" name="baseVersion" value={String(m.currentVersion)} />
            <input type="hidden" name="lang" value={v.editLang} />
            <div class="field">
              <label for="minutes-text-input">{k(l, 'textIn', { lang: localeNames[v.editLang] })}</label>
              <textarea id="minutes-text-input" name="text" rows={16} lang={v.editLang}>
                {editText}
              </textarea>
            </div>
            <div class="field">
              <label for="minutes-note">{k(l, 'note')}</label>
              <input id="minutes-note" name="note" maxLength={500} value={v.values?.note ?? ''} />
            </div>
            <div class="actions">
              <button type="submit">{k(l, 'save')}</button>
            </div>
          </form>
          {transitions[m.status].length > 0 && m.currentVersion > 0 && (
            <form method="post" action={`${base}/status`} class="inline">
              <Csrf request={request} />
              {transitions[m.status].map((s) => (
                <button
                  key={s}
                  type="submit"
                  name="status"
                  value={s}
                  class={s === 'draft' ? 'secondary' : undefined}
                >
                  {k(l, `to.${s}`)}
                </button>
              ))}
            </form>
          )}
        </section>
      )}
      {(v.comments.length > 0 || m.canComment) && (
        <section aria-labelledby="minutes-comments">
          <h2 id="minutes-comments">{k(l, 'comments')}</h2>
          {v.comments.length > 0 && <DiffLegend l={l} />}
          {v.comments.map((c) => (
            <Comment key={c.id} request={request} c={c} v={v} />
          ))}
          {m.canComment && (
            <form method="post" action={`${base}/comments`} class="form">
              <h3>{k(l, 'addComment')}</h3>
              <Csrf request={request} />
              <div class="field">
                <label for="comment-body">{k(l, 'comment')}</label>
                <textarea id="comment-body" name="body" rows={4} required>
                  {v.values?.body ?? ''}
                </textarea>
              </div>
              <div class="field">
                <label for="comment-locale">{k(l, 'proposalLanguage')}</label>
                <select id="comment-locale" name="locale">
                  {locales.map((code) => (
                    <option key={code} value={code} selected={code === l}>
                      {localeNames[code]}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="comment-proposal">{k(l, 'proposal')}</label>
                <p class="hint" id="comment-proposal-hint">
                  {k(l, 'proposalHint')}
                </p>
                <textarea
                  id="comment-proposal"
                  name="proposedText"
                  rows={12}
                  aria-describedby="comment-proposal-hint"
                >
                  {v.values?.proposedText ?? current[l] ?? ''}
                </textarea>
              </div>
              <div class="actions">
                <button type="submit">{k(l, 'send')}</button>
              </div>
            </form>
          )}
        </section>
      )}
    </>
  );
}

function Comment({ request, c, v }: { request: FastifyRequest; c: MinutesComment; v: MinutesView }): VNode {
  const l = request.locale;
  const base = v.baseTexts.get(c.version)?.[c.locale] ?? '';
  return (
    <article class="card">
      <p class="small muted">
        {c.authorName ?? '—'} · <time dateTime={c.createdAt}>{c.createdAt.slice(0, 10)}</time> ·{' '}
        {k(l, 'onVersion', { n: c.version })} · <strong>{k(l, `commentStatus.${c.status}`)}</strong>
      </p>
      <p>{c.body}</p>
      {c.proposedText !== null && (
        <>
          <p class="small">{k(l, 'proposedIn', { lang: localeNames[c.locale as Locale] ?? c.locale })}</p>
          <Diff l={l} parts={wordDiff(base, c.proposedText)} lang={c.locale} />
        </>
      )}
      {v.m.canEdit && c.status === 'open' && (
        <form
          method="post"
          action={`/talks/sessions/${v.sessionId}/minutes/comments/${c.id}/resolve`}
          class="inline"
        >
          <Csrf request={request} />
          <button type="submit" name="decision" value="accept">
            {k(l, c.proposedText !== null ? 'acceptChange' : 'accept')}
          </button>{' '}
          <button type="submit" name="decision" value="decline" class="secondary">
            {k(l, 'decline')}
          </button>
        </form>
      )}
    </article>
  );
}

export function HistoryPage({
  request,
  sessionId,
  sessionTitle,
  versions,
}: {
  request: FastifyRequest;
  sessionId: string;
  sessionTitle: string;
  versions: Omit<MinutesVersion, 'body'>[];
}): VNode {
  const l = request.locale;
  const base = `/talks/sessions/${sessionId}/minutes`;
  return (
    <>
      <p>
        <a href={base}>
          {k(l, 'title')} · {sessionTitle}
        </a>
      </p>
      <h1>{k(l, 'history')}</h1>
      {versions.length === 0 ? (
        <p class="empty">{k(l, 'none')}</p>
      ) : (
        <form method="get" action={`${base}/diff`}>
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{k(l, 'history')}</caption>
              <thead>
                <tr>
                  <th scope="col">{k(l, 'version')}</th>
                  <th scope="col">{k(l, 'date')}</th>
                  <th scope="col">{k(l, 'author')}</th>
                  <th scope="col">{k(l, 'note')}</th>
                  <th scope="col">{k(l, 'compareFrom')}</th>
                  <th scope="col">{k(l, 'compareTo')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((x, i) => (
                  <tr key={x.version}>
                    <th scope="row">
                      <a href={`${base}/versions/${x.version}`}>{k(l, 'versionN', { n: x.version })}</a>
                    </th>
                    <td>
                      <time dateTime={x.createdAt}>{x.createdAt.slice(0, 16).replace('T', ' ')}</time>
                    </td>
                    <td>{x.authorName ?? '—'}</td>
                    <td>{x.note ?? ''}</td>
                    <td>
                      <input
                        type="radio"
                        name="from"
                        value={String(x.version)}
                        checked={i === 1 || (versions.length === 1 && i === 0)}
                        aria-label={k(l, 'compareFromN', { n: x.version })}
                      />
                    </td>
                    <td>
                      <input
                        type="radio"
                        name="to"
                        value={String(x.version)}
                        checked={i === 0}
                        aria-label={k(l, 'compareToN', { n: x.version })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <input type="hidden" name="in" value={l} />
          <div class="actions">
            <button type="submit">{k(l, 'compare')}</button>
          </div>
        </form>
      )}
    </>
  );
}

export function VersionPage({
  request,
  sessionId,
  sessionTitle,
  version,
}: {
  request: FastifyRequest;
  sessionId: string;
  sessionTitle: string;
  version: MinutesVersion;
}): VNode {
  const l = request.locale;
  const base = `/talks/sessions/${sessionId}/minutes`;
  return (
    <>
      <OutputsStyles />
      <p>
        <a href={`${base}/history`}>
          {k(l, 'history')} · {sessionTitle}
        </a>
      </p>
      <h1>{k(l, 'textOf', { n: version.version })}</h1>
      <p class="small muted">
        {version.authorName ?? '—'} ·{' '}
        <time dateTime={version.createdAt}>{version.createdAt.slice(0, 10)}</time>
        {version.note && <> · {version.note}</>}
      </p>
      <MinutesText request={request} body={version.body} />
    </>
  );
}

export function DiffPage({
  request,
  sessionId,
  sessionTitle,
  from,
  to,
  lang,
}: {
  request: FastifyRequest;
  sessionId: string;
  sessionTitle: string;
  from: MinutesVersion;
  to: MinutesVersion;
  lang: Locale;
}): VNode {
  const l = request.locale;
  const base = `/talks/sessions/${sessionId}/minutes`;
  const langs = locales.filter((x) => from.body[x] || to.body[x]);
  return (
    <>
      <OutputsStyles />
      <p>
        <a href={`${base}/history`}>
          {k(l, 'history')} · {sessionTitle}
        </a>
      </p>
      <h1>{k(l, 'diffTitle', { from: from.version, to: to.version })}</h1>
      {langs.length > 1 && (
        <nav aria-label={k(l, 'language')}>
          <p>
            {langs.map((x, i) => (
              <>
                {i > 0 && ' · '}
                <a
                  href={`${base}/diff?from=${from.version}&to=${to.version}&in=${x}`}
                  lang={x}
                  aria-current={x === lang ? 'true' : undefined}
                >
                  {localeNames[x]}
                </a>
              </>
            ))}
          </p>
        </nav>
      )}
      <DiffLegend l={l} />
      <Diff l={l} parts={wordDiff(from.body[lang] ?? '', to.body[lang] ?? '')} lang={lang} />
    </>
  );
}
