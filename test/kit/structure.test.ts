import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The edges of the parts, checked on the sources: what a reviewer would otherwise have to remember. */
const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) return n === 'locales' ? [] : sources(p);
    return /\.tsx?$/.test(n) ? [p] : [];
  });
}

const DIRECTORY_TABLES =
  /\b(?:FROM|JOIN|INTO|UPDATE)\s+(organisations|memberships|people|person_roles|person_contacts)\b/g;

describe('edges between the parts', () => {
  it('no part but the directory writes SQL on the directory tables (it uses the read API)', () => {
    const outside = [
      ...sources(path.join(root, 'src/core')),
      ...readdirSync(path.join(root, 'src/modules'))
        .filter((p) => p !== 'directory' && statSync(path.join(root, 'src/modules', p)).isDirectory())
        .flatMap((p) => sources(path.join(root, 'src/modules', p))),
    ].filter((f) => !/\.test\.tsx?$|test-support|test-fixtures/.test(f));
    const found = outside.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(DIRECTORY_TABLES)].map(
        (m) => `${path.relative(root, file)}: ${m[0]}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('the kernel imports no part, and no part imports the entry points above it', () => {
    const up = sources(path.join(root, 'src')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(root, file);
      const bad: string[] = [];
      if (rel.startsWith('src/core/') && /from '[^']*\/modules\//.test(text))
        bad.push(`${rel} imports a part`);
      if (rel.startsWith('src/modules/') && /from '[^']*\/(server|main)\.ts'/.test(text))
        bad.push(`${rel} imports an entry point`);
      return bad;
    });
    expect(up).toEqual([]);
  });
});
