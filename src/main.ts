import { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig } from './core/config.ts';
import type { Platform } from './server.ts';

// `serve` starts the embedded database while the rest of the app loads (about a second of
// module loading): the server is ready when the app asks for it. Any error surfaces there.
const asksForHelp = process.argv.some((a) => a === '--help' || a === '-h');
if (process.argv[2] === 'serve' && !asksForHelp) {
  try {
    const config = loadConfig();
    if (!config.DATABASE_URL) {
      void import('./core/db/embedded.ts')
        .then((m) =>
          m.startEmbedded({
            dataDir: config.dataDir,
            port: config.PEACETALKS_DB_PORT || undefined,
            log: (msg) => process.stderr.write(`peacetalks: ${msg}\n`),
          }),
        )
        .catch(() => undefined);
    }
  } catch {
    /* reported by the command itself */
  }
}

const { installModules } = await import('./core/module/install.ts');
const { modules } = await import('./modules/index.ts');
installModules(modules);
const { registerCommands } = await import('./core/cli/commands.ts');
const { createPlatform, listen, PortInUseError } = await import('./server.ts');

const program = new Command();
program
  .name('peacetalks')
  .description(
    'Peace Talks: dialogues for peace between cities and regions, from sessions to actions that get done.',
  )
  .showHelpAfterError()
  .addHelpText(
    'after',
    `\nEnvironment variables:\n${describeConfig()
      .map(
        (v) =>
          `  ${v.name.padEnd(22)} ${v.description}${v.default !== undefined ? ` (default: ${String(v.default)})` : ''}`,
      )
      .join('\n')}`,
  );

program
  .command('serve')
  .description('start the web server (and the embedded database unless DATABASE_URL is set)')
  .action(async () => {
    const config = loadConfig();
    const log = (m: string) => process.stderr.write(`peacetalks: ${m}\n`);
    // Signals are handled from the start: a Ctrl-C during migrations or seeding also stops cleanly.
    let platform: Platform | undefined;
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal} received, shutting down`);
      // Still starting: the start sees `stopping` and closes what it opened.
      if (!platform) return;
      const force = setTimeout(() => process.exit(1), 15000);
      force.unref();
      try {
        await platform?.close();
        log('stopped cleanly');
        process.exit(0);
      } catch (e) {
        log(`error while stopping: ${String(e)}`);
        process.exit(1);
      }
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    platform = await createPlatform(config, log);
    if (stopping) {
      await platform.close();
      log('stopped cleanly');
      process.exit(0);
    }
    try {
      const address = await listen(platform, config);
      log(`listening on ${address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost')}`);
      const admins = await platform.services.database.pool.query(
        `SELECT 1 FROM user_roles WHERE role = 'admin' LIMIT 1`,
      );
      if (admins.rowCount === 0) {
        log(
          'no administrator yet: create one with  npx peacetalks admin create --email you@example.org --name "Your Name"',
        );
      }
    } catch (e) {
      await platform.close();
      throw e;
    }
  });

registerCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof PortInUseError) {
    process.stderr.write(`peacetalks: ${e.message}\n`);
  } else {
    process.stderr.write(`peacetalks: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(1);
});
