import type { FastifyInstance } from 'fastify';
import { security, typed } from '../../core/http/api-kit.ts';
import type { AppServices } from '../../core/http/types.ts';
import type { ExportSpec } from '../../core/module/manifest.ts';
import {
  type ExportFormat,
  type ExportName,
  exportFormats,
  exportNames,
  exportTables,
  render,
} from './exports.ts';

const types: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  'hxl.csv': 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};
const formatOf = { csv: 'csv', json: 'json', 'hxl.csv': 'hxl' } as const;

const about: Record<ExportName, Pick<ExportSpec, 'description' | 'access'>> = {
  needs: {
    description:
      'Needs of communities (public aid appeals): item, quantity, cluster, priority, place, coverage',
    access: 'public',
  },
  deliveries: {
    description: 'Confirmed deliveries, one row per item: sent, received, difference, follow-up',
    access: 'signed_in',
  },
  capacity: {
    description:
      'Reception capacity of border LRGs for displaced people, by group and date (aggregates only)',
    access: 'public',
  },
};

const pathOf = (name: ExportName, format: ExportFormat) => `/aid/exports/${name}.${format}`;

/** Every download of the aid centre, one per table and format, as the manifest declares them. */
export const aidExports: ExportSpec[] = exportNames.flatMap((name) =>
  exportFormats.map((format) => ({
    name: format === 'csv' ? name : `${name}-${formatOf[format]}`,
    path: pathOf(name, format),
    formats: [formatOf[format]],
    ...about[name],
  })),
);

/** `/aid/exports/{needs,deliveries,capacity}.{csv,json,hxl.csv}` */
export async function aidExportRoutes(fastify: FastifyInstance, _services: AppServices): Promise<void> {
  const app = typed(fastify);
  for (const name of exportNames) {
    for (const format of exportFormats) {
      app.get(
        pathOf(name, format),
        {
          schema: {
            tags: ['aid'],
            summary: `Export ${name} as ${format === 'hxl.csv' ? 'HXL-tagged CSV (hashtag row under the header)' : format.toUpperCase()}${about[name].access === 'signed_in' ? ' (signed-in readers)' : ''}`,
            produces: [format === 'json' ? 'application/json' : 'text/csv'],
            ...(about[name].access === 'signed_in' ? { security } : {}),
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
