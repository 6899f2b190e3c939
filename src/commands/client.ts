/** CLIENT and its subcommands. */
import type { CommandSpec } from '../dispatch/command.js';

export const clientCommands: CommandSpec[] = [];
