import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/process.ts';

/** Every command the issue lists answers --help with its usage, without touching a database. */
const commands = [
  ['serve'],
  ['migrate'],
  ['admin', 'create'],
  ['import', 'cities'],
  ['import', 'organisations'],
  ['demo'],
  ['backup'],
  ['restore'],
  ['verify', 'audit'],
  ['verify', 'ledger'],
  ['talks', 'remind'],
];

describe('peacetalks --help', () => {
  it('lists every command and the environment variables', async () => {
    const r = await runCli(['--help'], { PEACETALKS_DATA_DIR: '.tmp/help-never-created' });
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toMatch(/^Usage: peacetalks/m);
    for (const [name] of commands) expect(r.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(r.stdout).toContain('PEACETALKS_DATA_DIR');
  });

  it.each(commands.map((c) => [c.join(' '), c]))('%s --help', async (name, args) => {
    const r = await runCli([...(args as string[]), '--help'], {
      PEACETALKS_DATA_DIR: '.tmp/help-never-created',
    });
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: peacetalks ${name}\\b`, 'm'));
    // Asking for help neither creates a database nor leaves a server running.
    expect(existsSync('.tmp/help-never-created/pg')).toBe(false);
  });

  it('backup --help says what the archive leaves out', async () => {
    const r = await runCli(['backup', '--help']);
    expect(r.stdout).toContain('pg-boss');
  });
});
