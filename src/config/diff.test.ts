import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffServers } from './diff.ts';
import { DEFAULT_SERVER_CATALOG, DEFAULT_TIMEOUTS, type ServerConfig } from './model.ts';

const server = (name: string, args: string[] = [], line = 1): ServerConfig => ({
  name,
  transport: 'stdio',
  command: 'node',
  args,
  env: {},
  inheritEnv: [],
  headers: {},
  enabled: true,
  prefix: true,
  timeouts: { ...DEFAULT_TIMEOUTS },
  catalog: DEFAULT_SERVER_CATALOG,
  source: { file: '/x.yaml', line },
});

describe('diffServers', () => {
  it('names added, removed and changed servers, in file order', () => {
    const diff = diffServers(
      [server('a'), server('b'), server('c')],
      [server('a'), server('c', ['-v']), server('d')],
    );
    assert.deepEqual(
      {
        added: diff.added.map((s) => s.name),
        removed: diff.removed,
        changed: diff.changed.map((s) => s.name),
      },
      { added: ['d'], removed: ['b'], changed: ['c'] },
    );
  });

  it('does not count a moved line as a change', () => {
    const diff = diffServers([server('a', [], 3)], [server('a', [], 9)]);
    assert.deepEqual(diff, { added: [], removed: [], changed: [] });
  });

  it('sees a change deep inside the entry (env, timeouts, enabled)', () => {
    const before = server('a');
    for (const after of [
      { ...before, env: { TOKEN: 'x' } },
      { ...before, timeouts: { ...before.timeouts, callMs: 5 } },
      { ...before, enabled: false },
    ]) {
      assert.equal(diffServers([before], [after]).changed.length, 1);
    }
  });
});
