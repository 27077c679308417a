// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRATEGY_NAMES } from '../routing/strategy.ts';
import { parseConfig } from './load.ts';
import { replicaConfigs } from './model.ts';
import { DEFAULT_RESILIENCE, ROUTING_STRATEGIES } from './resilience.ts';
import { configErrorOf, serverOf } from './test-helpers.ts';

const load = (text: string, env: Record<string, string> = {}) => parseConfig(text, 'toolmesh.yaml', env);

describe('replicas and resilience in the config', () => {
  it('mixed transports become one logical server with one config per replica', () => {
    const config = load(`servers:
  api:
    timeouts: {callMs: 1000}
    routing: {strategy: least-pending}
    replicas:
      - command: node
        args: [a.js]
      - url: http://127.0.0.1:9000/mcp
        weight: 3
`);
    const api = serverOf(config, 'api');
    assert.equal(api.replicas?.length, 2);
    assert.equal(api.resilience?.routing.strategy, 'least-pending');
    const [first, second] = replicaConfigs(api);
    assert.equal(first?.transport, 'stdio');
    assert.deepEqual(first?.args, ['a.js']);
    assert.equal(second?.transport, 'http');
    assert.equal(second?.url, 'http://127.0.0.1:9000/mcp');
    assert.equal(second?.timeouts.callMs, 1000, 'replicas share the entry options');
    assert.equal(api.replicas?.[1]?.weight, 3);
    assert.equal(api.replicas?.[0]?.weight, 1);
  });

  it('a server without replicas is its own single replica, with default resilience', () => {
    const server = serverOf(load('servers:\n  one: {command: x}\n'), 'one');
    assert.deepEqual(replicaConfigs(server), [server]);
    assert.equal(server.resilience, undefined, 'consumers use DEFAULT_RESILIENCE');
    assert.equal(DEFAULT_RESILIENCE.breaker.failures, 5);
    assert.equal(DEFAULT_RESILIENCE.breaker.halfOpenAfterMs, 30_000);
    assert.equal(DEFAULT_RESILIENCE.breaker.halfOpenCalls, 3);
    assert.equal(DEFAULT_RESILIENCE.breaker.successes, 2);
  });

  it("an unset variable in one replica is that replica's problem only", () => {
    const api = serverOf(
      load('servers:\n  api:\n    replicas:\n      - {command: x}\n      - {url: "${NOPE}"}\n'),
      'api',
    );
    const [good, bad] = replicaConfigs(api);
    assert.equal(good?.problem, undefined);
    assert.match(bad?.problem ?? '', /NOPE.*servers\.api\.replicas\[1\]\.url/);
    assert.equal(api.problem, bad?.problem, 'validate reports it');
  });

  it('mistakes name the replica field and the fix', () => {
    const error = configErrorOf(() =>
      load('servers:\n  api:\n    command: x\n    replicas:\n      - {command: y}\n      - {}\n'),
    );
    const text = error.message;
    assert.match(
      text,
      /servers\.api\.command: not allowed next to replicas\. Fix: move it into each replica/,
    );
    assert.match(text, /servers\.api\.replicas\[1\]: has neither command nor url/);
    const typo = configErrorOf(() =>
      load('servers:\n  api:\n    replicas:\n      - {command: y, urll: z}\n'),
    );
    assert.match(
      typo.message,
      /servers\.api\.replicas\[0\]\.urll: unknown field\. Fix: did you mean "url"\?/,
    );
  });

  it('an unknown strategy or breaker field is refused with the known names', () => {
    const error = configErrorOf(() =>
      load('servers:\n  a:\n    command: x\n    routing: {strategy: random}\n    breaker: {failure: 3}\n'),
    );
    assert.match(error.message, /servers\.a\.routing\.strategy/);
    assert.match(
      error.message,
      /servers\.a\.breaker\.failure: unknown field\. Fix: did you mean "failures"\?/,
    );
  });

  it('names the same strategies as routing/', () => {
    assert.deepEqual([...ROUTING_STRATEGIES], [...STRATEGY_NAMES]);
  });
});
