/** Generic key commands: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, OBJECT ... */
import type { CommandSpec } from '../dispatch/command.js';

export const keysCommands: CommandSpec[] = [];
