/**
 * What the meta tests check Kvik against: every command and subcommand the declarations hold, and
 * connections to both servers in RESP2 and RESP3.
 */
import { ALL_COMMANDS } from '../../src/commands/index.js';
import { LATER_COMMANDS, commandDocs } from '../../src/commands/docs.js';
import { CommandTable, type Command } from '../../src/dispatch/table.js';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

/** Every declared command, each container followed by its subcommands. */
export function declaredCommands(): Command[] {
  const table = new CommandTable(ALL_COMMANDS);
  const commands: Command[] = [];
  for (const command of table.all()) {
    commands.push(command);
    if (command.subcommands !== null) commands.push(...command.subcommands.values());
  }
  return commands;
}

/** Whether redis-server 7.0 has this command (else it comes from a later Redis version). */
export function inRedis70(fullName: string): boolean {
  return commandDocs(fullName) !== undefined && !(fullName in LATER_COMMANDS);
}

/** Connections to redis-server and Kvik, by RESP version. */
export type ProtocolPairs = ReadonlyMap<2 | 3, DiffPair>;

/**
 * Starts both servers for the file; the returned function opens (once) a RESP2 and a RESP3 pair
 * of connections.
 */
export function useProtocolPairs(): () => Promise<ProtocolPairs> {
  const env = useDiffServers();
  let pairs: Promise<ProtocolPairs> | null = null;
  const open = async (): Promise<ProtocolPairs> => {
    const resp2 = await env.pair();
    const resp3 = await env.pair();
    for (const client of [resp3.redis, resp3.kvik]) {
      const hello = await client.call('HELLO', '3');
      if (!hello.startsWith('%')) throw new Error(`HELLO 3 failed: ${hello}`);
    }
    return new Map([
      [2, resp2],
      [3, resp3],
    ]);
  };
  return () => (pairs ??= open());
}

/** Escapes a command name for use in a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
