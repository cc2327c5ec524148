import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatDate, t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import type { Approval } from '../service-approvals.ts';
import type { LedgerTransaction } from '../service-ledger.ts';
import { postingForms } from './posting-form.tsx';
import { accountName, kindLabel, Money } from './public.tsx';

export function TreasuryHome({ request, pending }: { request: FastifyRequest; pending: number }): VNode {
  const l = request.locale;
  return (
    <div>
      <h1>{t(l, 'fund.treasury.title')}</h1>
      <p>{t(l, 'fund.treasury.lead')}</p>
      <ul class="cards">
        {postingForms.map((f) => (
          <li key={f} class="card">
            <a href={`/fund/treasury/${f}`}>{t(l, `fund.forms.${f}.title`)}</a>
          </li>
        ))}
        <li class="card">
          <a href="/fund/treasury/approvals">{t(l, 'fund.approvals.title')}</a>{' '}
          <span class="badge">{t(l, 'fund.approvals.pendingCount', { count: pending })}</span>
        </li>
      </ul>
      <p>
        {t(l, 'fund.treasury.reverseHint')} <a href="/fund/transactions">{t(l, 'fund.recent.all')}</a>
      </p>
    </div>
  );
}

export function ApprovalsPage({
  request,
  approvals,
  message,
}: {
  request: FastifyRequest;
  approvals: Approval[];
  message?: string;
}): VNode {
  const l = request.locale;
  const pending = approvals.filter((a) => a.status === 'pending');
  const decided = approvals.filter((a) => a.status !== 'pending');
  return (
    <div>
      <p>
        <a href="/fund/treasury">{t(l, 'fund.treasury.title')}</a>
      </p>
      <h1>{t(l, 'fund.approvals.title')}</h1>
      <p>{t(l, 'fund.approvals.help')}</p>
      {message && (
        <div class="error-summary" role="alert">
          <p>{message}</p>
        </div>
      )}
      {pending.length === 0 ? (
        <p class="empty">{t(l, 'fund.approvals.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption>{t(l, 'fund.approvals.pending')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(l, 'fund.fields.community')}</th>
                <th scope="col" class="num">
                  {t(l, 'fund.fields.amount')}
                </th>
                <th scope="col">{t(l, 'fund.fields.memo')}</th>
                <th scope="col">{t(l, 'fund.approvals.requestedBy')}</th>
                <th scope="col">{t(l, 'fund.approvals.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.communityName}</th>
                  <td class="num">
                    <Money minor={a.amountMinor} currency={a.currency} locale={l} />
                  </td>
                  <td>{a.memo ?? ''}</td>
                  <td>
                    {a.requestedByName ?? ''} <span class="small muted">{formatDate(l, a.requestedAt)}</span>
                  </td>
                  <td>
                    {a.requestedBy === request.actor?.userId ? (
                      <p class="small">{t(l, 'fund.approvals.ownRequest')}</p>
                    ) : (
                      <form method="post" action={`/fund/treasury/approvals/${a.id}/approve`} class="inline">
                        <Csrf request={request} />
                        <button
                          type="submit"
                          class="button small"
                          aria-label={t(l, 'fund.approvals.approveLabel', { community: a.communityName })}
                        >
                          {t(l, 'fund.approvals.approve')}
                        </button>
                      </form>
                    )}{' '}
                    <form method="post" action={`/fund/treasury/approvals/${a.id}/reject`} class="inline">
                      <Csrf request={request} />
                      <button
                        type="submit"
                        class="button small secondary"
                        aria-label={t(l, 'fund.approvals.rejectLabel', { community: a.communityName })}
                      >
                        {t(l, 'fund.approvals.reject')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {decided.length > 0 && (
        <>
          <h2>{t(l, 'fund.approvals.decided')}</h2>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t(l, 'fund.fields.community')}</th>
                  <th scope="col" class="num">
                    {t(l, 'fund.fields.amount')}
                  </th>
                  <th scope="col">{t(l, 'fund.approvals.status')}</th>
                  <th scope="col">{t(l, 'fund.table.date')}</th>
                </tr>
              </thead>
              <tbody>
                {decided.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">{a.communityName}</th>
                    <td class="num">
                      <Money minor={a.amountMinor} currency={a.currency} locale={l} />
                    </td>
                    <td>
                      {a.transactionId ? (
                        <a href={`/fund/transactions/${a.transactionId}`}>
                          {t(l, `fund.approvals.statuses.${a.status}`)}
                        </a>
                      ) : (
                        t(l, `fund.approvals.statuses.${a.status}`)
                      )}
                    </td>
                    <td>{a.decidedAt ? formatDate(l, a.decidedAt) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

export function TransactionPage({
  request,
  tx,
  reversedBy,
  canReverse,
  idempotencyKey,
  message,
}: {
  request: FastifyRequest;
  tx: LedgerTransaction;
  reversedBy: string | null;
  canReverse: boolean;
  idempotencyKey: string;
  message?: string;
}): VNode {
  const l = request.locale;
  return (
    <div>
      <p>
        <a href="/fund/transactions">{t(l, 'fund.recent.all')}</a>
      </p>
      <h1>{t(l, 'fund.transaction.title', { seq: tx.seq, kind: kindLabel(l, tx.kind) })}</h1>
      {message && (
        <div class="error-summary" role="alert">
          <p>{message}</p>
        </div>
      )}
      <dl class="facts">
        <dt>{t(l, 'fund.table.date')}</dt>
        <dd>{formatDate(l, tx.valueDate)}</dd>
        <dt>{t(l, 'fund.transaction.posted')}</dt>
        <dd>
          {formatDate(l, tx.postedAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC
        </dd>
        <dt>{t(l, 'fund.table.from')}</dt>
        <dd>{tx.providerName ?? t(l, 'fund.flow.fund')}</dd>
        <dt>{t(l, 'fund.table.to')}</dt>
        <dd>{tx.receiverName ?? t(l, 'fund.flow.fund')}</dd>
        {tx.memo && (
          <>
            <dt>{t(l, 'fund.table.memo')}</dt>
            <dd>{tx.memo}</dd>
          </>
        )}
        {tx.fxRate && (
          <>
            <dt>{t(l, 'fund.transaction.rate')}</dt>
            <dd>
              1 {tx.currency} = {tx.fxRate} {tx.fxCurrency}
            </dd>
          </>
        )}
        {tx.reversalOf && (
          <>
            <dt>{t(l, 'fund.transaction.reverses')}</dt>
            <dd>
              <a href={`/fund/transactions/${tx.reversalOf}`}>{tx.reversalOf}</a>
            </dd>
          </>
        )}
        {reversedBy && (
          <>
            <dt>{t(l, 'fund.transaction.reversedBy')}</dt>
            <dd>
              <a href={`/fund/transactions/${reversedBy}`}>{reversedBy}</a>
            </dd>
          </>
        )}
        <dt>{t(l, 'fund.transaction.hash')}</dt>
        <dd>
          <code class="small">{tx.hash}</code>
        </dd>
      </dl>
      <div class="table-wrap">
        <table class="table">
          <caption>{t(l, 'fund.transaction.lines')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(l, 'fund.transaction.account')}</th>
              <th scope="col" class="num">
                {t(l, 'fund.table.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {tx.lines.map((x) => (
              <tr key={`${x.accountId}-${x.amount}`}>
                <td>
                  <a href={`/fund/accounts/${x.accountId}/statement?month=${tx.postedAt.slice(0, 7)}`}>
                    {accountName(l, { kind: x.accountKind, orgName: x.orgName, currency: x.currency })}
                  </a>
                </td>
                <td class="num">
                  <Money minor={x.amount} currency={x.currency} locale={l} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canReverse && !reversedBy && tx.kind !== 'reversal' && (
        <form method="post" action={`/fund/transactions/${tx.id}/reverse`} class="form">
          <h2>{t(l, 'fund.transaction.reverseTitle')}</h2>
          <p>{t(l, 'fund.transaction.reverseHelp')}</p>
          <Csrf request={request} />
          <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
          <div class="field">
            <label for="f-memo">{t(l, 'fund.fields.reason')}</label>
            <input id="f-memo" name="memo" maxLength={1000} required />
          </div>
          <div class="actions">
            <button type="submit" class="button danger">
              {t(l, 'fund.transaction.reverse')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
