/**
 * The compute cluster of the pipeline example. `transform` is a short synchronous job; `start_job` starts
 * a long one that advances one stage per `job_status` call (queued → running 33 % → 66 % → succeeded),
 * so a workflow polling it always polls three times, however fast or slow the machine is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

interface Job {
  datasets: string[];
  rows: number;
  polls: number;
}
const jobs = new Map<string, Job>();
const STAGES = 3;

const status = z.object({
  jobId: z.string(),
  state: z.enum(['queued', 'running', 'succeeded']),
  progress: z.number().int(),
  polls: z.number().int(),
});

function stateOf(jobId: string, job: Job) {
  const progress = Math.min(100, Math.round((job.polls / STAGES) * 100));
  const state = job.polls === 0 ? 'queued' : job.polls >= STAGES ? 'succeeded' : 'running';
  return { jobId, state, progress, polls: job.polls };
}

await serve({
  name: 'compute',
  setup(server) {
    server.registerTool(
      'transform',
      {
        description: 'Clean one dataset: drops malformed rows (deterministic: rows mod 7 of them)',
        inputSchema: z.object({ datasetId: z.string(), rows: z.number().int() }),
        outputSchema: z.object({
          datasetId: z.string(),
          rowsIn: z.number().int(),
          rowsOut: z.number().int(),
        }),
        annotations: { idempotentHint: true },
      },
      async ({ datasetId, rows }) => {
        await sleep(30); // long enough that capacity limits show in the event log
        return ok({ datasetId: `${datasetId}:clean`, rowsIn: rows, rowsOut: rows - (rows % 7) });
      },
    );
    server.registerTool(
      'start_job',
      {
        description: 'Start an aggregation job over cleaned datasets (the results of transform)',
        inputSchema: z.object({
          datasets: z.array(z.object({ datasetId: z.string(), rowsOut: z.number().int() })).min(1),
        }),
        outputSchema: z.object({ jobId: z.string(), state: z.string() }),
      },
      ({ datasets }) => {
        const jobId = `job-${jobs.size + 1}`;
        const rows = datasets.reduce((sum, d) => sum + d.rowsOut, 0);
        jobs.set(jobId, { datasets: datasets.map((d) => d.datasetId), rows, polls: 0 });
        return ok({ jobId, state: 'queued' });
      },
    );
    server.registerTool(
      'job_status',
      {
        description: "A job's state; each call advances the simulated job one stage",
        inputSchema: z.object({ jobId: z.string() }),
        outputSchema: status,
        annotations: { idempotentHint: true },
      },
      ({ jobId }) => {
        const job = jobs.get(jobId);
        if (!job) return fail(`compute: no job ${jobId}`);
        job.polls++;
        return ok(stateOf(jobId, job));
      },
    );
    server.registerTool(
      'job_result',
      {
        description: 'The summary a finished job produced',
        inputSchema: z.object({ jobId: z.string() }),
        outputSchema: z.object({
          jobId: z.string(),
          datasets: z.number().int(),
          rows: z.number().int(),
          summary: z.string(),
        }),
        annotations: { readOnlyHint: true },
      },
      ({ jobId }) => {
        const job = jobs.get(jobId);
        if (!job) return fail(`compute: no job ${jobId}`);
        if (job.polls < STAGES) return fail(`compute: ${jobId} is not finished`);
        const summary = `${job.rows} rows from ${job.datasets.length} datasets`;
        return ok({ jobId, datasets: job.datasets.length, rows: job.rows, summary });
      },
    );
  },
});
