import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { create as createTar } from 'tar';
import type { AppServices } from '../http/types.ts';
import { t } from '../i18n/i18n.ts';
import { homeBlocks } from '../module/install.ts';
import { renderPage } from '../ui/layout.tsx';
import { AboutPage } from './about.tsx';
import { ApiDocsPage, type OpenApiDocument } from './api-docs.tsx';
import { HomePage } from './home.tsx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
  .version;

/**
 * What the source download holds: everything needed to run, study and change this instance
 * (AGPL section 13), and nothing from the data folder or installed dependencies.
 */
const SOURCE_ENTRIES = [
  'LICENSE',
  'README.md',
  'ARCHITECTURE.md',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'biome.json',
  'vitest.config.ts',
  'drizzle.config.ts',
  '.ci',
  'bin',
  'bench',
  'drizzle',
  'public',
  'scripts',
  'src',
  'test',
];

export async function siteRoutes(app: FastifyInstance, services: AppServices): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const rendered = await Promise.all(homeBlocks().map((b) => b.render(request, services)));
    const blocks = rendered.filter((b) => b !== null);
    reply.type('text/html; charset=utf-8');
    return renderPage(request, {
      title: t(request.locale, 'site.home.title'),
      children: <HomePage request={request} blocks={blocks} />,
    });
  });

  app.get('/about', { schema: { hide: true } }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    return renderPage(request, {
      title: t(request.locale, 'site.about.title'),
      children: <AboutPage request={request} version={version} />,
    });
  });

  // Rendered from the live OpenAPI document, so it lists whatever routes the modules register.
  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger() as unknown as OpenApiDocument;
    reply.type('text/html; charset=utf-8');
    return renderPage(request, {
      title: t(request.locale, 'site.api.title'),
      children: <ApiDocsPage request={request} doc={doc} />,
    });
  });

  app.get('/source.tar.gz', { schema: { hide: true } }, async (_request, reply) => {
    const entries = SOURCE_ENTRIES.filter((e) => existsSync(path.join(root, e)));
    reply
      .type('application/gzip')
      .header('content-disposition', `attachment; filename="peacetalks-${version}.tar.gz"`)
      .header('cache-control', 'public, max-age=3600');
    return reply.send(
      createTar({ gzip: true, cwd: root, portable: true, prefix: `peacetalks-${version}` }, entries),
    );
  });
}
