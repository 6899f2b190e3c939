import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CliConnection } from '../../src/cli/connection.js';
import { CommandHelp } from '../../src/cli/help.js';
import type { Reply } from '../../src/cli/reply.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import { redisCli } from './harness.js';

let reference: ReferenceServer;
let help: CommandHelp;
let docs: Reply;

before(async () => {
  reference = await startReference();
  const conn = await CliConnection.open({ host: '127.0.0.1', port: reference.port });
  docs = await conn.call('COMMAND', 'DOCS');
  conn.close();
  help = CommandHelp.fromDocs(docs);
});

after(async () => {
  await reference?.close();
});

/** Every command and subcommand name in the docs: ['GET'], ['CONFIG', 'GET'] ... */
function commandNames(): string[][] {
  const names: string[][] = [];
  const items = docs.type === 'array' ? docs.items : [];
  for (let i = 0; i < items.length; i += 2) {
    const name = (items[i] as { value: string }).value;
    names.push([name]);
    const fields = items[i + 1].type === 'array' ? (items[i + 1] as { items: Reply[] }).items : [];
    const at = fields.findIndex((field) => field.type === 'bulk' && field.value === 'subcommands');
    const subcommands =
      at >= 0 && fields[at + 1].type === 'array'
        ? (fields[at + 1] as { items: Reply[] }).items
        : [];
    for (let j = 0; j < subcommands.length; j += 2) {
      names.push([name, (subcommands[j] as { value: string }).value.split('|')[1]]);
    }
  }
  return names;
}

/** Asserts Kvik's help equals redis-cli's for these requests, typed into one redis-cli session. */
async function assertSameHelp(requests: string[][]): Promise<void> {
  const stdin = requests.map((words) => `help ${words.join(' ')}\n`).join('');
  const { stdout } = await redisCli(reference.port, [], { stdin });
  assert.equal(requests.map((words) => help.output(words)).join(''), stdout);
}

describe('kvik cli help, built from COMMAND DOCS', () => {
  it('"help <command>" prints what redis-cli prints, for every command and subcommand', async () => {
    const names = commandNames();
    assert.ok(names.length > 300);
    await assertSameHelp(names);
    await assertSameHelp([['config'], ['CLIENT', 'kill'], ['nosuchcommand'], ['get', 'extra']]);
  });

  it('"help @<group>" lists the commands of the group as redis-cli does', async () => {
    const groups = [
      'generic',
      'string',
      'list',
      'set',
      'sorted-set',
      'hash',
      'pubsub',
      'transactions',
      'connection',
      'server',
      'scripting',
      'hyperloglog',
      'cluster',
      'geo',
      'stream',
      'bitmap',
      'nosuchgroup',
    ];
    await assertSameHelp(groups.map((group) => [`@${group}`]));
    await assertSameHelp([['@STRING'], ['@Sorted-Set']]);
  });

  it('help reads the same from RESP3 maps as from RESP2 arrays', async () => {
    const conn = await CliConnection.open({ host: '127.0.0.1', port: reference.port });
    await conn.call('HELLO', '3');
    const resp3 = CommandHelp.fromDocs(await conn.call('COMMAND', 'DOCS'));
    conn.close();
    for (const words of [['set'], ['client', 'kill'], ['@string'], ['xadd']]) {
      assert.equal(resp3.output(words), help.output(words));
    }
  });

  it('hints show the arguments not typed yet, as redis-cli 7.0 shows them', () => {
    const setHint =
      'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]';
    const cases: [string, string | null][] = [
      ['set', ` ${setHint}`],
      ['SET ', setHint],
      [' set ', setHint],
      ['set "a b" ', setHint.slice('key '.length)],
      ['set "a b"', ` ${setHint.slice('key '.length)}`],
      ['set k v ', setHint.slice('key value '.length)],
      ['config', ' '],
      ['config ', ''],
      ['config get', ' parameter [parameter ...]'],
      ['config get x', ' [parameter ...]'],
      ['config get x y', ' [parameter ...]'],
      ['client k', ' '],
      ['get k j ', ''],
      ['zadd k 1 ', '[NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]'],
      ['nosuchcommand ', null],
      ['', null],
      ['"unbalanced', null],
      ['help ', null],
    ];
    for (const [line, expected] of cases)
      assert.equal(help.hint(line), expected, JSON.stringify(line));
  });

  it('completes command names, and help topics after "help "', () => {
    assert.deepEqual(help.complete('lastsa'), ['LASTSAVE']);
    assert.deepEqual(help.complete('config re'), ['CONFIG RESETSTAT', 'CONFIG REWRITE']);
    assert.deepEqual(help.complete('help @hyper'), ['help @hyperloglog']);
    assert.ok(help.complete('help  pfm').includes('help  PFMERGE'));
    assert.deepEqual(help.complete('@str'), []);
  });

  it('without COMMAND DOCS only the empty line is printed', () => {
    assert.equal(CommandHelp.empty().output(['get']), '\r\n');
  });
});
