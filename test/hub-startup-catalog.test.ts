/**
 * The catalog during start-up: servers getting ready do not each rebuild it (N servers would cost N
 * rebuilds of up to N servers' tools), yet whoever reads it meanwhile sees every server ready so far.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HubConfig } from '../src/config/model.ts';
import { Hub } from '../src/hub.ts';
import { testServerConfig } from '../src/testing/test-hub.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

function echo(name: string, env: Record<string, string> = {}) {
  return testServerConfig({ name, command: nodeBin, args: [fixturePath('echo'), '--stdio'], env });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the catalog during start-up', () => {
  it('is built when read, not as each server gets ready, and once more when start-up settles', async () => {
    const config: HubConfig = {
      servers: [echo('a'), echo('b'), echo('late', { FIXTURE_STARTUP_DELAY_MS: '1500' })],
      listen: { host: '127.0.0.1', port: 0, allowedHosts: [] },
      file: '<test>',
      format: 'toolmesh',
      warnings: [],
    };
    const hub = new Hub(config);
    let builds = 0;
    const build = hub.keeper.build.bind(hub.keeper);
    hub.keeper.build = (sources) => {
      builds += 1;
      return build(sources);
    };
    try {
      const started = hub.start();
      const state = (name: string) => hub.servers().find((server) => server.name === name)?.state;
      await until(() => state('a') === 'ready' && state('b') === 'ready', 'a and b to be ready');
      assert.equal(state('late'), 'starting', 'the late server is still starting');
      assert.equal(builds, 0, 'two servers got ready without a rebuild');

      const served = () => [...hub.catalog.tools.keys()];
      const names = served();
      assert.ok(names.includes('a__echo') && names.includes('b__echo'), names.join());
      assert.equal(names.includes('late__echo'), false);
      assert.equal(builds, 1, 'the read built it');
      served();
      assert.equal(builds, 1, 'a second read with nothing changed does not build again');

      await started;
      assert.equal(builds, 2, 'settling start-up builds the first complete catalog');
      assert.ok(served().includes('late__echo'));
      assert.equal(builds, 2);
    } finally {
      await hub.stop();
    }
  });
});
