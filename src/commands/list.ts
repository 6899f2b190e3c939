/** List commands, blocking ones included. */
import type { CommandSpec } from '../dispatch/command.js';

export const listCommands: CommandSpec[] = [];
