import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';

const css = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'outputs.css'), 'utf8');
// Part of the address so that a new version is fetched at once despite the long cache lifetime.
const version = createHash('sha256').update(css).digest('hex').slice(0, 10);
export const OUTPUTS_CSS = `/talks/outputs-${version}.css`;

/** The stylesheet of the Talks outputs (summary print styles, diffs), linked from the page body. */
export function OutputsStyles(): VNode {
  return <link rel="stylesheet" href={OUTPUTS_CSS} />;
}

export function stylesRoute(app: FastifyInstance): void {
  app.get(OUTPUTS_CSS, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=604800, immutable')
      .send(css),
  );
}
