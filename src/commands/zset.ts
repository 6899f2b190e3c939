/** Sorted set commands, blocking ones included. */
import type { CommandSpec } from '../dispatch/command.js';

export const zsetCommands: CommandSpec[] = [];
