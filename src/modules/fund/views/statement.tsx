import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatDate, t } from '../../../core/i18n/i18n.ts';
import type { Statement } from '../service-reports.ts';
import { accountName, DataTable, kindLabel, Money } from './public.tsx';

export function StatementPage({
  request,
  statement: s,
}: {
  request: FastifyRequest;
  statement: Statement;
}): VNode {
  const l = request.locale;
  const m = (n: number) => <Money minor={n} currency={s.account.currency} locale={l} />;
  const name = accountName(l, s.account);
  return (
    <div>
      <p>
        <a href="/fund">{t(l, 'fund.title')}</a>
      </p>
      <h1>{t(l, 'fund.statement.title', { account: name, month: s.month })}</h1>
      <form method="get" class="filters">
        <label for="month">{t(l, 'fund.statement.month')}</label>{' '}
        <input type="month" id="month" name="month" value={s.month} required />{' '}
        <button type="submit" class="button secondary">
          {t(l, 'fund.statement.show')}
        </button>
      </form>
      {s.months.length > 0 && (
        <p class="small">
          {t(l, 'fund.statement.monthsWithMovements')}{' '}
          {s.months.slice(0, 12).map((mo, i) => (
            <span key={mo}>
              {i > 0 && ', '}
              <a href={`?month=${mo}`} aria-current={mo === s.month ? 'true' : undefined}>
                {mo}
              </a>
            </span>
          ))}
        </p>
      )}
      <dl class="facts">
        <dt>{t(l, 'fund.statement.opening')}</dt>
        <dd>{m(s.opening)}</dd>
        <dt>{t(l, 'fund.statement.closing')}</dt>
        <dd>{m(s.closing)}</dd>
      </dl>
      {s.lines.length === 0 ? (
        <p class="empty">{t(l, 'fund.statement.none')}</p>
      ) : (
        <DataTable
          caption={t(l, 'fund.statement.caption', { account: name, month: s.month })}
          cols={[
            { label: t(l, 'fund.table.number') },
            { label: t(l, 'fund.table.date') },
            { label: t(l, 'fund.table.kind') },
            { label: t(l, 'fund.statement.counterparty') },
            { label: t(l, 'fund.table.memo') },
            { label: t(l, 'fund.table.amount'), num: true },
            { label: t(l, 'fund.statement.balance'), num: true },
          ]}
        >
          {s.lines.map((x) => (
            <tr key={`${x.transactionId}-${x.amount}`}>
              <td>
                <a href={`/fund/transactions/${x.transactionId}`}>#{x.seq}</a>
              </td>
              <td>{formatDate(l, x.postedAt)}</td>
              <td>{kindLabel(l, x.kind)}</td>
              <td>{x.counterparty ?? ''}</td>
              <td>{x.memo ?? ''}</td>
              <td class="num">{m(x.amount)}</td>
              <td class="num">{m(x.balance)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
