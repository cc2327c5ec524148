import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { t } from '../../../core/i18n/i18n.ts';
import { Csrf } from '../../../core/ui/layout.tsx';
import type { Allocation } from '../service-allocations.ts';
import type { Corridor } from '../service-corridors.ts';
import type { Need } from '../service-needs.ts';
import type { Shipment, ShipmentSummary } from '../service-shipments.ts';
import { ActionButton, AidNav, day, ErrorSummary, type Errors, qty, Status, Table } from './ui.tsx';

export function ShipmentsList({
  request,
  shipments,
}: {
  request: FastifyRequest;
  shipments: ShipmentSummary[];
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/shipments" />
      <h1>{t(l, 'aid.shipments.title')}</h1>
      <Table
        caption={t(l, 'aid.shipments.title')}
        head={[
          t(l, 'aid.shipments.reference'),
          t(l, 'aid.shipments.destination'),
          t(l, 'aid.shipments.corridor'),
          t(l, 'aid.shipments.sent'),
          t(l, 'aid.fields.status'),
          t(l, 'aid.shipments.created'),
        ]}
      >
        {shipments.map((s) => (
          <tr key={s.id}>
            <td>
              <a href={`/aid/shipments/${s.id}`}>{s.reference ?? s.id.slice(0, 8)}</a>
            </td>
            <td>{s.destinationName}</td>
            <td>{s.corridorName ?? '—'}</td>
            <td class="num">{qty(l, s.sentQty)}</td>
            <td>
              <Status l={l} kind="shipmentStatus" value={s.status} />
            </td>
            <td>{day(l, s.createdAt)}</td>
          </tr>
        ))}
      </Table>
      {shipments.length === 0 && <p>{t(l, 'aid.none')}</p>}
      <p>
        {t(l, 'aid.exports.deliveries')}: <a href="/aid/exports/deliveries.csv">CSV</a> ·{' '}
        <a href="/aid/exports/deliveries.json">JSON</a> · <a href="/aid/exports/deliveries.hxl.csv">HXL</a>
      </p>
    </>
  );
}

