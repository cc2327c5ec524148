import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { clusters } from '../schema.ts';
import type { Offer } from '../service-offers.ts';
import {
  AidNav,
  day,
  ErrorSummary,
  type Errors,
  Field,
  money,
  qty,
  Select,
  Table,
  type Values,
} from './ui.tsx';

export function OffersList({
  request,
  offers,
  canPost,
}: {
  request: FastifyRequest;
  offers: Offer[];
  canPost: boolean;
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/offers" />
      <h1>{t(l, 'aid.offers.title')}</h1>
      {canPost && (
        <p>
          <a class="button" href="/aid/offers/new">
            {t(l, 'aid.offers.post')}
          </a>
        </p>
      )}
      <Table
        caption={t(l, 'aid.offers.caption')}
        head={[
          t(l, 'aid.offers.offer'),
          t(l, 'aid.offers.from'),
          t(l, 'aid.fields.category'),
          t(l, 'aid.offers.total'),
          t(l, 'aid.offers.remaining'),
          t(l, 'aid.fields.availableFrom'),
          t(l, 'aid.fields.status'),
        ]}
      >
        {offers.map((o) => (
          <tr key={o.id}>
            <td>{o.item}</td>
            <td>{o.source === 'fund' ? t(l, 'aid.offers.fund') : (o.offererName ?? '—')}</td>
            <td>{t(l, `aid.cluster.${o.category}`)}</td>
            <td class="num">
              {o.kind === 'goods' ? qty(l, o.total, o.unit) : money(l, o.total, o.currency ?? 'EUR')}
            </td>
            <td class="num">
              {o.kind === 'goods' ? qty(l, o.remaining, o.unit) : money(l, o.remaining, o.currency ?? 'EUR')}
            </td>
            <td>{day(l, o.availableFrom)}</td>
            <td>{t(l, `aid.offerStatus.${o.remaining === 0 ? 'taken' : o.status}`)}</td>
          </tr>
        ))}
      </Table>
      {offers.length === 0 && <p>{t(l, 'aid.none')}</p>}
    </>
  );
}

export function OfferForm({
  request,
  values,
  errors,
  organisations,
  mayOfferFund,
}: {
  request: FastifyRequest;
  values: Values;
  errors: Errors;
  organisations: { value: string; label: string }[];
  mayOfferFund: boolean;
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/offers" />
      <h1>{t(l, 'aid.offers.post')}</h1>
      <ErrorSummary l={l} errors={errors} />
      <form method="post" action="/aid/offers" class="form">
        <Csrf request={request} />
        <fieldset>
          <legend>{t(l, 'aid.fields.kind')}</legend>
          {(['goods', 'money'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name="kind" value={k} checked={(values.kind ?? 'goods') === k} />{' '}
              {t(l, `aid.offers.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        {mayOfferFund && (
          <Select
            l={l}
            name="source"
            options={[
              { value: 'member', label: t(l, 'aid.offers.source.member') },
              { value: 'fund', label: t(l, 'aid.offers.fund') },
            ]}
            values={values}
            errors={errors}
          />
        )}
        <Select
          l={l}
          name="offererOrgId"
          options={organisations}
          anyLabel={mayOfferFund ? t(l, 'aid.offers.noOrg') : undefined}
          values={values}
          errors={errors}
        />
        <Select
          l={l}
          name="category"
          options={clusters.map((c) => ({ value: c, label: t(l, `aid.cluster.${c}`) }))}
          values={values}
          errors={errors}
          required
        />
        <Field l={l} name="item" values={values} errors={errors} required help={t(l, 'aid.help.offerItem')} />
        <fieldset>
          <legend>{t(l, 'aid.offers.kind.goods')}</legend>
          <Field l={l} name="quantity" type="number" min={1} values={values} errors={errors} />
          <Field l={l} name="unit" values={values} errors={errors} help={t(l, 'aid.help.unit')} />
        </fieldset>
        <fieldset>
          <legend>{t(l, 'aid.offers.kind.money')}</legend>
          <Field
            l={l}
            name="amountMinor"
            type="number"
            min={1}
            values={values}
            errors={errors}
            help={t(l, 'aid.help.minor')}
          />
          <Field l={l} name="currency" values={values} errors={errors} help={t(l, 'aid.help.currency')} />
        </fieldset>
        <Field l={l} name="availableFrom" type="date" values={values} errors={errors} />
        <Field l={l} name="placeName" values={values} errors={errors} />
        <Field l={l} name="note" textarea values={values} errors={errors} />
        <div class="actions">
          <button type="submit">{t(l, 'aid.offers.post')}</button>
        </div>
      </form>
    </>
  );
}
