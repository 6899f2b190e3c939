import { describe, it } from 'node:test';
import { useDiffServers } from '../helpers/diff.js';

const env = useDiffServers();

describe('connection commands against redis-server', () => {
  it('PING answers PONG, or echoes its argument', async () => {
    const pair = await env.pair();
    await pair.sameAll([['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ping']]);
  });

  it('ECHO returns its argument byte for byte', async () => {
    const pair = await env.pair();
    await pair.sameAll([['ECHO', 'x'], ['ECHO', ''], ['ECHO', Buffer.from([0, 255, 13, 10, 128])], ['ECHO']]);
  });

  it('SELECT switches databases and rejects bad indexes', async () => {
    const pair = await env.pair();
    await pair.sameAll([['SELECT', '1'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'], ['SELECT', '0']]);
  });

  it('an unknown command is refused with its arguments previewed', async () => {
    const pair = await env.pair();
    await pair.sameAll([['FOO'], ['FOO', 'a', 'b c'], ['FOO', 'x'.repeat(200), 'y']]);
  });
});
