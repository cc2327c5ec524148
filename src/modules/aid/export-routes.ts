import type { FastifyInstance } from 'fastify';
import { security, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import { type ExportFormat, type ExportName, exportFormats, exportTables, render } from './exports.ts';

const types: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  'hxl.csv': 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** `/aid/exports/{needs,deliveries,capacity}.{csv,json,hxl.csv}` */
export async function aidExportRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  for (const name of Object.keys(exportTables) as ExportName[]) {
    for (const format of exportFormats) {
      app.get(
        `/aid/exports/${name}.${format}`,
        {
          schema: {
            tags: ['aid'],
            summary: `Export ${name} as ${format === 'hxl.csv' ? 'HXL-tagged CSV (hashtag row under the header)' : format.toUpperCase()}${name === 'deliveries' ? ' (signed-in readers)' : ''}`,
            produces: [format === 'json' ? 'application/json' : 'text/csv'],
            ...(name === 'deliveries' ? { security } : {}),
          },
        },
        async (request, reply) => {
          const body = render(await exportTables[name](request.ctx()), format);
          return reply
            .type(types[format])
            .header('content-disposition', `attachment; filename="aid-${name}.${format}"`)
            .header('cache-control', 'no-store')
            .send(body);
        },
      );
    }
  }
}
