import { describe, it } from 'node:test';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/** A pair of connections switched to RESP3 (HELLO's own reply differs between the servers). */
async function resp3Pair(): Promise<DiffPair> {
  const pair = await env.pair();
  await pair.both('HELLO', '3');
  return pair;
}

describe('COMMAND against redis-server', () => {
  it('COMMAND HELP lists the subcommands, and unknown subcommands are refused', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'HELP'],
      ['command', 'help'],
      ['COMMAND', 'HELP', 'extra'],
      ['COMMAND', 'NOSUCH'],
      ['COMMAND', 'COUNT', 'extra'],
    ]);
  });

  it('COMMAND INFO describes commands by name in any case, nil for unknown names', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'INFO', 'get'],
      ['COMMAND', 'INFO', 'GET', 'nosuch', 'Ping'],
      ['COMMAND', 'INFO', 'command|info'],
      ['COMMAND', 'INFO', 'COMMAND|INFO', 'command|nosuch'],
      ['COMMAND', 'INFO', 'get|x', 'command|', 'command|info|x', '', '|', '|info'],
      ['COMMAND', 'INFO', Buffer.from([0xc9, 0x00, 0xff])],
    ]);
  });

  it('COMMAND INFO answers in RESP3 with sets, maps and nulls', async () => {
    const pair = await resp3Pair();
    await pair.sameAll([
      ['COMMAND', 'INFO', 'get', 'nosuch'],
      ['COMMAND', 'INFO', 'command|getkeys'],
    ]);
  });

  it("COMMAND DOCS gives Redis's documentation, leaving out unknown names", async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'DOCS', 'get'],
      ['COMMAND', 'DOCS', 'nosuch'],
      ['COMMAND', 'DOCS', 'GET', 'nosuch', 'select'],
      ['COMMAND', 'DOCS', 'command|docs', 'COMMAND|LIST'],
      ['COMMAND', 'DOCS', 'get|x', 'command|'],
    ]);
  });

  it('COMMAND DOCS answers in RESP3 with maps and sets', async () => {
    const pair = await resp3Pair();
    await pair.sameAll([
      ['COMMAND', 'DOCS', 'get', 'set'],
      ['COMMAND', 'DOCS', 'nosuch'],
    ]);
  });

  it('COMMAND GETKEYS finds the keys of a full command', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'GETKEYS', 'GET', 'key'],
      ['COMMAND', 'GETKEYS', 'get', Buffer.from([0, 0xff, 13, 10])],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'key'],
    ]);
  });

  it('COMMAND GETKEYS refuses unknown commands, keyless commands and wrong argument counts', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'GETKEYS'],
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'key'],
      ['COMMAND', 'GETKEYS', 'get|x', 'key'],
      ['COMMAND', 'GETKEYS', 'command', 'nosuch', 'x'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'command', 'info', 'x'],
      ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'a', 'b'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'nosuch', 'a'],
    ]);
  });

  it('COMMAND GETKEYSANDFLAGS answers the flags as a RESP3 set', async () => {
    const pair = await resp3Pair();
    await pair.same('COMMAND', 'GETKEYSANDFLAGS', 'get', 'key');
  });

  it('COMMAND LIST accepts one FILTERBY and refuses anything else', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
      ['COMMAND', 'LIST', 'FILTERBY', 'nosuch', 'x'],
      ['COMMAND', 'LIST', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'a*', 'FILTERBY', 'PATTERN', 'b*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'nosuch*'],
      ['command', 'list', 'filterby', 'pattern', 'COMMAND|HELP'],
    ]);
  });
});
