import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './load.ts';
import { serverOf } from './test-helpers.ts';
import { buildJsonSchema, JSON_SCHEMA_PATH, renderJsonSchema } from './write-json-schema.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');

describe('published JSON Schema', () => {
  it('is in sync with the zod schema (run `npm run schema` after changing schema.ts)', () => {
    assert.equal(readFileSync(JSON_SCHEMA_PATH, 'utf8'), renderJsonSchema());
  });

  it('is 2020-12 with a title, and describes both file forms', () => {
    const schema = buildJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'ToolMesh configuration');
    assert.equal((schema.anyOf as unknown[]).length, 2);
  });
});

describe('examples', () => {
  it('basic: validates; defaults apply; an unset token fails only its own server', async () => {
    const file = join(EXAMPLES, 'basic/toolmesh.yaml');
    assert.match(
      readFileSync(file, 'utf8'),
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/toolmesh\.schema\.json/,
    );
    const config = await loadConfig(file, {});
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 7420 });
    assert.equal(serverOf(config, 'memory').problem, undefined);
    assert.equal(serverOf(config, 'files').cwd, join(EXAMPLES, 'demo/files'));
    assert.match(
      serverOf(config, 'github').problem ?? '',
      /^unset variable GITHUB_TOKEN in .*toolmesh\.yaml:28 \(servers\.github\.headers\.Authorization\)/,
    );
    assert.deepEqual(config.warnings, []);

    const withToken = await loadConfig(file, { GITHUB_TOKEN: 'ghp_example', TOOLMESH_PORT: '8000' });
    assert.equal(withToken.listen.port, 8000);
    assert.deepEqual(serverOf(withToken, 'github').headers, { Authorization: 'Bearer ghp_example' });
  });

  it('claude-desktop: loads unchanged; globalShortcut is only a warning', async () => {
    const config = await loadConfig(join(EXAMPLES, 'claude-desktop/claude_desktop_config.json'), {});
    assert.equal(config.format, 'mcpServers');
    assert.deepEqual(
      config.servers.map((s) => [s.name, s.transport]),
      [
        ['memory', 'stdio'],
        ['filesystem', 'stdio'],
        ['everything', 'stdio'],
      ],
    );
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0] ?? '', /ignored top-level keys globalShortcut/);
  });

  it('replicas: three replicas of mixed transports, with routing and resilience options', async () => {
    const config = await loadConfig(join(EXAMPLES, 'replicas/toolmesh.yaml'), {});
    const server = serverOf(config, 'everything');
    assert.deepEqual(
      server.replicas?.map((replica) => [replica.transport, replica.weight]),
      [
        ['stdio', 1],
        ['stdio', 2],
        ['http', 1],
      ],
    );
    assert.equal(server.replicas?.[2]?.url, 'http://127.0.0.1:3001/mcp');
    assert.equal(server.resilience?.routing.strategy, 'least-pending');
    assert.deepEqual(server.resilience?.breaker, {
      failures: 5,
      halfOpenAfterMs: 30000,
      halfOpenCalls: 3,
      successes: 2,
    });
    assert.deepEqual([...(server.resilience?.idempotentTools ?? [])], ['echo', 'get-sum']);
    assert.equal(server.timeouts.maxTotalMs, 60000);
    assert.deepEqual(config.warnings, []);
  });
});
