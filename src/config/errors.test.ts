import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatIssue } from './config-error.ts';
import { loadConfig, MAX_CONFIG_BYTES, parseConfig } from './load.ts';
import { configErrorOf, configErrorOfAsync } from './test-helpers.ts';

const yaml = (text: string) => configErrorOf(() => parseConfig(text, 'toolmesh.yaml', {}));
const json = (text: string) => configErrorOf(() => parseConfig(text, 'toolmesh.json', {}));

describe('unknown fields', () => {
  it('are errors with a did-you-mean and the exact position', () => {
    const error = yaml('servers:\n  github:\n    comand: npx\n');
    assert.equal(
      error.message,
      'toolmesh.yaml:3:5 servers.github.comand: unknown field. Fix: did you mean "command"?',
    );
    assert.deepEqual(error.issues[0], {
      file: 'toolmesh.yaml',
      line: 3,
      column: 5,
      path: 'servers.github.comand',
      message: 'unknown field',
      fix: 'did you mean "command"?',
    });
  });

  it('suggest words other tools use, and list the known fields when nothing is close', () => {
    assert.match(yaml('servers:\n  a: {command: x, environment: {}}\n').message, /did you mean "env"\?/);
    assert.match(yaml('servers:\n  a: {command: x, Headers: {}}\n').message, /did you mean "headers"\?/);
    const error = yaml('servers:\n  a: {command: x, frobnicate: 1}\n');
    assert.match(
      error.message,
      /frobnicate: unknown field\. Fix: remove it \(known fields: type, transport, command/,
    );
    assert.ok(!error.message.includes('alwaysAllow'), 'foreign keys are not advertised');
    assert.match(
      yaml('servers:\n  a:\n    command: x\n    timeouts: {callMS: 5}\n').message,
      /did you mean "callMs"/,
    );
  });

  it('at the top level are errors in toolmesh and VS Code files', () => {
    assert.match(
      yaml('servers: {}\nlisten: {}\nlog: debug\n').message,
      /^toolmesh\.yaml:3:1 log: unknown field/,
    );
    assert.match(yaml('servers: {}\nlistne: {}\n').message, /did you mean "listen"/);
    const vscode = configErrorOf(() => parseConfig('{"servers": {}, "foo": 1}', '.vscode/mcp.json', {}));
    assert.match(vscode.message, /foo: unknown field/);
  });
});

describe('syntax errors', () => {
  it('YAML: reported with line and column, with advice', () => {
    const error = yaml('servers:\n  a:\n    command: x\n   args: [\n');
    assert.equal(error.issues.length, 1);
    assert.match(error.message, /^toolmesh\.yaml:4:\d+: invalid YAML: .*\. Fix: /);
    assert.match(
      yaml('servers:\n\ta: {command: x}\n').message,
      /^toolmesh\.yaml:2:1: invalid YAML: .*Fix: indent with spaces/,
    );
  });

  it('JSON: line:col computed from the position, with the usual mistakes named', () => {
    const cases: [string, string][] = [
      ['{\n  "mcpServers": {\n    "a": {"command": "x"},\n  }\n}', '3:26: invalid JSON: trailing comma'],
      ['{\n  // my servers\n  "servers": {}\n}', '2:3: invalid JSON: comments are not allowed'],
      ['{"servers": {"a": {"command": tru}}}', '1:31: invalid JSON: expected a value'],
      ['{"servers": {"a": {"command": "C:\\Tools\\x.exe"}}}', '1:34: invalid JSON: invalid escape sequence'],
      ["{'servers': {}}", '1:2: invalid JSON: expected a property name'],
      ['{"servers": {}', '1:15: invalid JSON: unexpected end of file'],
      ['{"servers": {}} x', '1:17: invalid JSON: unexpected text after the end'],
    ];
    for (const [text, expected] of cases)
      assert.match(json(text).message, new RegExp(`^toolmesh\\.json:${expected}`));
  });
});

describe('the file itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolmesh-errors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('missing: fix says to create it or pass --config', async () => {
    const error = await configErrorOfAsync(() => loadConfig(join(dir, 'nope.yaml'), {}));
    assert.match(error.message, /nope\.yaml: file not found\. Fix: create it .* or pass --config <file>$/);
  });

  it('a directory, a FIFO, larger than 16 MiB, empty, only comments', async () => {
    assert.match((await configErrorOfAsync(() => loadConfig(dir, {}))).message, /is a directory/);
    if (process.platform !== 'win32') {
      const fifo = join(dir, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      assert.match((await configErrorOfAsync(() => loadConfig(fifo, {}))).message, /not a regular file/);
    }
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, MAX_CONFIG_BYTES + 1); // sparse: cheap to create
    assert.match((await configErrorOfAsync(() => loadConfig(big, {}))).message, /larger than 16 MiB/);
    for (const text of ['', '  \n\n', '# nothing here\n']) {
      assert.match(yaml(text).message, /^toolmesh\.yaml: file is empty\. Fix: add a servers: map/);
    }
  });

  it('top level not a map, no servers key, both keys', () => {
    assert.match(yaml('- a\n- b\n').message, /\(top level\): must be a map of settings/);
    assert.match(json('42').message, /\(top level\): must be a map/);
    const none = yaml('listen: {port: 1}\n');
    assert.equal(
      none.message,
      'toolmesh.yaml servers: no servers key. Fix: add servers: (toolmesh, VS Code) or mcpServers (Claude Desktop, Cursor, Claude Code)',
    );
    assert.match(
      yaml('server:\n  a: {command: x}\n').message,
      /^toolmesh\.yaml:1:1 server: unknown field\. Fix: did you mean "servers"/,
    );
    assert.match(
      yaml('servers: {}\nmcpServers: {}\n').message,
      /2:1 mcpServers: servers and mcpServers are both present/,
    );
    assert.match(yaml('servers:\n').message, /servers: expected a map, got an empty value/);
  });
});

