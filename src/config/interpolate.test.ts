// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the syntax under test
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.ts';
import { interpolate } from './interpolate.ts';
import { parseConfig } from './load.ts';
import { configErrorOf, serverOf } from './test-helpers.ts';

describe('interpolate()', () => {
  const env = { HOME: '/home/me', EMPTY: '', TOKEN: 'abc' };
  const value = (text: string) => {
    const result = interpolate(text, env);
    assert.ok(result.ok, `expanded ${text}`);
    return result.value;
  };

  it('expands ${VAR}, ${env:VAR} and several references', () => {
    assert.equal(value('${HOME}/x'), '/home/me/x');
    assert.equal(value('${env:HOME}'), '/home/me');
    assert.equal(value('Bearer ${TOKEN} for ${HOME}'), 'Bearer abc for /home/me');
  });

  it('uses ${VAR:-default} when VAR is unset or empty; ${VAR} of an empty VAR is empty', () => {
    assert.equal(value('${NOPE:-fallback}'), 'fallback');
    assert.equal(value('${EMPTY:-fallback}'), 'fallback');
    assert.equal(value('${TOKEN:-fallback}'), 'abc');
    assert.equal(value('${env:NOPE:-x:y}'), 'x:y');
    assert.equal(value('${NOPE:-}'), '');
    assert.equal(value('${EMPTY}'), '');
  });

  it('keeps a lone $ and $VAR literal, and never expands a value twice', () => {
    assert.equal(value('cost: $5, $HOME'), 'cost: $5, $HOME');
    assert.deepEqual(interpolate('${A}', { A: '${B}', B: 'no' }), { ok: true, value: '${B}' });
  });

  it('reports unset, VS Code input and malformed references by name only', () => {
    assert.deepEqual(interpolate('x ${MISSING} y', env), { ok: false, kind: 'unset', name: 'MISSING' });
    assert.deepEqual(interpolate('${input:api-key}', env), { ok: false, kind: 'input' });
    assert.deepEqual(interpolate('${not valid}', env), { ok: false, kind: 'malformed' });
    assert.deepEqual(interpolate('${HOME', env), { ok: false, kind: 'malformed' });
    // Inherited properties are not variables.
    assert.deepEqual(interpolate('${__proto__}', env), { ok: false, kind: 'unset', name: '__proto__' });
  });
});

