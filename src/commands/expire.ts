/** Expiry commands: EXPIRE family, TTL, PERSIST ... */
import type { CommandSpec } from '../dispatch/command.js';

export const expireCommands: CommandSpec[] = [];
