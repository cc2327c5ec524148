import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { createUser } from '../auth/index.ts';
import { PASSWORD_MIN } from '../auth/passwords.ts';
import { isAppError } from '../errors.ts';
import { cliLog, withDatabase } from './context.ts';

/** A password nobody chose: 18 random bytes, 24 characters. */
const generatePassword = () => randomBytes(18).toString('base64url');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Ask on the terminal without echoing what is typed. */
async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export interface AdminCreateOptions {
  email: string;
  name: string;
  password?: string;
  generate?: boolean;
}

/** `admin create`: the first administrator of an instance (or another one), from the command line. */
export async function adminCreate(
  opts: AdminCreateOptions,
): Promise<{ userId: string; generated: string | null }> {
  let password = opts.password ?? '';
  if (!password && !opts.generate) {
    password = process.stdin.isTTY
      ? await promptHidden(
          `Password for ${opts.email} (at least ${PASSWORD_MIN} characters; empty: generate one): `,
        )
      : await readStdin();
  }
  const generated = password ? null : generatePassword();
  const userId = await withDatabase(
    async (opened) =>
      createUser(
        opened.database.db,
        { email: opts.email, name: opts.name, password: password || generated!, roles: [{ role: 'admin' }] },
        { actor: null, now: new Date(), requestId: 'cli:admin-create' },
      ),
    {},
  );
  return { userId, generated };
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('manage administrator accounts');
  admin
    .command('create')
    .description(
      'create a user with the admin role; the password comes from --password, standard input or a prompt, or is generated and printed',
    )
    .requiredOption('--email <email>', 'email address to sign in with')
    .requiredOption('--name <name>', 'name shown in the platform')
    .option(
      '--password <password>',
      'password (visible in the shell history: prefer standard input or the prompt)',
    )
    .option('--generate', 'generate a password and print it, without asking')
    .action(async (opts: AdminCreateOptions) => {
      try {
        const { userId, generated } = await adminCreate(opts);
        cliLog(`created administrator ${opts.email} (${userId})`);
        if (generated) process.stdout.write(`password: ${generated}\n`);
      } catch (e) {
        if (!isAppError(e)) throw e;
        const why =
          e.code === 'already_exists'
            ? `a user with the email ${opts.email} already exists (grant them the admin role in /admin/users instead)`
            : e.code === 'validation_failed'
              ? (e.details as { path: string; message: string }[])
                  .map((d) => `${d.path}: ${d.message}`)
                  .join('; ')
              : e.code;
        cliLog(`cannot create the administrator: ${why}`);
        process.exitCode = 1;
      }
    });
}