describe('variables in config files', () => {
  const text = `servers:
  needs-token:
    command: npx
    args: ["-y", "server-\${FLAVOR:-github}"]
    env:
      GITHUB_TOKEN: \${GITHUB_TOKEN}
      API: \${API_SECRET}
  fine:
    command: node
    args: ["\${env:HOME}/server.js"]
`;

  it('an unset variable marks only its server, naming variable, file, line and field', () => {
    const config = parseConfig(text, 'toolmesh.yaml', { HOME: '/home/me', API_SECRET: 'shh' });
    const broken = serverOf(config, 'needs-token');
    assert.equal(
      broken.problem,
      'unset variable GITHUB_TOKEN in toolmesh.yaml:6 (servers.needs-token.env.GITHUB_TOKEN); ' +
        'set it or write ${GITHUB_TOKEN:-default}',
    );
    // The failed entry keeps its raw text: no half-expanded secrets for a server that will not start.
    assert.deepEqual(broken.env, { GITHUB_TOKEN: '${GITHUB_TOKEN}', API: '${API_SECRET}' });
    assert.deepEqual(broken.args, ['-y', 'server-${FLAVOR:-github}']);
    const fine = serverOf(config, 'fine');
    assert.equal(fine.problem, undefined);
    assert.deepEqual(fine.args, ['/home/me/server.js']);
  });

  it('names the first failing field wherever it is', () => {
    const cases: [string, string][] = [
      ['command: ${BIN}', 'servers.s.command'],
      ['command: x\n    cwd: ${DIR}/w', 'servers.s.cwd'],
      ['command: x\n    args: [a, "${ARG}"]', 'servers.s.args[1]'],
      ['url: ${BASE}/mcp', 'servers.s.url'],
      [
        'url: https://h/mcp\n    headers: {Authorization: "Bearer ${TOK}"}',
        'servers.s.headers.Authorization',
      ],
    ];
    for (const [entry, path] of cases) {
      const config = parseConfig(`servers:\n  s:\n    ${entry}\n`, 'f.yaml', {});
      assert.match(
        serverOf(config, 's').problem ?? '',
        new RegExp(`in f\\.yaml:\\d \\(${path.replace(/[.[\]]/g, '\\$&')}\\)`),
      );
    }
  });

  it('an unsupported VS Code ${input:...} marks the server with a fix', () => {
    const config = parseConfig(
      'servers:\n  s: {url: "https://h", headers: {K: "${input:key}"}}\n',
      'f.yaml',
      {},
    );
    assert.match(serverOf(config, 's').problem ?? '', /input variables .* not supported .*\$\{env:NAME\}/);
  });

  it('expands variables in listen.allowedHosts', () => {
    const named = parseConfig('listen: {allowedHosts: ["${NAME}", lan.example]}\nservers: {}\n', 'f.yaml', {
      NAME: 'hub.example',
    });
    assert.deepEqual(named.listen.allowedHosts, ['hub.example', 'lan.example']);
  });

  it('an unset variable outside server entries is fatal', () => {
    const error = configErrorOf(() => parseConfig('listen: {host: "${HOST}"}\nservers: {}\n', 'f.yaml', {}));
    assert.equal(
      error.message,
      'f.yaml:1:10 listen.host: unset variable HOST. Fix: set it or write ${HOST:-default}',
    );
  });
});

describe('secrets never appear in messages', () => {
  const SECRET = 'sk-SUPER-SECRET-4242';
  const env = { SECRET, BAD_HEADER: `${SECRET}\r\nX-Evil: 1` };

  it('in problems, warnings and fatal errors built from secret values', () => {
    const text = `listen: {port: "\${SECRET}"}
servers:
  url-from-secret: {url: "\${SECRET}"}
  header-from-secret: {url: "https://h", headers: {A: "\${BAD_HEADER}"}}
  missing: {command: x, env: {A: "\${SECRET}", B: "\${UNSET}"}}
  typo: {command: x, comand: "\${SECRET}", env: {N: 42}}
`;
    const error = configErrorOf(() => parseConfig(text, 'f.yaml', env));
    assert.ok(!error.message.includes(SECRET), error.message);
    assert.ok(!JSON.stringify(error.issues).includes(SECRET));

    const ok = parseConfig(text.split('\n').slice(1, 5).join('\n'), 'f.yaml', env);
    const notes = JSON.stringify([ok.warnings, ok.servers.map((s) => s.problem)]);
    assert.ok(!notes.includes(SECRET), notes);
    assert.match(
      serverOf(ok, 'url-from-secret').problem ?? '',
      /not a valid http\(s\) URL after substituting/,
    );
    assert.match(
      serverOf(ok, 'header-from-secret').problem ?? '',
      /contains a line break after substituting/,
    );
    assert.ok(!JSON.stringify(serverOf(ok, 'missing')).includes(SECRET), 'failed servers keep raw text');
  });

  it('even when the secret sits literally in a file with a syntax error', () => {
    for (const [file, text] of [
      ['f.json', `{"servers": {"a": {"command": "x", "env": {"T": "${SECRET}"}},}}`],
      ['f.json', `{"servers": {"a": {"env": {"T": "${SECRET}" "U": 1}}}}`],
      ['f.yaml', `servers:\n  a:\n    env: {T: ${SECRET}\n   x: [`],
    ] as const) {
      const error = configErrorOf(() => parseConfig(text, file, {}));
      assert.ok(error instanceof ConfigError && !error.message.includes(SECRET), error.message);
    }
  });
});
