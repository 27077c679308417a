// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { findConfigFile, loadConfig, parseConfig } from './load.ts';
import { DEFAULT_LISTEN, DEFAULT_SERVER_CATALOG, DEFAULT_TIMEOUTS } from './model.ts';
import { configErrorOf, serverOf } from './test-helpers.ts';

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolmesh-config-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('native toolmesh files', () => {
  it('reads YAML with defaults, inferred transports and source lines', () => {
    const text = `servers:
  local:
    command: ./bin/server
    args: [--port, "8080"]
    env: { LOG: debug }
    inheritEnv: [HTTPS_PROXY]
    cwd: work
  remote:
    url: https://mcp.example.com/mcp
    headers: { X-Team: blue }
`;
    const config = parseConfig(text, '/srv/conf/toolmesh.yaml', {});
    assert.equal(config.format, 'toolmesh');
    assert.equal(config.file, '/srv/conf/toolmesh.yaml');
    assert.deepEqual(config.listen, DEFAULT_LISTEN);
    assert.deepEqual(config.warnings, []);
    assert.deepEqual(serverOf(config, 'local'), {
      name: 'local',
      transport: 'stdio',
      command: './bin/server', // commands and args are never rewritten
      args: ['--port', '8080'],
      env: { LOG: 'debug' },
      inheritEnv: ['HTTPS_PROXY'],
      cwd: '/srv/conf/work', // cwd is relative to the file
      headers: {},
      enabled: true,
      prefix: true,
      catalog: DEFAULT_SERVER_CATALOG,
      timeouts: DEFAULT_TIMEOUTS,
      source: { file: '/srv/conf/toolmesh.yaml', line: 2 },
    });
    const remote = serverOf(config, 'remote');
    assert.equal(remote.transport, 'http');
    assert.equal(remote.url, 'https://mcp.example.com/mcp');
    assert.deepEqual(remote.headers, { 'X-Team': 'blue' });
    assert.equal(remote.source.line, 8);
  });

  it('reads JSON with $schema, listen, timeouts, prefix and enabled', () => {
    const text = JSON.stringify({
      $schema: './schema/toolmesh.schema.json',
      listen: { host: '0.0.0.0', port: 9000 },
      servers: {
        a: { command: 'node', args: ['a.js'], prefix: false, timeouts: { callMs: 5000 }, enabled: false },
        b: { transport: 'streamable-http', url: 'http://localhost:3001/mcp', cwd: '/abs' },
      },
    });
    const config = parseConfig(text, 'toolmesh.json', {});
    assert.equal(config.format, 'toolmesh');
    assert.deepEqual(config.listen, { host: '0.0.0.0', port: 9000, allowedHosts: [] });
    const a = serverOf(config, 'a');
    assert.equal(a.prefix, false);
    assert.equal(a.enabled, false);
    assert.deepEqual(a.timeouts, { startupMs: 30_000, callMs: 5000 });
    assert.equal(serverOf(config, 'b').transport, 'http');
    assert.match(config.warnings.join('\n'), /servers\.b: ignored cwd \(not used by http servers\)/);
  });

  it('accepts JSON in a .yaml file and a byte-order mark in a .json file', () => {
    const json = '{"servers": {"a": {"command": "x"}}}';
    assert.equal(parseConfig(json, 'toolmesh.yaml', {}).servers[0]?.command, 'x');
    assert.equal(parseConfig(`\uFEFF${json}`, 'toolmesh.json', {}).servers[0]?.command, 'x');
  });

  it('takes the port from a variable with a default', () => {
    const text = 'listen:\n  port: ${PORT:-7500}\nservers:\n  a: {command: x}\n';
    assert.equal(parseConfig(text, 'toolmesh.yaml', {}).listen.port, 7500);
    assert.equal(parseConfig(text, 'toolmesh.yaml', { PORT: '8001' }).listen.port, 8001);
    const error = configErrorOf(() => parseConfig(text, 'toolmesh.yaml', { PORT: 'eighty' }));
    assert.match(
      error.message,
      /^toolmesh\.yaml:2:\d+ listen\.port: is not a port number after substituting/,
    );
  });

  it('warns when there are no servers', () => {
    assert.match(parseConfig('servers: {}\n', 't.yaml', {}).warnings.join(), /no servers configured/);
  });
});

