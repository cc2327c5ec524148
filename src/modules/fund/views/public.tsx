import type { FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { formatDate, type Locale, t } from '../../../core/i18n/i18n.ts';
import { formatMoney } from '../currencies.ts';
import type { LedgerTransaction } from '../service-ledger.ts';
import type { FundSummary } from '../service-reports.ts';
import { cumulativeMonths, FlowDiagram, flowSides, MonthChart } from './charts.tsx';

const TOP_ROWS = 25;

export const kindLabel = (l: Locale, kind: string) => t(l, `fund.kinds.${kind}`);

export function Money({
  minor,
  currency,
  locale,
}: {
  minor: number;
  currency: string;
  locale: Locale;
}): VNode {
  return <span class="money">{formatMoney(minor, currency, locale)}</span>;
}

/** A table of figures with its header row; `num` columns hold amounts. */
export function DataTable({
  caption,
  cols,
  children,
}: {
  caption?: string;
  cols: { label: string; num?: boolean }[];
  children: ComponentChildren;
}): VNode {
  return (
    <div class="table-wrap">
      <table class="table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {cols.map((c, i) => (
              // Labels repeat (two amount columns) and columns never move: the position is the key.
              <th key={i} scope="col" class={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The public accounts of the fund, in one currency. */
export function FundPage({
  request,
  summary: s,
  recent,
}: {
  request: FastifyRequest;
  summary: FundSummary;
  recent: LedgerTransaction[];
}): VNode {
  const l = request.locale;
  const m = (n: number) => <Money minor={n} currency={s.currency} locale={l} />;
  const months = cumulativeMonths(s.months);
  const { sources, uses } = flowSides(s, l);
  const pledgers = s.contributors.filter((c) => c.pledged > 0);
  // The page stays small on a poor connection: the largest rows, the rest on request (and in the exports).
  const all = (request.query as { all?: string } | undefined)?.all === '1';
  const givers = s.contributors.filter((c) => c.contributed !== 0 || c.accountId);
  const shownGivers = all ? givers : givers.slice(0, TOP_ROWS);
  const shownCommunities = all ? s.communities : s.communities.slice(0, TOP_ROWS);
  const more =
    !all && (givers.length > TOP_ROWS || s.communities.length > TOP_ROWS || pledgers.length > TOP_ROWS);
  const allHref = `/fund?all=1${s.currencies.length > 1 ? `&currency=${s.currency}` : ''}`;
  return (
    <div class="fund">
      <h1>{t(l, 'fund.title')}</h1>
      <p class="lead">{t(l, 'fund.lead')}</p>
      {s.currencies.length > 1 && (
        <nav aria-label={t(l, 'fund.currency')} class="toolbar">
          <span>{t(l, 'fund.currency')}:</span>
          <ul class="row">
            {s.currencies.map((c) => (
              <li key={c}>
                <a href={`/fund?currency=${c}`} aria-current={c === s.currency ? 'true' : undefined}>
                  {c}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <section aria-labelledby="fund-figures">
        <h2 id="fund-figures">{t(l, 'fund.figures.heading', { currency: s.currency })}</h2>
        <ul class="figures">
          <li>
            <strong>{m(s.raised)}</strong>
            <span>{t(l, 'fund.figures.raised')}</span>
          </li>
          <li>
            <strong>{m(s.committed)}</strong>
            <span>{t(l, 'fund.figures.committed')}</span>
          </li>
          <li>
            <strong>{m(s.disbursed)}</strong>
            <span>{t(l, 'fund.figures.disbursed')}</span>
          </li>
          <li>
            <strong>{m(s.balance)}</strong>
            <span>{t(l, 'fund.figures.balance')}</span>
          </li>
        </ul>
        <p class="small muted">
          {t(l, 'fund.figures.note', {
            outstanding: formatMoney(s.outstanding, s.currency, l),
            spent: formatMoney(s.spent, s.currency, l),
            fees: formatMoney(s.fees, s.currency, l),
          })}
          {s.poolAccountId && (
            <>
              {' '}
              <a href={`/fund/accounts/${s.poolAccountId}/statement`}>{t(l, 'fund.statement.poolLink')}</a>
            </>
          )}
        </p>
      </section>

      <section aria-labelledby="fund-flow">
        <h2 id="fund-flow">{t(l, 'fund.flow.heading')}</h2>
        {sources.length === 0 ? (
          <p class="empty">{t(l, 'fund.empty')}</p>
        ) : (
          <>
            <figure>
              <FlowDiagram summary={s} locale={l} />
            </figure>
            <DataTable
              caption={t(l, 'fund.flow.tableCaption', { currency: s.currency })}
              cols={[
                { label: t(l, 'fund.flow.from') },
                { label: t(l, 'fund.table.amount'), num: true },
                { label: t(l, 'fund.flow.to') },
                { label: t(l, 'fund.table.amount'), num: true },
              ]}
            >
              {Array.from({ length: Math.max(sources.length, uses.length) }, (_, i) => (
                <tr key={i}>
                  <td>{sources[i]?.label ?? ''}</td>
                  <td class="num">{sources[i] ? m(sources[i].amount) : ''}</td>
                  <td>{uses[i]?.label ?? ''}</td>
                  <td class="num">{uses[i] ? m(uses[i].amount) : ''}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </section>

      <section aria-labelledby="fund-time">
        <h2 id="fund-time">{t(l, 'fund.chart.heading')}</h2>
        {months.length === 0 ? (
          <p class="empty">{t(l, 'fund.empty')}</p>
        ) : (
          <>
            <figure>
              <MonthChart months={months} currency={s.currency} locale={l} />
            </figure>
            <details>
              <summary>{t(l, 'fund.chart.tableSummary')}</summary>
              <DataTable
                caption={t(l, 'fund.chart.title', { currency: s.currency })}
                cols={[
                  { label: t(l, 'fund.table.month') },
                  { label: t(l, 'fund.figures.raised'), num: true },
                  { label: t(l, 'fund.figures.committed'), num: true },
                  { label: t(l, 'fund.figures.disbursed'), num: true },
                ]}
              >
                {months.map((x) => (
                  <tr key={x.month}>
                    <th scope="row">{x.month}</th>
                    <td class="num">{m(x.raised)}</td>
                    <td class="num">{m(x.committed)}</td>
                    <td class="num">{m(x.disbursed)}</td>
                  </tr>
                ))}
              </DataTable>
            </details>
          </>
        )}
      </section>

      <section aria-labelledby="fund-contributors">
        <h2 id="fund-contributors">{t(l, 'fund.contributors.heading')}</h2>
        <DataTable
          cols={[
            { label: t(l, 'fund.contributors.name') },
            { label: t(l, 'fund.contributors.contributed'), num: true },
          ]}
        >
          {shownGivers.map((c) => (
            <tr key={c.orgId}>
              <th scope="row">
                <a href={`/directory/organisations/${c.orgId}`}>{c.name}</a>
              </th>
              <td class="num">
                {c.accountId ? (
                  <a href={`/fund/accounts/${c.accountId}/statement`}>{m(c.contributed)}</a>
                ) : (
                  m(0)
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>

      <section aria-labelledby="fund-communities">
        <h2 id="fund-communities">{t(l, 'fund.communities.heading')}</h2>
        {s.communities.length === 0 ? (
          <p class="empty">{t(l, 'fund.communities.none')}</p>
        ) : (
          <DataTable
            cols={[
              { label: t(l, 'fund.communities.name') },
              { label: t(l, 'fund.figures.committed'), num: true },
              { label: t(l, 'fund.figures.disbursed'), num: true },
              { label: t(l, 'fund.communities.spent'), num: true },
              { label: t(l, 'fund.communities.outstanding'), num: true },
            ]}
          >
            {shownCommunities.map((c) => (
              <tr key={c.orgId}>
                <th scope="row">
                  <a href={`/directory/organisations/${c.orgId}`}>{c.name}</a>
                </th>
                <td class="num">{m(c.committed)}</td>
                <td class="num">{m(c.disbursed)}</td>
                <td class="num">{m(c.spent)}</td>
                <td class="num">
                  {c.grantAccountId ? (
                    <a href={`/fund/accounts/${c.grantAccountId}/statement`}>{m(c.outstanding)}</a>
                  ) : (
                    m(c.outstanding)
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="fund-pledges">
        <h2 id="fund-pledges">{t(l, 'fund.pledges.heading')}</h2>
        <p>{t(l, 'fund.pledges.note', { total: formatMoney(s.pledged, s.currency, l) })}</p>
        {pledgers.length > 0 && (
          <DataTable
            cols={[
              { label: t(l, 'fund.contributors.name') },
              { label: t(l, 'fund.pledges.pledged'), num: true },
            ]}
          >
            {(all ? pledgers : pledgers.slice(0, TOP_ROWS)).map((c) => (
              <tr key={c.orgId}>
                <th scope="row">{c.name}</th>
                <td class="num">{m(c.pledged)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {more && (
        <p>
          {t(l, 'fund.largest', { count: TOP_ROWS })} <a href={allHref}>{t(l, 'fund.showAll')}</a>
        </p>
      )}

      <section aria-labelledby="fund-recent">
        <h2 id="fund-recent">{t(l, 'fund.recent.heading')}</h2>
        <TransactionsTable request={request} items={recent} />
        <p>
          <a href="/fund/transactions">{t(l, 'fund.recent.all')}</a>
        </p>
      </section>

      <section aria-labelledby="fund-data">
        <h2 id="fund-data">{t(l, 'fund.exports.heading')}</h2>
        <ul>
          <li>
            <a href="/fund/exports/ledger.csv">{t(l, 'fund.exports.csv')}</a>
          </li>
          <li>
            <a href="/fund/exports/ledger.hxl.csv">{t(l, 'fund.exports.hxl')}</a>
          </li>
          <li>
            <a href="/fund/exports/ledger.json">{t(l, 'fund.exports.json')}</a>
          </li>
          <li>
            <a href="/fund/exports/iati.xml">{t(l, 'fund.exports.iati')}</a>
          </li>
        </ul>
      </section>
    </div>
  );
}

export function TransactionsTable({
  request,
  items,
}: {
  request: FastifyRequest;
  items: LedgerTransaction[];
}): VNode {
  const l = request.locale;
  if (items.length === 0) return <p class="empty">{t(l, 'fund.empty')}</p>;
  return (
    <DataTable
      cols={[
        { label: t(l, 'fund.table.number') },
        { label: t(l, 'fund.table.date') },
        { label: t(l, 'fund.table.kind') },
        { label: t(l, 'fund.table.from') },
        { label: t(l, 'fund.table.to') },
        { label: t(l, 'fund.table.amount'), num: true },
      ]}
    >
      {items.map((x) => (
        <tr key={x.id}>
          <td>
            <a href={`/fund/transactions/${x.id}`}>#{x.seq}</a>
          </td>
          <td>{formatDate(l, x.valueDate)}</td>
          <td>{kindLabel(l, x.kind)}</td>
          <td>{x.providerName ?? t(l, 'fund.flow.fund')}</td>
          <td>{x.receiverName ?? t(l, 'fund.flow.fund')}</td>
          <td class="num">
            <Money minor={x.amountMinor} currency={x.currency} locale={l} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function accountName(
  l: Locale,
  a: { kind: string; orgName: string | null; currency: string },
): string {
  const kind = t(l, `fund.accounts.${a.kind}`);
  return a.orgName ? `${kind}: ${a.orgName} (${a.currency})` : `${kind} (${a.currency})`;
}
