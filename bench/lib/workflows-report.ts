/** The results of `bench/workflows.ts` and their markdown tables (printed by it and by bench/report.ts). */
import type { ServedChainResult } from './workflows-served.ts';

interface Timing {
  medianUs: number;
  p99Us: number;
}

export interface WorkflowBenchResult {
  quick: boolean;
  planning: { steps: number; parse: Timing; validate: Timing; plan: Timing }[];
  overhead: {
    steps: number;
    rounds: number;
    /** Median ms of the chain's calls made directly, one after another. */
    directMs: number;
    fullMs: number;
    normalMs: number;
    perStepFullMs: number;
    perStepNormalMs: number;
  };
  /** Absent in results from before 2026-12-04. */
  served?: ServedChainResult;
  concurrency: {
    runs: number;
    steps: number;
    correct: number;
    wallMs: number;
    runsPerS: number;
    callsPerS: number;
    directWallMs: number;
    directCallsPerS: number;
    rssBeforeMb: number;
    /** This process's peak RSS (hub, executor and journal; not the echo server). */
    peakRssMb: number;
  };
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function table(head: string[], rows: (string | number)[][]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

export function renderWorkflows(r: WorkflowBenchResult): string {
  const { overhead: o, concurrency: c } = r;
  return [
    `### Workflows (\`npm run bench:workflows\`)${r.quick ? ' (quick)' : ''}`,
    'Planning (µs, median / p99): 10 parallel chains of echo steps',
    table(
      ['steps', 'parseWorkflow', 'validateWorkflow (checks + plan)', 'planSteps'],
      r.planning.map((p) => [
        p.steps,
        `${p.parse.medianUs} / ${p.parse.p99Us}`,
        `${p.validate.medianUs} / ${p.validate.p99Us}`,
        `${p.plan.medianUs} / ${p.plan.p99Us}`,
      ]),
    ),
    `Per-step coordination overhead: a chain of ${o.steps} \`echo__add\` steps, median of ${o.rounds} interleaved rounds (ms)`,
    table(
      ['path', 'chain', 'per step', 'overhead per step'],
      [
        [`${o.steps} sequential \`hub.call\`s`, o.directMs, (o.directMs / o.steps).toFixed(3), '—'],
        ['workflow, journal synchronous=FULL', o.fullMs, (o.fullMs / o.steps).toFixed(3), o.perStepFullMs],
        [
          'workflow, journal synchronous=NORMAL',
          o.normalMs,
          (o.normalMs / o.steps).toFixed(3),
          o.perStepNormalMs,
        ],
      ],
    ),
    ...(r.served ? [servedTable(r.served)] : []),
    `Concurrency: ${c.runs} runs at once of a ${c.steps}-step chain on one hub and one journal (FULL)`,
    table(
      ['path', 'wall s', 'runs/s', 'calls/s', 'correct', 'peak RSS MB (before)'],
      [
        [
          'workflows',
          (c.wallMs / 1000).toFixed(2),
          c.runsPerS,
          c.callsPerS,
          `${c.correct}/${c.runs}`,
          `${c.peakRssMb} (${c.rssBeforeMb})`,
        ],
        [
          `${c.runs} concurrent chains of ${c.steps} \`hub.call\`s`,
          (c.directWallMs / 1000).toFixed(2),
          '—',
          c.directCallsPerS,
          `${c.runs}/${c.runs}`,
          '—',
        ],
      ],
    ),
  ].join('\n\n');
}

function servedTable(s: ServedChainResult): string {
  return [
    `Served: the same chain as a tool of \`toolmesh serve\`, called by an SDK client over Streamable HTTP, median of ${s.rounds} interleaved rounds (ms)`,
    table(
      ['path', 'chain', 'per step'],
      [
        [
          `${s.steps} \`echo__add\` calls by the client, one after another`,
          s.clientCallsMs,
          (s.clientCallsMs / s.steps).toFixed(3),
        ],
        ['one call of the workflow tool', s.workflowMs, (s.workflowMs / s.steps).toFixed(3)],
      ],
    ),
  ].join('\n\n');
}
