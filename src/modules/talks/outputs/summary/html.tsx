import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { localeNames, t } from '../../../../core/i18n/i18n.ts';
import { OutputsStyles } from '../styles.tsx';
import type { Paragraph, Shown, SummaryAction, SummaryModel } from './model.ts';

/** Runs of a paragraph, key messages in <strong>. */
export function Runs({ p }: { p: Paragraph }): VNode {
  return <>{p.map((r, i) => (r.key ? <strong key={i}>{r.text}</strong> : r.text))}</>;
}

/** The note beside a part shown in another language than the reader's. */
function Note({ s }: { s: Shown }): VNode | null {
  return s.note ? (
    <>
      {' '}
      <small class="fallback">({s.note})</small>
    </>
  ) : null;
}

const langOf = (s: Shown) => (s.fallback ? s.lang : undefined);

function ActionItem({ m, a }: { m: SummaryModel; a: SummaryAction }): VNode {
  return (
    <li>
      <span lang={langOf(a)}>
        {a.paragraphs.map((p, i) => (
          <>
            {i > 0 && ' '}
            <Runs key={i} p={p} />
          </>
        ))}
      </span>
      {a.dueOn && (
        <span class="muted">
          {' '}
          ({m.labels.due}
          {m.labels.colon} <time dateTime={a.dueOn}>{a.dueOn}</time>)
        </span>
      )}
      <Note s={a} />
      {a.children.length > 0 && (
        <ul>
          {a.children.map((c) => (
            <ActionItem key={c.id} m={m} a={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The public summary page of a session, laid out like the founding document; prints cleanly. */
export function SummaryPage({ request, m }: { request: FastifyRequest; m: SummaryModel }): VNode {
  const l = request.locale;
  const base = `/talks/sessions/${m.sessionId}/summary`;
  const q = `?lang=${m.locale}`;
  // The date inside the translated heading becomes a <time> element.
  const at = m.labels.heading.indexOf(m.dateLabel);
  const before = at < 0 ? `${m.labels.heading} ` : m.labels.heading.slice(0, at);
  const after = at < 0 ? '' : m.labels.heading.slice(at + m.dateLabel.length);
  return (
    <>
      <OutputsStyles />
      <article class="talks-summary">
        {m.labels.draftNotice && (
          <p class="notice warn" role="status">
            {m.labels.draftNotice}
          </p>
        )}
        <nav class="summary-tools" aria-label={t(l, 'talksOutputs.summary.tools')}>
          <p>
            <a href={`/talks/sessions/${m.sessionId}`}>{t(l, 'talksOutputs.summary.backToSession')}</a>
          </p>
          {m.languages.length > 0 && (
            <p>
              {m.labels.languages}
              {m.labels.colon}{' '}
              {m.languages.map((code, i) => (
                <>
                  {i > 0 && ' · '}
                  <a
                    key={code}
                    href={`${base}?lang=${code}`}
                    lang={code}
                    hreflang={code}
                    aria-current={code === m.locale ? 'true' : undefined}
                  >
                    {localeNames[code]}
                  </a>
                </>
              ))}
            </p>
          )}
          <p>
            {t(l, 'talksOutputs.summary.download')}: <a href={`${base}.md${q}`}>Markdown</a> ·{' '}
            <a href={`${base}.pdf${q}`}>PDF</a> · <a href={`${base}.docx${q}`}>Word (DOCX)</a>
          </p>
        </nav>
        {m.fallbackCount > 0 && (
          <p class="notice warn" role="note">
            {t(l, 'talksOutputs.summary.fallbackParts', {
              count: m.fallbackCount,
              lang: localeNames[m.locale],
            })}
          </p>
        )}
        <header>
          <p class="series muted">{m.seriesTitle}</p>
          <h1 lang={langOf(m.title)}>
            {m.title.text}
            <Note s={m.title} />
          </h1>
          {m.subtitle && (
            <p class="subtitle" lang={langOf(m.subtitle)}>
              {m.subtitle.text}
              <Note s={m.subtitle} />
            </p>
          )}
        </header>
        <h2>
          {before}
          <time dateTime={m.startsAt}>{m.dateLabel}</time>
          {after}
        </h2>
        {(m.hosts.length > 0 || m.partners.length > 0) && (
          <dl class="facts">
            {m.hosts.length > 0 && (
              <>
                <dt>{m.labels.hosts}</dt>
                <dd>{m.hosts.map((o) => o.label).join(', ')}</dd>
              </>
            )}
            {m.partners.length > 0 && (
              <>
                <dt>{m.labels.partners}</dt>
                <dd>
                  {m.partners.map((o, i) => (
                    <>
                      {i > 0 && ', '}
                      <strong key={o.id}>{o.label}</strong>
                    </>
                  ))}
                </dd>
              </>
            )}
          </dl>
        )}
        {m.narrative.map((part) => (
          <div class="narrative" key={part.id} id={`c-${part.id}`} lang={langOf(part)}>
            {part.paragraphs.map((p, i) => (
              <p key={i}>
                {i === 0 && part.speaker && (
                  <em class="speaker">
                    {part.speaker}
                    {m.labels.colon}{' '}
                  </em>
                )}
                <Runs p={p} />
                {i === part.paragraphs.length - 1 && <Note s={part} />}
              </p>
            ))}
          </div>
        ))}
        {m.recommendations.length > 0 && (
          <section aria-labelledby="summary-recommendations">
            <h2 id="summary-recommendations">{m.labels.recommendations}</h2>
            <ol>
              {m.recommendations.map((r) => (
                <li key={r.id}>
                  <span lang={langOf(r)}>
                    {r.paragraphs.map((p, i) => (
                      <>
                        {i > 0 && ' '}
                        <Runs key={i} p={p} />
                      </>
                    ))}
                  </span>
                  {r.sources.length > 0 && (
                    <span class="muted">
                      {' '}
                      ({m.labels.fromWhom}
                      {m.labels.colon} {r.sources.join(', ')})
                    </span>
                  )}
                  <Note s={r} />
                </li>
              ))}
            </ol>
          </section>
        )}
        {m.actionGroups.map((g, gi) => (
          <section key={g.heading} aria-labelledby={`summary-actions-${gi}`}>
            <h2 id={`summary-actions-${gi}`}>
              {g.heading}
              {m.labels.colon}
            </h2>
            <ul>
              {g.actions.map((a) => (
                <ActionItem key={a.id} m={m} a={a} />
              ))}
            </ul>
          </section>
        ))}
      </article>
    </>
  );
}
