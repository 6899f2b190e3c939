import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, protectedModeRefuses } from '../../src/acl/protected-mode.js';

describe('protected-mode decision', () => {
  it('refuses outside addresses only when protected-mode is on and default has no password', () => {
    assert.equal(protectedModeRefuses(true, true, '192.0.2.7'), true);
    assert.equal(protectedModeRefuses(true, true, '2001:db8::1'), true);
    assert.equal(protectedModeRefuses(false, true, '192.0.2.7'), false);
    assert.equal(protectedModeRefuses(true, false, '192.0.2.7'), false);
  });

  it('counts 127.0.0.0/8, ::1, their IPv4-mapped forms and Unix sockets as loopback', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', undefined]) {
      assert.equal(isLoopback(address), true, String(address));
      assert.equal(protectedModeRefuses(true, true, address), false);
    }
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1']) {
      assert.equal(isLoopback(address), false, address);
    }
  });
});
