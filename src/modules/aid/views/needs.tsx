import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { LinkedRecords } from '../../../core/links/routes.tsx';
import type { LinkView } from '../../../core/links/service.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import { clusters, needStatuses, priorities } from '../schema.ts';
import type { Allocation } from '../service-allocations.ts';
import type { Proposal } from '../service-matching.ts';
import type { Need } from '../service-needs.ts';
import type { ShipmentSummary } from '../service-shipments.ts';
import {
  ActionButton,
  AidNav,
  day,
  ErrorSummary,
  type Errors,
  Field,
  money,
  qty,
  Select,
  Status,
  Table,
  type Values,
} from './ui.tsx';

export function NeedsList({
  request,
  needs,
  filters,
  nextHref,
  canPost,
}: {
  request: FastifyRequest;
  needs: Need[];
  filters: Values;
  nextHref: string | null;
  canPost: boolean;
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/needs" />
      <h1>{t(l, 'aid.needs.title')}</h1>
      {canPost && (
        <p>
          <a class="button" href="/aid/needs/new">
            {t(l, 'aid.needs.post')}
          </a>
        </p>
      )}
      <form method="get" action="/aid/needs" class="filters" aria-label={t(l, 'aid.filters')}>
        <Select
          l={l}
          name="status"
          anyLabel={t(l, 'aid.any')}
          options={[
            { value: 'active', label: t(l, 'aid.needStatus.active') },
            ...needStatuses.map((s) => ({ value: s, label: t(l, `aid.needStatus.${s}`) })),
          ]}
          values={filters}
          errors={{}}
        />
        <Select
          l={l}
          name="category"
          anyLabel={t(l, 'aid.any')}
          options={clusters.map((c) => ({ value: c, label: t(l, `aid.cluster.${c}`) }))}
          values={filters}
          errors={{}}
        />
        <button type="submit">{t(l, 'aid.filter')}</button>
      </form>
      <Table
        caption={t(l, 'aid.needs.title')}
        head={[
          t(l, 'aid.fields.item'),
          t(l, 'aid.fields.communityOrgId'),
          t(l, 'aid.fields.category'),
          t(l, 'aid.fields.quantity'),
          t(l, 'aid.fields.priority'),
          t(l, 'aid.fields.neededBy'),
          t(l, 'aid.fields.status'),
        ]}
      >
        {needs.map((n) => (
          <tr key={n.id}>
            <td>
              <a href={`/aid/needs/${n.id}`}>{n.item}</a>
            </td>
            <td>{n.communityName}</td>
            <td>{t(l, `aid.cluster.${n.category}`)}</td>
            <td class="num">{qty(l, n.quantity, n.unit)}</td>
            <td>{t(l, `aid.priority.${n.priority}`)}</td>
            <td>{day(l, n.neededBy)}</td>
            <td>
              <Status l={l} kind="needStatus" value={n.status} />
            </td>
          </tr>
        ))}
      </Table>
      {needs.length === 0 && <p>{t(l, 'aid.none')}</p>}
      {nextHref && (
        <p>
          <a href={nextHref}>{t(l, 'aid.next')}</a>
        </p>
      )}
      <ExportLinks l={l} name="needs" />
    </>
  );
}

export function ExportLinks({ l, name }: { l: FastifyRequest['locale']; name: string }): VNode {
  return (
    <p>
      {t(l, 'aid.exports.label')}: <a href={`/aid/exports/${name}.csv`}>CSV</a> ·{' '}
      <a href={`/aid/exports/${name}.json`}>JSON</a> · <a href={`/aid/exports/${name}.hxl.csv`}>HXL</a>
    </p>
  );
}

export function NeedForm({
  request,
  values,
  errors,
  organisations,
}: {
  request: FastifyRequest;
  values: Values;
  errors: Errors;
  organisations: { value: string; label: string }[];
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/needs" />
      <h1>{t(l, 'aid.needs.post')}</h1>
      <ErrorSummary l={l} errors={errors} />
      <form method="post" action="/aid/needs" class="form">
        <Csrf request={request} />
        <Select
          l={l}
          name="communityOrgId"
          options={organisations}
          values={values}
          errors={errors}
          required
        />
        <Select
          l={l}
          name="category"
          options={clusters.map((c) => ({ value: c, label: t(l, `aid.cluster.${c}`) }))}
          values={values}
          errors={errors}
          required
        />
        <Field l={l} name="item" values={values} errors={errors} required />
        <Field l={l} name="quantity" type="number" min={1} values={values} errors={errors} required />
        <Field l={l} name="unit" values={values} errors={errors} required help={t(l, 'aid.help.unit')} />
        <Select
          l={l}
          name="priority"
          options={priorities.map((p) => ({ value: p, label: t(l, `aid.priority.${p}`) }))}
          values={values}
          errors={errors}
          required
        />
        <Field l={l} name="neededBy" type="date" values={values} errors={errors} />
        <Field l={l} name="placeName" values={values} errors={errors} help={t(l, 'aid.help.place')} />
        <Field l={l} name="description" textarea values={values} errors={errors} />
        <div class="actions">
          <button type="submit">{t(l, 'aid.needs.post')}</button>
        </div>
      </form>
    </>
  );
}

