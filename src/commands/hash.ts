/** Hash commands. */
import type { CommandSpec } from '../dispatch/command.js';

export const hashCommands: CommandSpec[] = [];
