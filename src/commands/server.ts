/** Server commands: INFO, TIME, SHUTDOWN, LOLWUT ... */
import type { CommandSpec } from '../dispatch/command.js';

export const serverCommands: CommandSpec[] = [];
