import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposedName, VALID_NAME } from './naming.ts';

describe('exposedName', () => {
  it('prefixes with the server name by default', () => {
    assert.equal(exposedName('github', 'create_issue', true), 'github__create_issue');
  });

  it('keeps the name unchanged with prefix: false', () => {
    assert.equal(exposedName('github', 'create_issue', false), 'create_issue');
  });

  it('sanitises invalid characters and adds a hash so merged spellings stay distinct', () => {
    const dotted = exposedName('my.server', 'read', true);
    const colon = exposedName('my:server', 'read', true);
    assert.match(dotted, VALID_NAME);
    assert.match(dotted, /^my_server__read_[0-9a-f]{8}$/);
    assert.notEqual(dotted, colon);
  });

  it('shortens long names deterministically to 64 characters', () => {
    const long = `tool_${'x'.repeat(100)}`;
    const a = exposedName('server', long, true);
    assert.equal(a.length, 64);
    assert.match(a, VALID_NAME);
    assert.equal(exposedName('server', long, true), a);
    assert.notEqual(exposedName('server', `${long}y`, true), a);
  });

  it('turns an empty or all-invalid name into a valid one', () => {
    assert.match(exposedName('s', '', false), VALID_NAME);
    assert.match(exposedName('s', 'ツール', false), VALID_NAME);
  });
});
