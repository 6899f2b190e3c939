/** Set commands. */
import type { CommandSpec } from '../dispatch/command.js';

export const setCommands: CommandSpec[] = [];
