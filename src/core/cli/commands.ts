import type { Command } from 'commander';
import { registerModuleCommands } from '../module/install.ts';
import { registerAdminCommands } from './admin.ts';
import { registerDataCommands } from './data.ts';
import { registerKernelCommands } from './kernel.ts';

/** Every subcommand besides `serve`: the kernel's, then each installed part's (`commands`). */
export function registerCommands(program: Command): void {
  registerKernelCommands(program);
  registerAdminCommands(program);
  registerDataCommands(program);
  registerModuleCommands(program);
}
