import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import { iatiXml, ledgerCsv, ledgerJson } from './exports.ts';

const hide = { schema: { hide: true } };

function attachment(reply: FastifyReply, type: string, name: string) {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store');
}

/** Open data of the fund, for anyone: `/fund/exports/ledger.{csv,hxl.csv,json}` and `/fund/exports/iati.xml`. */
export async function fundExportRoutes(app: FastifyInstance, _services: AppServices): Promise<void> {
  app.get('/fund/exports/ledger.csv', hide, async (request, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', 'fund-ledger.csv').send(ledgerCsv(request.ctx())),
  );
  app.get('/fund/exports/ledger.hxl.csv', hide, async (request, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', 'fund-ledger.hxl.csv').send(
      ledgerCsv(request.ctx(), { hxl: true }),
    ),
  );
  app.get('/fund/exports/ledger.json', hide, async (request, reply) =>
    attachment(reply, 'application/json; charset=utf-8', 'fund-ledger.json').send(ledgerJson(request.ctx())),
  );
  app.get('/fund/exports/iati.xml', hide, async (request, reply) =>
    attachment(reply, 'application/xml; charset=utf-8', 'fund-iati-activity.xml').send(
      iatiXml(request.ctx(), new Date()),
    ),
  );
}
