import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cachedPage } from '../../core/cache/cached.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { html, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { t } from '../../core/i18n/i18n.ts';
import { hasAnyRole, requireRole } from '../../core/policy/policy.ts';
import { renderPage } from '../../core/ui/layout.tsx';
import { type FieldError, uuid } from '../../core/validation/input.ts';
import { formatMoney } from './currencies.ts';
import { fieldOf, formRoles, inputOf, isPostingForm, submit } from './forms.ts';
import { transactionKinds } from './schema.ts';
import { approveDisbursement, listApprovals, rejectDisbursement } from './service-approvals.ts';
import { organisationChoices } from './service-choices.ts';
import { findReversal, getTransaction, listTransactions } from './service-ledger.ts';
import { GRANT_MAKERS, reverseTransaction, TREASURY } from './service-postings.ts';
import { accountStatement, fundSummary } from './service-reports.ts';
import {
  type FieldErrors,
  type FormValues,
  formFields,
  type PostingForm,
  PostingFormPage,
} from './views/posting-form.tsx';
import { FundPage, TransactionsTable } from './views/public.tsx';
import { StatementPage } from './views/statement.tsx';
import { ApprovalsPage, TransactionPage, TreasuryHome } from './views/treasury.tsx';

/** A query or form field as a string (repeated names give arrays: the first counts). */
const str = (v: unknown) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

// Pages take any query and form fields and read them leniently (a wrong id is a 404, not a 400).
const fields = z.record(z.string(), z.unknown());
const hide = { schema: { hide: true, querystring: fields } };
const byId = { schema: { hide: true, params: z.object({ id: z.string() }), querystring: fields } };
const postById = { schema: { ...byId.schema, body: fields.optional() } };
const byForm = { schema: { hide: true, params: z.object({ form: z.string() }), querystring: fields } };
const postByForm = { schema: { ...byForm.schema, body: fields.optional() } };
const isId = (id: string) => uuid.safeParse(id).success;
const knownId = (id: string) => {
  if (!isId(id)) throw new AppError('not_found');
  return id;
};

const notices = ['posted', 'pending', 'approved', 'rejected', 'reversed'] as const;
const noticeOf = (request: FastifyRequest, query: Record<string, unknown>) => {
  const n = str(query.notice);
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

export async function fundPages(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);

  app.get('/fund', hide, async (request, reply) => {
    html(reply);
    const currency = str(request.query.currency).toUpperCase();
    return cachedPage(request, reply, async () => {
      const ctx = request.ctx();
      const [summary, recent] = await Promise.all([
        fundSummary(ctx, { currency: currency || undefined }),
        listTransactions(ctx, { limit: 10 }),
      ]);
      return renderPage(request, {
        title: t(request.locale, 'fund.title'),
        notice: noticeOf(request, request.query),
        children: <FundPage request={request} summary={summary} recent={recent.items} />,
      });
    });
  });

  app.get('/fund/transactions', hide, async (request, reply) => {
    html(reply);
    const before = Number(str(request.query.before));
    const kind = str(request.query.kind);
    return cachedPage(request, reply, async () => {
      const page = await listTransactions(request.ctx(), {
        before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
        kind: transactionKinds.find((k) => k === kind),
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

  const transactionPage = async (
    request: FastifyRequest,
    id: string,
    query: Record<string, unknown>,
    message?: string,
  ) => {
    const ctx = request.ctx();
    const [tx, reversedBy] = await Promise.all([getTransaction(ctx, { id }), findReversal(ctx, { id })]);
    return renderPage(request, {
      title: t(request.locale, 'fund.transaction.title', {
        seq: tx.seq,
        kind: t(request.locale, `fund.kinds.${tx.kind}`),
      }),
      notice: noticeOf(request, query),
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
  app.get('/fund/transactions/:id', byId, async (request, reply) => {
    const id = knownId(request.params.id);
    html(reply);
    return cachedPage(request, reply, () => transactionPage(request, id, request.query));
  });
  app.post('/fund/transactions/:id/reverse', postById, async (request, reply) => {
    const id = knownId(request.params.id);
    const body = request.body ?? {};
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
      return html(reply).send(await transactionPage(request, id, request.query, errorMessage(request, e)));
    }
  });

  app.get('/fund/accounts/:id/statement', byId, async (request, reply) => {
    const id = knownId(request.params.id);
    const month = str(request.query.month);
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
        notice: noticeOf(request, request.query),
        children: <TreasuryHome request={request} pending={pending} />,
      }),
    );
  });

  app.get('/fund/treasury/approvals', hide, async (request, reply) => {
    const approvals = await listApprovals(request.ctx());
    return html(reply).send(
      renderPage(request, {
        title: t(request.locale, 'fund.approvals.title'),
        notice: noticeOf(request, request.query),
        children: <ApprovalsPage request={request} approvals={approvals} />,
      }),
    );
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/fund/treasury/approvals/:id/${decision}`, postById, async (request, reply) => {
      const id = knownId(request.params.id);
      const note = str(request.body?.note) || undefined;
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
    query: Record<string, unknown>,
    form: PostingForm,
    values: FormValues,
    errors: FieldErrors = {},
    message?: string,
  ) => {
    const q = str(query.q);
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
  const formOf = (form: string): PostingForm => {
    if (!isPostingForm(form)) throw new AppError('not_found');
    return form;
  };

  app.get('/fund/treasury/:form', byForm, async (request, reply) => {
    const form = formOf(request.params.form);
    requireRole(request.ctx(), formRoles(form));
    const org = str(request.query.org);
    const values: FormValues = { idempotencyKey: randomUUID(), currency: 'EUR' };
    // A link from elsewhere (the aid centre) may preselect the organisation.
    if (isId(org)) values.org = org;
    return html(reply).send(await formPage(request, request.query, form, values));
  });

  app.post('/fund/treasury/:form', postByForm, async (request, reply) => {
    const form = formOf(request.params.form);
    const ctx = request.ctx();
    requireRole(ctx, formRoles(form));
    const body = request.body ?? {};
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
      return html(reply).send(await formPage(request, request.query, form, values, errors));
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
          request.query,
          form,
          values,
          fieldErrors,
          e.code !== 'validation_failed' ? errorMessage(request, e) : undefined,
        ),
      );
    }
  });
}
