/** COMMAND and its subcommands, answered from the declarations. */
import type { CommandSpec } from '../dispatch/command.js';

export const commandCommands: CommandSpec[] = [];
