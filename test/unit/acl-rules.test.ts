import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Acl } from '../../src/acl/acl.js';
import { describeUser } from '../../src/acl/describe.js';
import { mergeSelectorArgs } from '../../src/acl/acl.js';
import type { AclUser } from '../../src/acl/user.js';
import { ALL_COMMANDS } from '../../src/commands/index.js';
import { CommandTable } from '../../src/dispatch/table.js';

function newAcl(): Acl {
  return new Acl(new CommandTable(ALL_COMMANDS), {
    allChannelsByDefault: () => false,
    logMaxLength: () => 128,
    clients: () => [],
    disconnect: () => undefined,
  });
}

/** A user from rules, or the error of the first rule that fails. */
function userFrom(acl: Acl, name: string, rules: string[]): AclUser {
  const error = acl.setUser(name, rules, null);
  assert.equal(error, null);
  return acl.get(name)!;
}

const RULES = [
  'on',
  'off',
  'nopass',
  'resetpass',
  '>a',
  '>b',
  'allkeys',
  'resetkeys',
  '~k*',
  '%R~r*',
  '%W~w*',
  'allchannels',
  'resetchannels',
  '&c*',
  '+@all',
  '-@all',
  '+@read',
  '-@write',
  '+@string',
  '-@dangerous',
  '+@connection',
  '+get',
  '-get',
  '+set',
  '+config|get',
  '-config|set',
  '+client',
  '-client|kill',
  '+select|0',
  '+debug|digest',
  'allcommands',
  'nocommands',
  'reset',
  '(~s* +get)',
  '(+@list %W~l*)',
  'sanitize-payload',
];

describe('ACL rules and their description', () => {
  it('the description of any user, applied to a new user, describes it the same way', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...RULES), { maxLength: 12 }), (rules) => {
        const acl = newAcl();
        // One rule at a time: a refused rule (a pattern after allkeys ...) changes nothing.
        for (const rule of rules) acl.setUser('u', [rule], null);
        const original = userFrom(acl, 'u', []);
        const text = describeUser(original);
        const merged = mergeSelectorArgs(text.split(' '));
        assert.ok(Array.isArray(merged));
        const copy = userFrom(acl, 'copy', merged);
        assert.equal(describeUser(copy), text);
        for (let i = 0; i < original.selectors.length; i++) {
          assert.deepEqual(copy.selectors[i].allowed, original.selectors[i].allowed);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the default user is on, passwordless and allowed everything', () => {
    const acl = newAcl();
    assert.equal(describeUser(acl.defaultUser), 'on nopass ~* &* +@all');
    assert.equal(acl.defaultUser.unrestricted, true);
    acl.setDefaultPassword('secret');
    assert.match(describeUser(acl.defaultUser), /^on #[0-9a-f]{64} ~\* &\* \+@all$/);
    assert.equal(acl.authenticate('default', 'secret'), acl.defaultUser);
    assert.equal(acl.authenticate('default', 'other'), null);
  });

  it('unrestricted is true only while one selector allows every command, key and channel', () => {
    const acl = newAcl();
    const user = userFrom(acl, 'u', ['+@all', '~*']);
    assert.equal(user.unrestricted, false);
    userFrom(acl, 'u', ['&*']);
    assert.equal(user.unrestricted, true);
    userFrom(acl, 'u', ['-get', '+get']);
    assert.equal(user.unrestricted, false);
    userFrom(acl, 'u', ['(+@all ~* &*)']);
    assert.equal(user.unrestricted, true);
  });

  it('selectors spread over several arguments are merged, and an unclosed one is reported', () => {
    assert.deepEqual(mergeSelectorArgs(['on', '(~a', '+get)', '(+set)']), [
      'on',
      '(~a +get)',
      '(+set)',
    ]);
    assert.equal(mergeSelectorArgs(['on', '(~a', '+get']), 1);
  });
});