export function ShipmentForm({
  request,
  need,
  allocations,
  corridors,
  errors,
}: {
  request: FastifyRequest;
  need: Need;
  allocations: Allocation[];
  corridors: Corridor[];
  errors: Errors;
}): VNode {
  const l = request.locale;
  const open = allocations.filter((a) => a.kind === 'goods' && a.shippedQty < a.quantity);
  return (
    <>
      <AidNav l={l} current="/aid/shipments" />
      <h1>
        {t(l, 'aid.shipments.prepare')}: {need.item} — {need.communityName}
      </h1>
      <ErrorSummary l={l} errors={errors} />
      <form method="post" action="/aid/shipments" class="form">
        <Csrf request={request} />
        <input type="hidden" name="needId" value={need.id} />
        <div class="field">
          <label for="f-corridorId">{t(l, 'aid.shipments.corridor')}</label>
          <select id="f-corridorId" name="corridorId">
            <option value="">{t(l, 'aid.shipments.noCorridor')}</option>
            {corridors
              .filter((c) => c.status !== 'closed')
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({t(l, `aid.corridorStatus.${c.status}`)})
                </option>
              ))}
          </select>
        </div>
        <div class="field">
          <label for="f-reference">{t(l, 'aid.shipments.reference')}</label>
          <input id="f-reference" name="reference" maxLength={100} />
        </div>
        <fieldset>
          <legend>{t(l, 'aid.shipments.items')}</legend>
          {open.map((a, i) => (
            <div class="field" key={a.id}>
              <input type="hidden" name={`items[${i}][allocationId]`} value={a.id} />
              <label for={`f-item-${i}`}>
                {a.item} — {a.offererName ?? '—'} ({t(l, 'aid.shipments.leftToShip')}:{' '}
                {qty(l, a.quantity - a.shippedQty, a.unit)})
              </label>
              <input
                id={`f-item-${i}`}
                name={`items[${i}][quantity]`}
                type="number"
                min={0}
                max={a.quantity - a.shippedQty}
                value={String(a.quantity - a.shippedQty)}
              />
            </div>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit">{t(l, 'aid.shipments.create')}</button>
        </div>
      </form>
    </>
  );
}

export function ShipmentPage({
  request,
  s,
  isCentre,
  canConfirm,
  error,
}: {
  request: FastifyRequest;
  s: Shipment;
  isCentre: boolean;
  canConfirm: boolean;
  error?: string;
}): VNode {
  const l = request.locale;
  return (
    <>
      <AidNav l={l} current="/aid/shipments" />
      <h1>
        {t(l, 'aid.shipments.one')} {s.reference ?? s.id.slice(0, 8)}
      </h1>
      {error && (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      )}
      <dl class="facts">
        <dt>{t(l, 'aid.fields.status')}</dt>
        <dd>
          <Status l={l} kind="shipmentStatus" value={s.status} />
        </dd>
        <dt>{t(l, 'aid.shipments.destination')}</dt>
        <dd>{s.destinationName}</dd>
        <dt>{t(l, 'aid.shipments.corridor')}</dt>
        <dd>{s.corridorName ?? '—'}</dd>
        <dt>{t(l, 'aid.shipments.dispatched')}</dt>
        <dd>{day(l, s.dispatchedAt)}</dd>
      </dl>
      {isCentre && s.status === 'preparing' && (
        <p class="actions">
          <ActionButton
            request={request}
            action={`/aid/shipments/${s.id}/transition`}
            label={t(l, 'aid.shipments.dispatch')}
            hidden={{ action: 'dispatch', version: s.version }}
          />
          <ActionButton
            request={request}
            action={`/aid/shipments/${s.id}/transition`}
            label={t(l, 'aid.shipments.cancel')}
            hidden={{ action: 'cancel', version: s.version }}
          />
        </p>
      )}
      {isCentre && s.status === 'in_transit' && (
        <p class="actions">
          <ActionButton
            request={request}
            action={`/aid/shipments/${s.id}/transition`}
            label={t(l, 'aid.shipments.return')}
            hidden={{ action: 'return', version: s.version }}
          />
        </p>
      )}
      {canConfirm && s.status === 'in_transit' ? (
        <form method="post" action={`/aid/shipments/${s.id}/delivery`} class="form">
          <Csrf request={request} />
          <h2>{t(l, 'aid.deliveries.confirm')}</h2>
          <p class="help">{t(l, 'aid.deliveries.help')}</p>
          {s.items.map((i, k) => (
            <div class="field" key={i.id}>
              <input type="hidden" name={`items[${k}][shipmentItemId]`} value={i.id} />
              <label for={`f-recv-${k}`}>
                {t(l, 'aid.deliveries.receivedOf', { item: i.item, sent: qty(l, i.quantity, i.unit) })}
              </label>
              <input
                id={`f-recv-${k}`}
                name={`items[${k}][receivedQty]`}
                type="number"
                min={0}
                max={i.quantity}
                required
                value={String(i.quantity)}
              />
            </div>
          ))}
          <div class="field">
            <label for="f-note">{t(l, 'aid.fields.note')}</label>
            <textarea id="f-note" name="note" rows={2} />
          </div>
          <div class="actions">
            <button type="submit">{t(l, 'aid.deliveries.confirm')}</button>
          </div>
        </form>
      ) : null}
      <Table
        caption={t(l, 'aid.shipments.items')}
        head={[
          t(l, 'aid.fields.item'),
          t(l, 'aid.shipments.sent'),
          t(l, 'aid.allocations.received'),
          t(l, 'aid.deliveries.difference'),
        ]}
      >
        {s.items.map((i) => (
          <tr key={i.id}>
            <td>
              <a href={`/aid/needs/${i.needId}`}>{i.item}</a>
            </td>
            <td class="num">{qty(l, i.quantity, i.unit)}</td>
            <td class="num">{i.receivedQty === null ? '—' : qty(l, i.receivedQty, i.unit)}</td>
            <td class="num">
              {i.receivedQty === null ? (
                '—'
              ) : i.receivedQty === i.quantity ? (
                '0'
              ) : (
                <strong>{qty(l, i.receivedQty - i.quantity)}</strong>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {s.delivery && (
        <section aria-labelledby="delivery-h">
          <h2 id="delivery-h">{t(l, 'aid.deliveries.title')}</h2>
          <p>
            {t(l, 'aid.deliveries.summary', {
              when: day(l, s.delivery.confirmedAt),
              sent: qty(l, s.delivery.sentQty),
              received: qty(l, s.delivery.receivedQty),
            })}
          </p>
          {s.delivery.flagged && (
            <p class="notice warning" role="status">
              <strong>{t(l, 'aid.deliveries.flagged')}</strong>{' '}
              {s.delivery.resolvedAt
                ? t(l, 'aid.deliveries.resolved', { when: day(l, s.delivery.resolvedAt) })
                : ''}
            </p>
          )}
          {s.delivery.note && <p>{s.delivery.note}</p>}
          {isCentre && s.delivery.flagged && !s.delivery.resolvedAt && (
            <form method="post" action={`/aid/deliveries/${s.delivery.id}/resolve`} class="form">
              <Csrf request={request} />
              <input type="hidden" name="back" value={`/aid/shipments/${s.id}`} />
              <div class="field">
                <label for="f-resolution">{t(l, 'aid.deliveries.resolution')}</label>
                <textarea id="f-resolution" name="note" rows={2} />
              </div>
              <button type="submit">{t(l, 'aid.deliveries.resolve')}</button>
            </form>
          )}
        </section>
      )}
    </>
  );
}
