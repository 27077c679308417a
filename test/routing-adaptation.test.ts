/**
 * Acceptance: learning strategies move traffic off a replica that turns slow and back once it recovers,
 * with real processes. Three `tunable` fixture replicas of one logical server; a load of concurrent calls
 * from an MCP client through the hub's HTTP face; replica r1 made slow (150 ms a call) and then fast again
 * by writing its delay file. Assertions are on counts: which replica served each call, as the replica itself
 * says in its answer, and the router's decision counts; never on wall time. Each run prints its figures.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { resolveResilience } from '../src/config/resilience.ts';
import type { StrategyName } from '../src/routing/strategy.ts';
import { createTestHub, type TestHub, testReplica } from '../src/testing/test-hub.ts';
import { httpClient, textOf } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

/** Calls in flight at once during a phase. */
const CONCURRENCY = 6;
/** Calls per phase (healthy warm-up is shorter). */
const PHASE = 300;
/** The bound: after this many calls of the slow phase, the strategy must have moved traffic away. */
const ADAPT_WITHIN = 60;
/**
 * Coming back takes longer, by design: a replica that served few calls while slow has little fresh
 * evidence, and `adaptive` trusts a replica again only as good outcomes accumulate.
 */
const RECOVER_WITHIN = 150;
const SLOW_MS = 150;

/**
 * Runs `calls` calls of `pool__work`, CONCURRENCY at a time, and returns the replica that served each, in
 * the order the calls were started.
 */
async function load(client: Client, calls: number): Promise<string[]> {
  const served: string[] = new Array(calls);
  let next = 0;
  const worker = async () => {
    for (let call = next++; call < calls; call = next++) {
      const result = (await client.callTool({ name: 'pool__work', arguments: {} })) as CallToolResult;
      assert.notEqual(result.isError, true, textOf(result));
      served[call] = (JSON.parse(textOf(result)) as { replica: string }).replica;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return served;
}

function shareOf(served: readonly string[], replica: string, from = 0): number {
  const window = served.slice(from);
  return window.filter((name) => name === replica).length / window.length;
}

function countsOf(served: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = { r0: 0, r1: 0, r2: 0 };
  for (const name of served) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

for (const strategy of ['latency', 'adaptive'] satisfies StrategyName[]) {
  describe(`${strategy} routing with a replica that turns slow and recovers (real processes)`, () => {
    let dir: string;
    let delayFile: string;
    let testHub: TestHub;
    let client: Client;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'routing-adaptation-'));
      delayFile = join(dir, 'r1-delay');
      const replica = (name: string, ...args: string[]) =>
        testReplica({ command: nodeBin, args: [fixturePath('tunable'), '--stdio', '--name', name, ...args] });
      testHub = await createTestHub(
        [
          {
            name: 'pool',
            replicas: [replica('r0'), replica('r1', '--delay-file', delayFile), replica('r2')],
            resilience: resolveResilience({ routing: { strategy } }),
          },
        ],
        { http: true },
      );
      ({ client } = await httpClient(`http://127.0.0.1:${testHub.http?.port}/mcp`));
    });
    after(async () => {
      await client?.close();
      await testHub?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('moves most calls off the slow replica within a bounded number of calls, and back after it recovers', async () => {
      const warm = await load(client, 90);
      await writeFile(delayFile, String(SLOW_MS));
      const slow = await load(client, PHASE);
      await writeFile(delayFile, '0');
      const recovered = await load(client, PHASE);

      const duringSlow = shareOf(slow, 'r1', ADAPT_WITHIN);
      const afterRecovery = shareOf(recovered, 'r1', RECOVER_WITHIN);
      console.log(
        `routing ${strategy}: warm-up ${JSON.stringify(countsOf(warm))}; r1 slow: ${JSON.stringify(countsOf(slow))}, ` +
          `r1 share after call ${ADAPT_WITHIN} ${(duringSlow * 100).toFixed(1)} %; recovered: ` +
          `${JSON.stringify(countsOf(recovered))}, r1 share after call ${RECOVER_WITHIN} ${(afterRecovery * 100).toFixed(1)} %`,
      );

      assert.ok(duringSlow < 0.2, `r1 still served ${duringSlow} of the calls while slow`);
      // Back means a real share again (fair is 1/3, typically 23-44 % here), above what it had while slow.
      // The bounds leave room for a loaded machine: there the fast replicas queue calls, and `latency`'s
      // load-aware cost (EWMA × calls in flight) rightly gives the idle slow replica more while slow (up
      // to 12.5 % seen in CI), so "twice the slow share" was a bound on noise, not on adaptation.
      assert.ok(
        afterRecovery > 0.15 && afterRecovery > duringSlow,
        `r1 served only ${afterRecovery} of the calls after recovering (fair: 0.33; while slow: ${duringSlow})`,
      );

      // The router's decision counts agree with the replicas' own answers: each call routed once, by this
      // strategy, to the replica that answered it (pool#1 is r1).
      const decisions = testHub.hub.server('pool')?.router.decisions() ?? [];
      assert.ok(decisions.every((decision) => decision.strategy === strategy));
      const answered = countsOf([...warm, ...slow, ...recovered]);
      assert.deepEqual(Object.fromEntries(decisions.map((decision) => [decision.replica, decision.count])), {
        'pool#0': answered.r0,
        'pool#1': answered.r1,
        'pool#2': answered.r2,
      });
    });
  });
}
