import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { formatNumber, t } from '../../../core/i18n/i18n.ts';
import { needStatuses } from '../schema.ts';
import type { Corridor } from '../service-corridors.ts';
import type { AidSummary } from '../service-dashboard.ts';
import type { FlaggedDelivery } from '../service-shipments.ts';
import { AidMap } from './map.tsx';
import { AidNav, day, qty, Table } from './ui.tsx';

export function Dashboard({
  request,
  summary,
  corridors,
  flagged,
}: {
  request: FastifyRequest;
  summary: AidSummary;
  corridors: Corridor[];
  /** null for readers who may not see shipments. */
  flagged: FlaggedDelivery[] | null;
}): VNode {
  const l = request.locale;
  const active = needStatuses
    .filter((s) => s !== 'delivered')
    .reduce((n, s) => n + summary.needsByStatus[s], 0);
  const mapCorridors = corridors
    .map((c) => ({
      name: c.name,
      status: c.status,
      points: c.path ?? (c.origin && c.destination ? [c.origin, c.destination] : []),
    }))
    .filter((c) => c.points.length >= 2);
  return (
    <>
      <AidNav l={l} current="/aid" />
      <h1>{t(l, 'aid.title')}</h1>
      <p class="lead">{t(l, 'aid.intro')}</p>
      <ul class="figures">
        <li>
          <strong>{formatNumber(l, active)}</strong> <span>{t(l, 'aid.figures.activeNeeds')}</span>
        </li>
        <li>
          <strong>{formatNumber(l, summary.needsByStatus.delivered)}</strong>{' '}
          <span>{t(l, 'aid.figures.delivered')}</span>
        </li>
        <li>
          <strong>{formatNumber(l, summary.shipmentsInTransit)}</strong>{' '}
          <span>{t(l, 'aid.figures.inTransit')}</span>
        </li>
        <li>
          <strong>{formatNumber(l, Math.max(summary.capacity.available - summary.capacity.used, 0))}</strong>{' '}
          <span>{t(l, 'aid.figures.freePlaces', { lrgs: summary.capacity.lrgs })}</span>
        </li>
      </ul>
      <AidMap l={l} places={summary.places} corridors={mapCorridors} />
      <Table
        caption={t(l, 'aid.map.tableCaption')}
        head={[t(l, 'aid.fields.status'), t(l, 'aid.figures.needs')]}
      >
        {needStatuses.map((s) => (
          <tr key={s}>
            <th scope="row">{t(l, `aid.needStatus.${s}`)}</th>
            <td class="num">{formatNumber(l, summary.needsByStatus[s])}</td>
          </tr>
        ))}
      </Table>
      <Table
        caption={t(l, 'aid.map.placesCaption')}
        head={[t(l, 'aid.fields.placeName'), t(l, 'aid.map.leastCovered'), t(l, 'aid.figures.needs')]}
      >
        {summary.places.map((p) => (
          <tr key={`${p.name}${p.lat}${p.lon}`}>
            <th scope="row">{p.name}</th>
            <td>{t(l, `aid.needStatus.${p.status}`)}</td>
            <td class="num">{formatNumber(l, p.count)}</td>
          </tr>
        ))}
      </Table>
      {flagged && (
        <section aria-labelledby="flagged-h">
          <h2 id="flagged-h">{t(l, 'aid.deliveries.followUp')}</h2>
          {flagged.length === 0 ? (
            <p>{t(l, 'aid.deliveries.noFollowUp')}</p>
          ) : (
            <Table
              caption={t(l, 'aid.deliveries.followUp')}
              head={[
                t(l, 'aid.shipments.reference'),
                t(l, 'aid.shipments.destination'),
                t(l, 'aid.shipments.sent'),
                t(l, 'aid.allocations.received'),
                t(l, 'aid.deliveries.confirmedAt'),
              ]}
            >
              {flagged.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={`/aid/shipments/${d.shipmentId}`}>{d.reference ?? d.shipmentId.slice(0, 8)}</a>
                  </td>
                  <td>{d.destinationName}</td>
                  <td class="num">{qty(l, d.sentQty)}</td>
                  <td class="num">{qty(l, d.receivedQty)}</td>
                  <td>{day(l, d.confirmedAt)}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      )}
      <h2>{t(l, 'aid.exports.label')}</h2>
      <ul>
        {(['needs', 'deliveries', 'capacity'] as const).map((n) => (
          <li key={n}>
            {t(l, `aid.exports.${n}`)}: <a href={`/aid/exports/${n}.csv`}>CSV</a> ·{' '}
            <a href={`/aid/exports/${n}.json`}>JSON</a> ·{' '}
            <a href={`/aid/exports/${n}.hxl.csv`}>{t(l, 'aid.exports.hxl')}</a>
          </li>
        ))}
      </ul>
    </>
  );
}
