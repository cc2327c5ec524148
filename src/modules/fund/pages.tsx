import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedPage } from '../../core/cache/cached.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { hasAnyRole, requireRole } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { type FieldError, invalidField } from '../../core/validation/input.ts';
import { formatMoney, isCurrency, parseMajor } from './currencies.ts';
import { transactionKinds } from './schema.ts';
import { approveDisbursement, listApprovals, rejectDisbursement } from './service-approvals.ts';
import { organisationChoices } from './service-choices.ts';
import { findReversal, getTransaction, listTransactions } from './service-ledger.ts';
import {
  commitGrant,
  disburseGrant,
  GRANT_MAKERS,
  recordContribution,
  recordExpenditure,
  recordFee,
  recordPledge,
  refundContribution,
  reverseTransaction,
  TREASURY,
} from './service-postings.ts';
import { accountStatement, fundSummary } from './service-reports.ts';
import { FundPage, StatementPage, TransactionsTable } from './views/public.tsx';
import {
  ApprovalsPage,
  type FieldErrors,
  type FormValues,
  formFields,
  type PostingForm,
  PostingFormPage,
  postingForms,
  TransactionPage,
  TreasuryHome,
} from './views/treasury.tsx';

type Query = Record<string, unknown>;
const str = (v: unknown) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
const hide = { schema: { hide: true } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const notices = ['posted', 'pending', 'approved', 'rejected', 'reversed'] as const;
const noticeOf = (request: FastifyRequest) => {
  const n = str((request.query as Query)?.notice);
  return (notices as readonly string[]).includes(n) ? t(request.locale, `fund.notices.${n}`) : undefined;
};
const redirect = (reply: FastifyReply, url: string, notice?: (typeof notices)[number]) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${notice}` : url, 303);
const errorMessage = (request: FastifyRequest, e: AppError) => {
  const d = e.details as { available?: number; currency?: string } | undefined;
  return e.code === 'insufficient_funds' && d?.available !== undefined && d.currency
    ? t(request.locale, 'fund.errors.insufficient', {
        available: formatMoney(d.available, d.currency, request.locale),
      })
    : t(request.locale, `errors.${e.code}`);
};

/** The use case's input from a form: amounts typed in major units, converted to minor units here. */
function inputOf(form: PostingForm, v: FormValues): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const currency = v.currency?.toUpperCase() ?? '';
  if (!isCurrency(currency)) errors.currency = 'invalid_currency';
  const amountMinor = isCurrency(currency) ? parseMajor(v.amount ?? '', currency) : null;
  if (!v.amount) errors.amount = 'required';
  else if (amountMinor === null || amountMinor <= 0) errors.amount = 'invalid_amount';
  const spec = formFields[form];
  const input: Record<string, unknown> = {
    amountMinor: amountMinor ?? 0,
    currency,
    idempotencyKey: v.idempotencyKey,
    memo: v.memo || undefined,
  };
  if (spec.org === 'contributor') input.contributorOrgId = v.org || undefined;
  if (spec.org === 'community') input.communityOrgId = v.org || undefined;
  if (spec.org && !spec.optionalOrg && !v.org) errors.org = 'required';
  if (spec.supplier && v.supplier) input.supplierOrgId = v.supplier;
  if (spec.valueDate && v.valueDate) input.valueDate = v.valueDate;
  if (spec.convert && v.convertedCurrency) {
    const c = v.convertedCurrency.toUpperCase();
    const converted = isCurrency(c) ? parseMajor(v.convertedAmount ?? '', c) : null;
    if (converted === null || converted <= 0) errors.convertedAmount = 'invalid_amount';
    input.convertedTo = { currency: c, amountMinor: converted ?? 0 };
  }
  return { input, errors };
}

/** Use-case paths (`contributorOrgId`, `convertedTo.amountMinor`) as form fields. */
function fieldOf(path: string): string {
  if (path.startsWith('convertedTo'))
    return path.endsWith('currency') ? 'convertedCurrency' : 'convertedAmount';
  const map: Record<string, string> = {
    contributorOrgId: 'org',
    communityOrgId: 'org',
    supplierOrgId: 'supplier',
    amountMinor: 'amount',
  };
  return map[path] ?? path;
}

const formRoles = (form: PostingForm) =>
  form === 'grant' || form === 'disbursement' ? GRANT_MAKERS : TREASURY;

async function submit(ctx: Ctx, form: PostingForm, input: Record<string, unknown>) {
  switch (form) {
    case 'contribution':
      return recordContribution(ctx, input);
    case 'pledge':
      return recordPledge(ctx, input);
    case 'grant':
      return commitGrant(ctx, input as never);
    case 'disbursement':
      return disburseGrant(ctx, input as never);
    case 'expenditure':
      return recordExpenditure(ctx, input);
    case 'fee':
      return recordFee(ctx, input);
    case 'refund':
      return refundContribution(ctx, input);
  }
}

export async function fundPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = fastify;

  app.get('/fund', hide, async (request, reply) => {
    html(reply);
    const currency = str((request.query as Query)?.currency).toUpperCase();
    return cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const [summary, recent] = await Promise.all([
        fundSummary(ctx, { currency: currency || undefined }),
        listTransactions(ctx, { limit: 10 }),
      ]);
      return renderPage(request, {
        title: t(request.locale, 'fund.title'),
        notice: noticeOf(request),
        children: <FundPage request={request} summary={summary} recent={recent.items} />,
      });
    });
  });

  app.get('/fund/transactions', hide, async (request, reply) => {
    html(reply);
    const q = request.query as Query;
    const before = Number(str(q.before));
    const kind = str(q.kind);
    return cachedPage(request, reply, async () => {
      const page = await listTransactions(request.ctx(), {
        before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
        kind: (transactionKinds as readonly string[]).includes(kind) ? (kind as never) : undefined,
        limit: 50,
      });
      const l = request.locale;
      return renderPage(request, {
        title: t(l, 'fund.transactions.title'),
        children: (
          <div>
            <p>
              <a href="/fund">{t(l, 'fund.title')}</a>
            </p>
            <h1>{t(l, 'fund.transactions.title')}</h1>
            <TransactionsTable request={request} items={page.items} />
            {page.next !== null && (
              <nav class="pagination" aria-label={t(l, 'fund.transactions.pages')}>
                <ul>
                  <li>
                    <a href={`/fund/transactions?before=${page.next}${kind ? `&kind=${kind}` : ''}`}>
                      {t(l, 'fund.transactions.older')}
                    </a>
                  </li>
                </ul>
              </nav>
            )}
          </div>
        ),
      });
    });
  });

  const transactionPage = async (request: FastifyRequest, message?: string) => {
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new AppError('not_found');
    const ctx = request.ctx();
    const [tx, reversedBy] = await Promise.all([getTransaction(ctx, { id }), findReversal(ctx, { id })]);
    return renderPage(request, {
      title: t(request.locale, 'fund.transaction.title', {
        seq: tx.seq,
        kind: t(request.locale, `fund.kinds.${tx.kind}`),
      }),
      notice: noticeOf(request),
      children: (
        <TransactionPage
          request={request}
          tx={tx}
          reversedBy={reversedBy}
          canReverse={hasAnyRole(request.actor, TREASURY)}
          idempotencyKey={randomUUID()}
          message={message}
        />
      ),
    });
  };
  app.get('/fund/transactions/:id', hide, async (request, reply) => {
    html(reply);
    return cachedPage(request, reply, () => transactionPage(request));
  });
  app.post('/fund/transactions/:id/reverse', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new AppError('not_found');
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const r = await reverseTransaction(request.ctx(), {
        transactionId: id,
        idempotencyKey: str(body.idempotencyKey),
        memo: str(body.memo) || undefined,
      });
      return redirect(reply, `/fund/transactions/${r.transactionId}`, 'reversed');
    } catch (e) {
      if (!isAppError(e) || ['unauthenticated', 'forbidden', 'not_found'].includes(e.code)) throw e;
      reply.code(e.status);
      return html(reply).send(await transactionPage(request, errorMessage(request, e)));
    }
  });

  app.get('/fund/accounts/:id/statement', hide, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new AppError('not_found');
    const month = str((request.query as Query)?.month);
    if (month && !MONTH.test(month)) throw invalidField('month', 'invalid_month');
    html(reply);
    return cachedPage(request, reply, async () => {
      const statement = await accountStatement(request.ctx(), { id, month: month || undefined });
      return renderPage(request, {
        title: t(request.locale, 'fund.statement.short', { month: statement.month }),
        children: <StatementPage request={request} statement={statement} />,
      });
    });
  });

  app.get('/fund/treasury', hide, async (request, reply) => {
    const ctx = request.ctx();
    requireRole(ctx, GRANT_MAKERS);
    const pending = hasAnyRole(request.actor, TREASURY)
      ? (await listApprovals(ctx, { status: 'pending' })).length
      : 0;
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'fund.treasury.title'),
        notice: noticeOf(request),
        children: <TreasuryHome request={request} pending={pending} />,
      }),
    );
  });

  app.get('/fund/treasury/approvals', hide, async (request, reply) => {
    const approvals = await listApprovals(request.ctx());
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'fund.approvals.title'),
        notice: noticeOf(request),
        children: <ApprovalsPage request={request} approvals={approvals} />,
      }),
    );
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/fund/treasury/approvals/:id/${decision}`, hide, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!UUID.test(id)) throw new AppError('not_found');
      const note = str(((request.body ?? {}) as Record<string, unknown>).note) || undefined;
      const ctx = request.ctx();
      try {
        if (decision === 'approve') {
          const r = await approveDisbursement(ctx, { approvalId: id, note });
          return redirect(reply, `/fund/transactions/${r.transactionId}`, 'approved');
        }
        await rejectDisbursement(ctx, { approvalId: id, note });
        return redirect(reply, '/fund/treasury/approvals', 'rejected');
      } catch (e) {
        if (!isAppError(e) || ['unauthenticated', 'forbidden', 'not_found'].includes(e.code)) throw e;
        reply.code(e.status);
        return html(reply).send(
          renderPage(request, {
            title: t(request.locale, 'fund.approvals.title'),
            children: (
              <ApprovalsPage
                request={request}
                approvals={await listApprovals(ctx)}
                message={errorMessage(request, e)}
              />
            ),
          }),
        );
      }
    });
  }

  const formPage = async (
    request: FastifyRequest,
    form: PostingForm,
    values: FormValues,
    errors: FieldErrors = {},
    message?: string,
  ) => {
    const q = str((request.query as Query)?.q);
    const choices =
      formFields[form].org || formFields[form].supplier
        ? await organisationChoices(request.ctx(), { q, selected: [values.org ?? '', values.supplier ?? ''] })
        : [];
    return renderPage(request, {
      title: t(request.locale, `fund.forms.${form}.title`),
      children: (
        <PostingFormPage
          request={request}
          form={form}
          values={values}
          errors={errors}
          message={message}
          choices={choices}
          q={q}
        />
      ),
    });
  };
  const formOf = (request: FastifyRequest): PostingForm => {
    const { form } = request.params as { form: string };
    if (!(postingForms as readonly string[]).includes(form)) throw new AppError('not_found');
    return form as PostingForm;
  };

  app.get('/fund/treasury/:form', hide, async (request, reply) => {
    const form = formOf(request);
    requireRole(request.ctx(), formRoles(form));
    const q = request.query as Query;
    const values: FormValues = { idempotencyKey: randomUUID(), currency: 'EUR' };
    // A link from elsewhere (the aid centre) may preselect the organisation.
    if (UUID.test(str(q.org))) values.org = str(q.org);
    return html(reply).send(await formPage(request, form, values));
  });

  app.post('/fund/treasury/:form', hide, async (request, reply) => {
    const form = formOf(request);
    const ctx = request.ctx();
    requireRole(ctx, formRoles(form));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values: FormValues = {};
    for (const k of [
      'org',
      'supplier',
      'amount',
      'currency',
      'valueDate',
      'memo',
      'convertedCurrency',
      'convertedAmount',
      'idempotencyKey',
    ])
      values[k] = str(body[k]).slice(0, 1000);
    // A form without its key (a hand-made request) still posts at most once per submission.
    if (!values.idempotencyKey) values.idempotencyKey = randomUUID();
    const { input, errors } = inputOf(form, values);
    if (Object.keys(errors).length > 0) {
      reply.code(400);
      return html(reply).send(await formPage(request, form, values, errors));
    }
    try {
      const r = await submit(ctx, form, input);
      if (r.status === 'pending_approval') return redirect(reply, '/fund/treasury/approvals', 'pending');
      return redirect(reply, `/fund/transactions/${r.transactionId}`, 'posted');
    } catch (e) {
      if (!isAppError(e) || ['unauthenticated', 'forbidden'].includes(e.code)) throw e;
      const fieldErrors: FieldErrors = {};
      if (e.code === 'validation_failed' && Array.isArray(e.details))
        for (const d of e.details as FieldError[]) fieldErrors[fieldOf(d.path)] = d.code;
      reply.code(e.status);
      return html(reply).send(
        await formPage(
          request,
          form,
          values,
          fieldErrors,
          e.code !== 'validation_failed' ? errorMessage(request, e) : undefined,
        ),
      );
    }
  });
}