describe('client files, unchanged', () => {
  it('Claude Desktop: mcpServers beside app settings', () => {
    const text = JSON.stringify({
      globalShortcut: 'Alt+Space',
      preferences: { theme: 'dark' },
      mcpServers: {
        filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me'] },
      },
    });
    const config = parseConfig(text, 'claude_desktop_config.json', {});
    assert.equal(config.format, 'mcpServers');
    assert.equal(serverOf(config, 'filesystem').transport, 'stdio');
    assert.deepEqual(config.warnings, [
      'claude_desktop_config.json: ignored top-level keys globalShortcut, preferences (settings of other apps)',
    ]);
  });

  it('Cursor: url entries are http (sse for a /sse path), envFile is ignored with a warning', () => {
    const text = `{
  "mcpServers": {
    "legacy": { "url": "https://old.example.com/sse?x=1" },
    "remote": { "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer \${env:TOKEN}" } },
    "local": { "command": "uvx", "args": ["mcp-server-fetch"], "envFile": ".env" }
  }
}`;
    const config = parseConfig(text, '.cursor/mcp.json', { TOKEN: 't0k' });
    assert.equal(config.format, 'mcpServers');
    assert.equal(serverOf(config, 'remote').transport, 'http');
    assert.equal(serverOf(config, 'legacy').transport, 'sse');
    assert.equal(serverOf(config, 'remote').headers.Authorization, 'Bearer t0k');
    assert.deepEqual(config.warnings, [
      '.cursor/mcp.json:5 mcpServers.local: ignored envFile (VS Code and Cursor)',
    ]);
  });

  it('VS Code: servers with type, inputs and VS Code-only fields', () => {
    const text = `{
  "inputs": [{ "type": "promptString", "id": "api-key", "description": "API key", "password": true }],
  "servers": {
    "fetch": { "type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"], "sandboxEnabled": true,
               "dev": { "watch": "src/**/*.ts" } },
    "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp/" },
    "legacy": { "type": "sse", "url": "http://localhost:8080/sse", "gallery": true, "version": "1.0.0" }
  }
}`;
    const config = parseConfig(text, '/repo/.vscode/mcp.json', {});
    assert.equal(config.format, 'vscode');
    assert.deepEqual(
      config.servers.map((s) => [s.name, s.transport]),
      [
        ['fetch', 'stdio'],
        ['github', 'http'],
        ['legacy', 'sse'],
      ],
    );
    assert.equal(config.warnings.length, 3);
    assert.match(config.warnings[0] ?? '', /^\/repo\/\.vscode\/mcp\.json:2 inputs: ignored/);
    assert.match(
      config.warnings.join('\n'),
      /servers\.fetch: ignored dev \(VS Code\), sandboxEnabled \(VS Code\)/,
    );
  });

  it('Claude Code .mcp.json: type http with headers and ${VAR:-default} in the url', () => {
    const text = JSON.stringify({
      mcpServers: {
        api: {
          type: 'http',
          url: '${API_BASE_URL:-https://api.example.com}/mcp',
          headers: { Authorization: 'Bearer ${API_KEY}' },
        },
        events: { type: 'sse', url: 'https://events.example.com/sse' },
        tool: { command: 'npx', args: ['-y', 'some-mcp'], env: { KEY: '${API_KEY}' } },
      },
    });
    const config = parseConfig(text, '.mcp.json', { API_KEY: 'k-1' });
    const api = serverOf(config, 'api');
    assert.equal(api.transport, 'http');
    assert.equal(api.url, 'https://api.example.com/mcp');
    assert.deepEqual(api.headers, { Authorization: 'Bearer k-1' });
    assert.equal(serverOf(config, 'events').transport, 'sse');
    assert.deepEqual(serverOf(config, 'tool').env, { KEY: 'k-1' });
    assert.deepEqual(config.warnings, []);
  });

  it('Windsurf serverUrl, Gemini httpUrl, disabled, and the other transport spellings', () => {
    const text = `mcpServers:
  ws: { serverUrl: "https://ws.example.com/mcp", disabled: true, alwaysAllow: [read] }
  gem: { httpUrl: "https://gem.example.com/mcp", timeout: 30000, trust: true }
  camel: { type: streamableHttp, url: "https://c.example.com/mcp" }
`;
    const config = parseConfig(text, 'mcp_config.yaml', {});
    const ws = serverOf(config, 'ws');
    assert.deepEqual([ws.transport, ws.url, ws.enabled], ['http', 'https://ws.example.com/mcp', false]);
    assert.equal(serverOf(config, 'gem').url, 'https://gem.example.com/mcp');
    assert.equal(serverOf(config, 'camel').transport, 'http');
    assert.match(config.warnings.join('\n'), /mcpServers\.gem: ignored timeout \(Gemini CLI/);
  });
});

describe('files on disk', () => {
  it('moves user:password@ from a URL into an Authorization header, and refuses both at once', () => {
    const config = parseConfig(
      'servers:\n  api: {url: "https://bot%40corp:p%3Ass@mcp.example.com/mcp"}\n',
      'f.yaml',
      {},
    );
    const api = serverOf(config, 'api');
    assert.equal(api.url, 'https://mcp.example.com/mcp');
    assert.equal(api.headers.Authorization, `Basic ${Buffer.from('bot@corp:p:ss').toString('base64')}`);
    const error = configErrorOf(() =>
      parseConfig(
        'servers:\n  api:\n    url: https://u:p@mcp.example.com/mcp\n    headers: {authorization: Bearer x}\n',
        'f.yaml',
        {},
      ),
    );
    assert.match(
      error.message,
      /f\.yaml:3:\d+ servers\.api\.url: has user:password@ credentials and headers\.Authorization is set too\. Fix: keep one of them/,
    );
    assert.doesNotMatch(error.message, /u:p@/);
  });

  it('findConfigFile prefers toolmesh.yaml, then .yml, then .json, and ignores directories', () => {
    const dir = tmp();
    assert.equal(findConfigFile(dir), undefined);
    mkdirSync(join(dir, 'toolmesh.yaml'));
    writeFileSync(join(dir, 'toolmesh.json'), '{"servers": {}}');
    assert.equal(findConfigFile(dir), resolve(dir, 'toolmesh.json'));
    writeFileSync(join(dir, 'toolmesh.yml'), 'servers: {}');
    assert.equal(findConfigFile(dir), resolve(dir, 'toolmesh.yml'));
  });

  it('protocol: auto is the default and is not stored; a revision is; 2026-07-28 on SSE is an error', () => {
    const config = parseConfig(
      'servers:\n  a: {command: x}\n  b: {command: x, protocol: auto}\n  c: {command: x, protocol: "2025-11-25"}\n  d: {url: "http://h/mcp", protocol: "2026-07-28"}\n',
      'f.yaml',
      {},
    );
    assert.deepEqual(
      config.servers.map((server) => server.protocol),
      [undefined, undefined, '2025-11-25', '2026-07-28'],
    );
    const bad = configErrorOf(() =>
      parseConfig('servers:\n  a: {command: x, protocol: "2024-11-05"}\n', 'f.yaml', {}),
    );
    assert.equal(
      bad.message,
      'f.yaml:2:19 servers.a.protocol: unknown value. Fix: did you mean "2025-11-25"?',
    );
    const sse = configErrorOf(() =>
      parseConfig('servers:\n  a: {url: "http://h/sse", protocol: "2026-07-28"}\n', 'f.yaml', {}),
    );
    assert.match(
      sse.message,
      /servers\.a\.protocol: is 2026-07-28, which legacy SSE servers do not speak\. Fix: remove protocol, or use a Streamable HTTP url/,
    );
  });

  it('loadConfig reads the file and resolves cwd against its folder', async () => {
    const dir = tmp();
    const file = join(dir, 'toolmesh.yaml');
    writeFileSync(file, 'servers:\n  a:\n    command: x\n    cwd: ./data\n');
    const config = await loadConfig(file, {});
    assert.equal(config.file, file);
    assert.equal(serverOf(config, 'a').cwd, join(dir, 'data'));
  });
});
