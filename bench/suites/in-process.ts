/** Suites that run in a process of their own and print a `RESULT` line: micro-benchmarks, workflows. */
import { join } from 'node:path';
import { NODE, ROOT, start } from '../lib/proc.ts';
import { log, type Run, stopProcs } from '../lib/suite.ts';

export async function micro(): Promise<unknown> {
  log('micro: stdio line framing');
  const lines = await resultOf('micro-lines', []);
  return lines === undefined ? undefined : { lines };
}

/** Runs `bench/<script>.ts` in its own process and returns the JSON of its `RESULT ` line, if it printed one. */
async function resultOf(script: string, args: string[]): Promise<unknown> {
  const proc = start(script, NODE, [join(ROOT, 'bench', `${script}.ts`), ...args]);
  await proc.exited;
  await stopProcs([proc]);
  const match = /^RESULT (.*)$/m.exec(proc.stdout());
  if (!match) {
    log(`  failed: ${proc.stderr().slice(-500)}`);
    return undefined;
  }
  return JSON.parse(match[1] as string) as unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Workflow engine: planning, per-step overhead, concurrent runs (bench/workflows.ts, in its own process)

export async function workflows({ quick }: Run): Promise<unknown> {
  log('workflows: planning, per-step overhead, concurrent runs');
  return resultOf('workflows', quick ? ['--quick', '--runs', '200'] : []);
}
