import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppServices } from '../../core/http/types.ts';
import type { ExportSpec } from '../../core/module/manifest.ts';
import { iatiXml, ledgerCsv, ledgerJson } from './exports.ts';

const paths = {
  csv: '/fund/exports/ledger.csv',
  hxl: '/fund/exports/ledger.hxl.csv',
  json: '/fund/exports/ledger.json',
  iati: '/fund/exports/iati.xml',
} as const;

/** The fund's open data, as the manifest declares it (API description, open-data index). */
export const fundExports: ExportSpec[] = [
  {
    name: 'ledger',
    path: paths.csv,
    formats: ['csv'],
    description: 'Every ledger transaction, oldest first: parties, amount, currency, rate, memo, hash',
    access: 'public',
  },
  {
    name: 'ledger-hxl',
    path: paths.hxl,
    formats: ['hxl'],
    description: 'The ledger as CSV with a row of HXL hashtags, for humanitarian data tools',
    access: 'public',
  },
  {
    name: 'ledger-json',
    path: paths.json,
    formats: ['json'],
    description: 'Every ledger transaction with its lines and hashes, oldest first',
    access: 'public',
  },
  {
    name: 'iati',
    path: paths.iati,
    formats: ['xml'],
    description: 'The fund as one IATI 2.03 activity: participating organisations and every transaction',
    access: 'public',
  },
];

const hide = { schema: { hide: true } };

function attachment(reply: FastifyReply, type: string, name: string) {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store');
}

/** Open data of the fund, for anyone: `/fund/exports/ledger.{csv,hxl.csv,json}` and `/fund/exports/iati.xml`. */
export async function fundExportRoutes(app: FastifyInstance, _services: AppServices): Promise<void> {
  app.get(paths.csv, hide, async (request, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', 'fund-ledger.csv').send(ledgerCsv(request.ctx())),
  );
  app.get(paths.hxl, hide, async (request, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', 'fund-ledger.hxl.csv').send(
      ledgerCsv(request.ctx(), { hxl: true }),
    ),
  );
  app.get(paths.json, hide, async (request, reply) =>
    attachment(reply, 'application/json; charset=utf-8', 'fund-ledger.json').send(ledgerJson(request.ctx())),
  );
  app.get(paths.iati, hide, async (request, reply) =>
    attachment(reply, 'application/xml; charset=utf-8', 'fund-iati-activity.xml').send(
      iatiXml(request.ctx(), new Date()),
    ),
  );
}
