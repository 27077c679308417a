/**
 * Bad config files, through the real CLI as a child process: the exit code, a message that names the file,
 * the field and the fix, and a hub that keeps serving the servers that are fine. A secret set in the
 * environment is referenced by every file, and no output of any run may contain it.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerStatus } from '../../src/hub.ts';
import { fixturePath } from '../fixtures/spawn.ts';
import {
  type CliRun,
  closedPort,
  isAlive,
  runCli,
  stdioHub,
  tempDir,
  textOf,
  waitAllGone,
  yamlStdioServer,
} from './_helpers.ts';

const SECRET = 'tm-secret-4f9c2e71d0';
const EXIT_CONFIG = 3;
const EXIT_UNAVAILABLE = 4;

describe('bad config files (real CLI)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  /** Every output of every run, checked for the secret at the end (and after each run). */
  const outputs: string[] = [];

  before(async () => {
    tmp = await tempDir();
  });
  after(async () => {
    await tmp.cleanup();
    assert.ok(outputs.length > 0);
    for (const output of outputs) assert.ok(!output.includes(SECRET), `secret leaked in: ${output}`);
  });

  /** Runs the CLI in the temp dir with the secret in its environment; the output must not carry it. */
  async function toolmesh(...args: string[]): Promise<CliRun> {
    const run = await runCli(args, { cwd: tmp.dir, env: { TM_SECRET: SECRET } });
    outputs.push(run.stdout, run.stderr);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(SECRET), `secret leaked by toolmesh ${args.join(' ')}`);
    return run;
  }

  const secretEnv = 'API_KEY: ${TM_SECRET}';

  it('invalid YAML: exit 3, file:line, what is wrong and a fix; serve refuses it without writing stdout', async () => {
    await tmp.write(
      'broken.yaml',
      `servers:\n  echo:\n    command: node\n    env:\n      ${secretEnv}\n    args: [a, b\n`,
    );
    const [run, json, serve] = await Promise.all([
      toolmesh('validate', '--config', 'broken.yaml'),
      toolmesh('validate', '--json', '--config', 'broken.yaml'),
      toolmesh('serve', '--stdio', '--config', 'broken.yaml'),
    ]);
    assert.equal(run.code, EXIT_CONFIG, run.stderr);
    assert.match(run.stderr, /broken\.yaml:\d+(:\d+)?: invalid YAML: .+\. Fix: \S+/);
    assert.equal(run.stdout, '');
    // The last stderr line is the same error as JSON, for scripts.
    const last = JSON.parse(run.stderr.trimEnd().split('\n').at(-1) ?? '') as {
      error: { exitCode: number; message: string };
    };
    assert.equal(last.error.exitCode, EXIT_CONFIG);
    assert.match(last.error.message, /broken\.yaml:\d+.*invalid YAML.*Fix:/);

    assert.equal(json.code, EXIT_CONFIG);
    const report = JSON.parse(json.stdout) as { valid: boolean; file: string; error: string };
    assert.equal(report.valid, false);
    assert.match(report.error, /broken\.yaml:\d+.*invalid YAML.*Fix:/);

    // The stdio face must not start on a broken file, and must not put the error on stdout (the MCP channel).
    assert.equal(serve.code, EXIT_CONFIG, serve.stderr);
    assert.equal(serve.stdout, '');
    assert.match(serve.stderr, /broken\.yaml:\d+.*invalid YAML.*Fix:/);
  });

  it('invalid JSON: exit 3 with file:line:col and a fix', async () => {
    await tmp.write(
      'broken.json',
      `{\n  "servers": {\n    "echo": {\n      "command": "node",\n      "env": {"API_KEY": "\${TM_SECRET}"},\n    }\n  }\n}\n`,
    );
    const run = await toolmesh('validate', '--config', 'broken.json');
    assert.equal(run.code, EXIT_CONFIG, run.stderr);
    assert.match(run.stderr, /broken\.json:5:\d+: invalid JSON: .+\. Fix: \S+/);
  });

  it('unknown field (comand): exit 3 naming file:line, the field path and the likely fix', async () => {
    await tmp.write(
      'typo.yaml',
      `servers:\n  echo:\n    comand: node\n    env:\n      ${secretEnv}\n${yamlStdioServer('ok', fixturePath('echo'))}\n`,
    );
    const [run, servers] = await Promise.all([
      toolmesh('validate', '--config', 'typo.yaml'),
      toolmesh('servers', '--config', 'typo.yaml'),
    ]);
    assert.equal(run.code, EXIT_CONFIG, run.stderr);
    assert.match(
      run.stderr,
      /typo\.yaml:3:\d+ servers\.echo\.comand: unknown field\. Fix: did you mean "command"\?/,
    );
    assert.equal(servers.code, EXIT_CONFIG, 'a file with a mistake in it starts nothing');
    assert.match(servers.stderr, /servers\.echo\.comand/);
  });

  it('unset variable: validate names it, the file and the field; only that server fails at run time', async () => {
    const yaml = [
      'servers:',
      yamlStdioServer('needsvar', fixturePath('echo'), ['env:', '  TOKEN: ${NOT_SET_XYZ}', `  ${secretEnv}`]),
      yamlStdioServer('echo', fixturePath('echo'), ['env:', `  ${secretEnv}`]),
      '',
    ].join('\n');
    await tmp.write('unset.yaml', yaml);
    const tokenLine = yaml.split('\n').findIndex((line) => line.includes('NOT_SET_XYZ')) + 1;

    const [run, servers] = await Promise.all([
      toolmesh('validate', '--config', 'unset.yaml'),
      toolmesh('servers', '--json', '--verbose', '--config', 'unset.yaml'),
    ]);
    assert.equal(run.code, EXIT_CONFIG, run.stderr);
    assert.ok(
      run.stderr.includes(
        `unset variable NOT_SET_XYZ in unset.yaml:${tokenLine} (servers.needsvar.env.TOKEN); set it or write \${NOT_SET_XYZ:-default}`,
      ),
      run.stderr,
    );

    assert.equal(servers.code, EXIT_UNAVAILABLE, servers.stderr);
    const [needsvar, echo] = JSON.parse(servers.stdout) as ServerStatus[];
    assert.equal(needsvar?.state, 'failed');
    assert.match(
      needsvar?.lastError ?? '',
      /unset variable NOT_SET_XYZ in unset\.yaml:\d+ \(servers\.needsvar\.env\.TOKEN\)/,
    );
    assert.equal(needsvar?.restarts, 0);
    assert.equal(echo?.state, 'ready', JSON.stringify(echo));
    assert.equal(echo?.tools, 4);

    // The stdio face serves what works: echo's tools, none of the failed server's.
    const hub = await stdioHub('unset.yaml', { cwd: tmp.dir, env: { TM_SECRET: SECRET } });
    let upstreamPid: number | undefined;
    try {
      const { tools } = await hub.client.listTools();
      const names = tools.map((tool) => tool.name);
      assert.ok(names.includes('echo__echo'), names.join(', '));
      assert.ok(!names.some((name) => name.startsWith('needsvar__')), names.join(', '));
      const whoami = JSON.parse(textOf(await hub.client.callTool({ name: 'echo__whoami', arguments: {} })));
      upstreamPid = whoami.pid as number;
      assert.ok(isAlive(upstreamPid));
    } finally {
      await hub.close();
      outputs.push(hub.stderr(), hub.transport.stdout);
    }
    assert.deepEqual(hub.transport.nonJsonRpcLines(), []);
    await waitAllGone([hub.pid, upstreamPid ?? hub.pid], 'after the stdio hub closed');
  });

  it('command not found: that server is failed with an actionable message, once; the other is ready', async () => {
    await tmp.write(
      'nocmd.yaml',
      [
        'servers:',
        '  ghost:',
        '    command: toolmesh-no-such-command-xyz',
        '    args: [--flag]',
        '    env:',
        `      ${secretEnv}`,
        yamlStdioServer('echo', fixturePath('echo')),
        '',
      ].join('\n'),
    );
    const [validate, run, table] = await Promise.all([
      toolmesh('validate', '--config', 'nocmd.yaml'),
      toolmesh('servers', '--json', '--verbose', '--config', 'nocmd.yaml'),
      toolmesh('servers', '--config', 'nocmd.yaml'),
    ]);
    // Nothing is started by validate, so the file itself is fine.
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(run.code, EXIT_UNAVAILABLE, run.stderr);
    const [ghost, echo] = JSON.parse(run.stdout) as ServerStatus[];
    assert.equal(ghost?.state, 'failed', JSON.stringify(ghost));
    assert.match(
      ghost?.lastError ?? '',
      /^command not found: toolmesh-no-such-command-xyz \(check servers\.ghost\.command, install it, or use an absolute path\)/,
    );
    assert.ok((ghost?.restarts ?? Infinity) <= 1, `no retry storm, got ${ghost?.restarts} restarts`);
    assert.equal(echo?.state, 'ready', JSON.stringify(echo));
    // "command not found" rather than a start-up timeout: the missing command failed at once (no wall-clock
    // bound here; a loaded machine makes any bound flaky).

    // The table view shows the same reason.
    assert.equal(table.code, EXIT_UNAVAILABLE);
    assert.match(table.stdout, /^ghost\s+failed\s+stdio\s.*command not found: toolmesh-no-such-command-xyz/m);
    assert.match(table.stdout, /^echo\s+ready\s+stdio\s+4\s/m);
  });

  it('credentials in an unreachable URL never reach the output, even with --verbose logs', async () => {
    const port = await closedPort();
    await tmp.write(
      'remote.yaml',
      [
        'servers:',
        '  remote:',
        // user:password@ becomes an Authorization header (with a header too it would be a config error).
        `    url: http://user:\${TM_SECRET}@127.0.0.1:${port}/mcp?token=\${TM_SECRET}`,
        '  plain:',
        `    url: http://127.0.0.1:${port}/mcp?token=\${TM_SECRET}`,
        '  both:',
        `    url: http://user:\${TM_SECRET}@127.0.0.1:${port}/mcp`,
        '    headers:',
        '      Authorization: Bearer ${TM_SECRET}',
        '',
      ].join('\n'),
    );
    const run = await toolmesh('servers', '--json', '--verbose', '--config', 'remote.yaml');
    assert.equal(run.code, EXIT_UNAVAILABLE, run.stderr);
    const [remote, plain, both] = JSON.parse(run.stdout) as ServerStatus[];
    assert.match(both?.lastError ?? '', /user:password@ credentials and headers\.Authorization is set too/);
    assert.ok(remote?.state === 'failed' || remote?.state === 'restarting', JSON.stringify(remote));
    assert.match(
      remote?.lastError ?? '',
      new RegExp(`127\\.0\\.0\\.1:${port}/mcp`),
      'the message still says where',
    );
    assert.match(
      plain?.lastError ?? '',
      new RegExp(`nothing is listening at http://127\\.0\\.0\\.1:${port}/mcp \\(`),
    );
    // (toolmesh() already asserted that the secret is absent from stdout and stderr.)
  });
});
