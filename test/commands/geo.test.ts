import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';

const harness = useHarness();

const PALERMO = ['13.361389', '38.115556', 'Palermo'];
const CATANIA = ['15.087269', '37.502669', 'Catania'];
const SEARCH = ['FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km'];

describe('geo commands propagation', () => {
  it('GEOADD propagates as the ZADD it runs, with the geohash scores, and only when it changes something', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.propagationOf(
        ['GEOADD', 'Sicily', ...PALERMO, ...CATANIA],
        ['GEOADD', 'Sicily', 'NX', 'CH', ...PALERMO],
        ['GEOADD', 'Sicily', 'xx', 'ch', '13', '38', 'Palermo'],
        ['GEOADD', 'Sicily', 'XX', '13', '38', 'Palermo'],
        ['GEOADD', 'Sicily', 'NX', '1', '1', 'Palermo'],
      ),
      [
        '0:zadd Sicily 3479099956230698 Palermo 3479447370796909 Catania',
        '0:zadd Sicily xx ch 3479065152021743 Palermo',
      ],
    );
    assert.deepEqual(await h.propagationOf(['GEOADD', 'edge', '180', '85.05112878', 'ne']), [
      '0:zadd edge 13510798882111488 ne',
    ]);
  });

  it('searches propagate only when they store, as themselves', async () => {
    const h = await harness();
    await h.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA);
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['GEOSEARCH', 'Sicily', ...SEARCH],
        ['GEORADIUS', 'Sicily', '15', '37', '200', 'km'],
        ['GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'none'],
        ['GEOSEARCHSTORE', 'dst', 'Sicily', ...SEARCH, 'STOREDIST'],
        ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'r'],
      ),
      [
        '0:GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km STOREDIST',
        '0:GEORADIUS Sicily 15 37 200 km STORE r',
      ],
    );
  });
});

describe('geo commands keyspace events and dirty counter', () => {
  it('GEOADD raises zadd, a stored search geosearchstore or georadiusstore, an empty one del', async () => {
    const h = await harness();
    assert.deepEqual(await h.eventsOf(['GEOADD', 'Sicily', ...PALERMO, ...CATANIA]), [
      'z:zadd:Sicily@0',
    ]);
    assert.deepEqual(
      await h.eventsOf(
        ['GEOSEARCHSTORE', 'a', 'Sicily', ...SEARCH],
        ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'b'],
        ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'STORE', 'c'],
        ['GEOSEARCHSTORE', 'a', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'm'],
        ['GEORADIUS', 'none', '0', '0', '1', 'm', 'STORE', 'b'],
        ['GEOSEARCH', 'Sicily', ...SEARCH],
      ),
      [
        'z:geosearchstore:a@0',
        'z:georadiusstore:b@0',
        'z:georadiusstore:c@0',
        'g:del:a@0',
        'g:del:b@0',
      ],
    );
  });

  it('a stored search counts one change per member stored', async () => {
    const h = await harness();
    await h.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA);
    const before = h.server.keyspace.dirty;
    await h.call('GEOSEARCHSTORE', 'dst', 'Sicily', ...SEARCH);
    assert.equal(h.server.keyspace.dirty - before, 2);
    await h.call('GEOSEARCH', 'Sicily', ...SEARCH);
    assert.equal(h.server.keyspace.dirty - before, 2);
  });

  it('a stored search makes a transaction watching its destination fail', async () => {
    const h = await harness();
    await h.call('GEOADD', 'Sicily', ...PALERMO, ...CATANIA);
    await h.call('WATCH', 'dst');
    await h.call('GEOSEARCHSTORE', 'dst', 'Sicily', ...SEARCH);
    await h.call('MULTI');
    await h.call('PING');
    assert.equal(await h.call('EXEC'), '*-1\r\n');
  });
});
