/**
 * A workflow served by `toolmesh serve` as a tool, called by an SDK client over Streamable HTTP, against
 * the same steps called by that client one after another: what running the chain inside the hub costs,
 * or saves, once the client's round trips count.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { connect } from './client.ts';
import { scratchDir } from './configs.ts';
import { startToolmeshHttp } from './launch.ts';
import { ECHO } from './proc.ts';
import { median, round } from './stats.ts';

export interface ServedChainResult {
  steps: number;
  rounds: number;
  /** Median ms of the steps as client calls, one after another (each `echo__add` adding 1). */
  clientCallsMs: number;
  /** Median ms of one call of the workflow tool that runs the same steps. */
  workflowMs: number;
}

/**
 * Serves `workflowYaml` (a chain of `steps` `echo__add` steps named `name`, input `n`, output `sum`) from a
 * hub with the echo fixture over stdio, and times both paths in `rounds` interleaved rounds. A wrong sum
 * fails the run. Its files go to the run's scratch directory (`scratchDir`), which the caller removes.
 */
export async function servedChain(
  workflowYaml: string,
  name: string,
  steps: number,
  rounds: number,
): Promise<ServedChainResult> {
  const file = join(scratchDir(), `${name}.yaml`);
  writeFileSync(file, workflowYaml);
  const config = { workflows: [file], store: { path: join(scratchDir(), 'served.db') } };
  const hub = await startToolmeshHttp([{ name: 'echo', script: ECHO }], { config });
  const connection = await connect({ kind: 'http', url: hub.url });
  const { client } = connection;
  try {
    const add = async (a: number): Promise<number> => {
      const result = (await client.callTool({ name: 'echo__add', arguments: { a, b: 1 } })) as CallToolResult;
      const [first] = result.content;
      return Number(first?.type === 'text' ? first.text : Number.NaN);
    };
    const clientCalls = async () => {
      let value = 0;
      for (let i = 0; i < steps; i++) value = await add(value);
      if (value !== steps) throw new Error(`the client's chain gave ${value}`);
    };
    const workflow = async () => {
      const result = (await client.callTool({ name, arguments: { n: 0 } })) as CallToolResult;
      const sum = (result.structuredContent as { outputs?: { sum?: unknown } } | undefined)?.outputs?.sum;
      if (sum !== steps) throw new Error(`the workflow tool gave ${JSON.stringify(result)}`);
    };
    const samples = { clientCalls: [] as number[], workflow: [] as number[] };
    // Warm-up, so both paths are compiled hot in the client and the hub (timings drop for a few hundred calls).
    for (let i = 0; i < 10; i++) {
      await clientCalls();
      await workflow();
    }
    for (let r = 0; r < rounds; r++) {
      for (const [path, run] of [
        ['clientCalls', clientCalls],
        ['workflow', workflow],
      ] as const) {
        const start = performance.now();
        await run();
        samples[path].push(performance.now() - start);
      }
    }
    return {
      steps,
      rounds,
      clientCallsMs: round(median(samples.clientCalls)),
      workflowMs: round(median(samples.workflow)),
    };
  } finally {
    await connection.close();
    await hub.proc.stop();
  }
}
