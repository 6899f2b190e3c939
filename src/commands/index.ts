/** Every command Kvik implements, by group. The server builds its command table from this list. */
import type { CommandSpec } from '../dispatch/command.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './string.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [...connectionCommands, ...stringCommands];
