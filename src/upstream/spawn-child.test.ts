import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { defaultEnvironment } from './spawn-child.ts';

describe('spawn-child', () => {
  it("gives children the SDK's safe default environment, also for values that look like shell functions", () => {
    const saved = process.env.TERM;
    try {
      process.env.TERM = 'xterm-test';
      assert.deepEqual(defaultEnvironment(), getDefaultEnvironment());
      process.env.TERM = '() { :; }';
      assert.deepEqual(defaultEnvironment(), getDefaultEnvironment());
      assert.equal(defaultEnvironment().TERM, undefined);
    } finally {
      if (saved === undefined) delete process.env.TERM;
      else process.env.TERM = saved;
    }
  });
});