export interface NeedPageData {
  need: Need;
  allocations: Allocation[];
  proposals: Proposal[] | null;
  shipments: ShipmentSummary[] | null;
  links: LinkView[];
  canVerify: boolean;
  canAllocate: boolean;
  canLink: boolean;
  error?: string;
}

export function NeedPage({ request, d }: { request: FastifyRequest; d: NeedPageData }): VNode {
  const l = request.locale;
  const n = d.need;
  return (
    <>
      <AidNav l={l} current="/aid/needs" />
      <article>
        <p class="kicker">{t(l, `aid.cluster.${n.category}`)}</p>
        <h1>
          {n.item} — {n.communityName}
        </h1>
        {d.error && (
          <div class="error-summary" role="alert">
            <p>{d.error}</p>
          </div>
        )}
        <dl class="facts">
          <dt>{t(l, 'aid.fields.status')}</dt>
          <dd>
            <Status l={l} kind="needStatus" value={n.status} />
          </dd>
          <dt>{t(l, 'aid.fields.quantity')}</dt>
          <dd>{qty(l, n.quantity, n.unit)}</dd>
          <dt>{t(l, 'aid.needs.allocated')}</dt>
          <dd>{qty(l, n.allocatedQty, n.unit)}</dd>
          <dt>{t(l, 'aid.needs.delivered')}</dt>
          <dd>{qty(l, n.deliveredQty, n.unit)}</dd>
          <dt>{t(l, 'aid.needs.lacking')}</dt>
          <dd>{qty(l, n.lacking, n.unit)}</dd>
          <dt>{t(l, 'aid.fields.priority')}</dt>
          <dd>{t(l, `aid.priority.${n.priority}`)}</dd>
          <dt>{t(l, 'aid.fields.neededBy')}</dt>
          <dd>{day(l, n.neededBy)}</dd>
          <dt>{t(l, 'aid.fields.placeName')}</dt>
          <dd>{n.placeName ?? n.communityName}</dd>
          <dt>{t(l, 'aid.needs.verified')}</dt>
          <dd>
            {n.verifiedAt
              ? t(l, 'aid.needs.verifiedBy', { who: n.verifiedByName ?? '—', when: day(l, n.verifiedAt) })
              : t(l, 'aid.needs.notVerified')}{' '}
            {d.canVerify && !n.verifiedAt && (
              <ActionButton
                request={request}
                action={`/aid/needs/${n.id}/verify`}
                label={t(l, 'aid.needs.verify')}
                hidden={{ version: n.version }}
              />
            )}
          </dd>
        </dl>
        {n.description && <p>{n.description}</p>}

        <h2>{t(l, 'aid.allocations.title')}</h2>
        {d.allocations.length === 0 ? (
          <p>{t(l, 'aid.none')}</p>
        ) : (
          <Table
            caption={t(l, 'aid.allocations.title')}
            head={[
              t(l, 'aid.offers.from'),
              t(l, 'aid.fields.quantity'),
              t(l, 'aid.allocations.shipped'),
              t(l, 'aid.allocations.received'),
              t(l, 'aid.allocations.lost'),
              t(l, 'aid.allocations.payment'),
            ]}
          >
            {d.allocations.map((a) => (
              <tr key={a.id}>
                <td>{a.source === 'fund' ? t(l, 'aid.offers.fund') : (a.offererName ?? '—')}</td>
                <td class="num">
                  {qty(l, a.quantity, a.unit)}
                  {a.amountMinor !== null && a.currency ? ` (${money(l, a.amountMinor, a.currency)})` : ''}
                </td>
                <td class="num">{a.kind === 'goods' ? qty(l, a.shippedQty) : '—'}</td>
                <td class="num">{qty(l, a.receivedQty)}</td>
                <td class="num">{a.lostQty > 0 ? <strong>{qty(l, a.lostQty)}</strong> : '0'}</td>
                <td>
                  {a.kind === 'money' && a.source === 'fund' ? (
                    <>
                      {a.paymentStatus ? t(l, `aid.payment.${a.paymentStatus}`) : ''}{' '}
                      {a.paymentStatus !== 'posted' && d.canAllocate && (
                        <ActionButton
                          request={request}
                          action={`/aid/allocations/${a.id}/payment`}
                          label={t(l, a.paymentStatus ? 'aid.allocations.recheck' : 'aid.allocations.pay')}
                          hidden={{ back: `/aid/needs/${n.id}` }}
                        />
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
        {d.canAllocate && d.allocations.some((a) => a.kind === 'goods' && a.shippedQty < a.quantity) && (
          <p>
            <a class="button" href={`/aid/shipments/new?needId=${n.id}`}>
              {t(l, 'aid.shipments.prepare')}
            </a>
          </p>
        )}

        {d.proposals && (
          <section aria-labelledby="proposals-h">
            <h2 id="proposals-h">{t(l, 'aid.proposals.title')}</h2>
            {d.proposals.length === 0 ? (
              <p>{t(l, 'aid.proposals.none')}</p>
            ) : (
              <Table
                caption={t(l, 'aid.proposals.caption')}
                head={[
                  t(l, 'aid.offers.offer'),
                  t(l, 'aid.proposals.fit'),
                  t(l, 'aid.proposals.distance'),
                  t(l, 'aid.proposals.inTime'),
                  t(l, 'aid.offers.remaining'),
                  t(l, 'aid.proposals.allocate'),
                ]}
              >
                {d.proposals.map((p) => (
                  <tr key={p.offer.id}>
                    <td>
                      {p.offer.item} —{' '}
                      {p.offer.source === 'fund' ? t(l, 'aid.offers.fund') : (p.offer.offererName ?? '—')}
                    </td>
                    <td>
                      {t(l, `aid.proposals.${p.itemFit}`)} ({p.score})
                    </td>
                    <td class="num">{p.distanceKm === null ? '—' : `${p.distanceKm} km`}</td>
                    <td>{p.inTime ? t(l, 'aid.yes') : t(l, 'aid.no')}</td>
                    <td class="num">
                      {p.offer.kind === 'goods'
                        ? qty(l, p.offer.remaining, p.offer.unit)
                        : money(l, p.offer.remaining, p.offer.currency ?? 'EUR')}
                    </td>
                    <td>
                      <form method="post" action="/aid/allocations" class="inline-form">
                        <Csrf request={request} />
                        <input type="hidden" name="needId" value={n.id} />
                        <input type="hidden" name="offerId" value={p.offer.id} />
                        <label for={`q-${p.offer.id}`}>
                          {t(l, 'aid.fields.quantity')} ({n.unit})
                        </label>
                        <input
                          id={`q-${p.offer.id}`}
                          name="quantity"
                          type="number"
                          min={1}
                          max={p.canCover ?? n.lacking}
                          value={String(p.canCover ?? n.lacking)}
                          required
                        />
                        {p.offer.kind === 'money' && (
                          <>
                            <label for={`m-${p.offer.id}`}>
                              {t(l, 'aid.fields.amountMinor')} ({p.offer.currency})
                            </label>
                            <input
                              id={`m-${p.offer.id}`}
                              name="amountMinor"
                              type="number"
                              min={1}
                              max={p.offer.remaining}
                              required
                            />
                          </>
                        )}
                        <button type="submit">{t(l, 'aid.proposals.allocate')}</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </section>
        )}

        {d.shipments && d.shipments.length > 0 && (
          <section aria-labelledby="shipments-h">
            <h2 id="shipments-h">{t(l, 'aid.shipments.title')}</h2>
            <ul>
              {d.shipments.map((s) => (
                <li key={s.id}>
                  <a href={`/aid/shipments/${s.id}`}>{s.reference ?? s.id.slice(0, 8)}</a> —{' '}
                  <Status l={l} kind="shipmentStatus" value={s.status} />
                </li>
              ))}
            </ul>
          </section>
        )}
        <LinkedRecords
          request={request}
          links={d.links}
          from={{ kind: 'aid.need', id: n.id }}
          canEdit={d.canLink}
          back={`/aid/needs/${n.id}`}
        />
      </article>
    </>
  );
}