describe('server names', () => {
  it('duplicates are errors in YAML and JSON', () => {
    assert.match(
      yaml('servers:\n  a: {command: x}\n  b: {command: y}\n  a: {command: z}\n').message,
      /^toolmesh\.yaml:4:3 servers\.a: duplicate server name \(first at line 2\)\. Fix: rename one/,
    );
    assert.match(
      json('{"mcpServers": {"a": {"command": "x"},\n "a": {"command": "y"}}}').message,
      /2:2 mcpServers\.a: duplicate server name/,
    );
  });

  it('invalid names are errors with a valid suggestion; __proto__ is refused', () => {
    assert.match(
      yaml('servers:\n  my server: {command: x}\n').message,
      /2:3 servers\["my server"\]: invalid server name\. Fix: .*e\.g\. "my-server"/,
    );
    assert.match(yaml(`servers:\n  ${'x'.repeat(65)}: {command: x}\n`).message, /invalid server name/);
    assert.match(
      json('{"servers": {"__proto__": {"command": "x"}}}').message,
      /servers\.__proto__: reserved name/,
    );
  });
});

describe('server entries', () => {
  const entry = (body: string) => yaml(`servers:\n  s:\n    ${body.replaceAll('\n', '\n    ')}\n`);

  it('transport and required fields', () => {
    assert.match(
      entry('type: stdio\nargs: [x]').message,
      /servers\.s\.command: missing \(stdio servers need it\)\. Fix: add command/,
    );
    assert.match(
      entry('type: http\nheaders: {}').message,
      /servers\.s\.url: missing \(http servers need it\)/,
    );
    assert.match(entry('args: [x]').message, /servers\.s: has neither command nor url/);
    assert.match(entry('command: x\nurl: https://h').message, /servers\.s: has both command and url/);
    assert.match(entry('type: stdio\ntransport: http\ncommand: x').message, /transport: contradicts type/);
    assert.match(
      entry('url: https://a\nserverUrl: https://b').message,
      /serverUrl: url and serverUrl are both set/,
    );
    assert.match(
      entry('type: streamable_http\nurl: https://h').message,
      /type: unknown transport\. Fix: did you mean "streamable-http"\?/,
    );
    assert.match(
      entry('type: websocket\nurl: https://h').message,
      /unknown transport\. Fix: use one of stdio, http, sse/,
    );
    assert.match(entry('command: x\nenabled: true\ndisabled: true').message, /disabled: contradicts enabled/);
  });

  it('bad URLs, values of the wrong type, bad timeouts', () => {
    assert.match(
      entry('url: mcp.example.com/mcp').message,
      /3:5 servers\.s\.url: not a valid http\(s\) URL\. Fix: write a full URL/,
    );
    assert.match(entry('url: ftp://example.com').message, /not a valid http\(s\) URL/);
    assert.match(
      entry('command: x\nargs: [a, 8080]').message,
      /servers\.s\.args\[1\]: expected text, got a number\. Fix: quote it/,
    );
    assert.match(
      entry('command: x\nargs: "-y pkg"').message,
      /servers\.s\.args: expected a list, got text\. Fix: write a list/,
    );
    assert.match(
      entry('command: x\nenv: {DEBUG: true}').message,
      /env\.DEBUG: expected text, got true\/false/,
    );
    assert.match(entry('command: 42').message, /command: expected text, got a number/);
    assert.match(entry('command: ""').message, /command: must not be empty/);
    assert.match(
      entry('command: x\nprefix: "no"').message,
      /prefix: expected true or false, got text\. Fix: write true or false/,
    );
    assert.match(
      entry('command: x\ntimeouts: {startupMs: 0}').message,
      /startupMs: must be a whole number from 1/,
    );
    assert.match(entry('command: x\ntimeouts: {callMs: 1.5}').message, /callMs: expected a whole number/);
    assert.match(
      entry('command: x\ntimeouts: {callMs: 3000000000}').message,
      /callMs: must be a whole number from 1 to 2147483647/,
    );
    assert.match(yaml('servers:\n  s: [command, x]\n').message, /servers\.s: expected a map, got a list/);
    assert.match(entry('url: https://h\nheaders: {"Bad Header": x}').message, /invalid header name/);
  });

  it('all issues of a file are reported at once, in file order', () => {
    const error = yaml(
      'servers:\n  b:\n    comand: x\n  a:\n    command: y\n    args: [1]\nlisten: {port: 99999}\n',
    );
    assert.deepEqual(
      error.issues.map((i) => [i.line, i.path]),
      [
        [3, 'servers.b.comand'],
        [6, 'servers.a.args[0]'],
        [7, 'listen.port'],
      ],
    );
    assert.equal(error.message.split('\n').length, 3);
    assert.equal(error.message, error.issues.map(formatIssue).join('\n'));
  });

  it('shell syntax in command and stdio fields on a remote server are warnings', () => {
    const config = parseConfig(
      'servers:\n  s: {command: "npx x && curl y | sh"}\n  r: {url: "https://h", args: [a]}\n',
      'f.yaml',
      {},
    );
    assert.match(config.warnings.join('\n'), /f\.yaml:2 servers\.s: command contains shell syntax/);
    assert.match(
      config.warnings.join('\n'),
      /f\.yaml:3 servers\.r: ignored args \(not used by http servers\)/,
    );
  });
});
