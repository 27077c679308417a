/**
 * A hub with a workflow executor in its own process, for the crash test: it can be killed with SIGKILL
 * mid-step and started again on the same journal, as a hub would be.
 *
 *   node test/workflows/_runner.ts --db FILE (--workflow FILE | --resume)
 *
 * Prints every executor event as one JSON line on stdout, then `RESULT <json>` with the run results.
 */
import { parseArgs } from 'node:util';
import { createTestHub } from '../../src/testing/test-hub.ts';
import { WorkflowExecutor } from '../../src/workflows/executor.ts';
import { loadWorkflow } from '../../src/workflows/load.ts';
import { SqliteRuntime } from '../../src/workflows/sqlite-runtime.ts';
import { stdioFixture } from '../fixtures/spawn.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, workflow: { type: 'string' }, resume: { type: 'boolean' } },
});
const hub = await createTestHub([
  { name: 'echo', ...stdioFixture('echo') },
  { name: 'slow', ...stdioFixture('slow') },
]);
const runtime = new SqliteRuntime(String(values.db));
const executor = new WorkflowExecutor({
  call: hub.hub.call,
  tools: () => hub.hub.catalog.tools,
  runtime,
  onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
});
try {
  const results = values.resume
    ? (await executor.resumeAll()).map((settled) =>
        settled.status === 'fulfilled' ? settled.value : { error: String(settled.reason) },
      )
    : [await executor.run(await loadWorkflow(String(values.workflow)), {})];
  const plain = results.map((r) => ('steps' in r ? { ...r, steps: Object.fromEntries(r.steps) } : r));
  process.stdout.write(`RESULT ${JSON.stringify(plain)}\n`);
} finally {
  runtime.close();
  await hub.close();
}
