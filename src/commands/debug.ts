/** DEBUG and its subcommands (behind enable-debug-command). */
import type { CommandSpec } from '../dispatch/command.js';

export const debugCommands: CommandSpec[] = [];
