/** CONFIG and its subcommands. */
import type { CommandSpec } from '../dispatch/command.js';

export const configCommands: CommandSpec[] = [];
