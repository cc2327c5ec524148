import type { Command } from 'commander';
import { registerKernelCommands } from './kernel.ts';

/** Every subcommand besides `serve`. Each file adds its own, with its own --help. */
export function registerCommands(program: Command): void {
  registerKernelCommands(program);
}
