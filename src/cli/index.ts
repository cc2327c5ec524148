import type { Command } from 'commander';
import { registerTalksCommands } from '../modules/talks/outputs/index.ts';
import { registerAdminCommands } from './admin.ts';
import { registerDataCommands } from './data.ts';
import { registerImportCommands } from './import.ts';
import { registerKernelCommands } from './kernel.ts';
import { registerLedgerCommands } from './ledger.ts';

/** Every subcommand besides `serve`. Each file adds its own, with its own --help. */
export function registerCommands(program: Command): void {
  registerKernelCommands(program);
  registerLedgerCommands(program);
  registerAdminCommands(program);
  registerImportCommands(program);
  registerDataCommands(program);
  registerTalksCommands(program);
}
