/** What the executor reports while a run goes on: the feed for tests now, progress and reports later. */

export type StepState = 'started' | 'succeeded' | 'failed' | 'skipped';

export type WorkflowEvent =
  /** A step as a whole: started once its needs succeeded (and `when` held), or skipped. */
  | { readonly type: 'step'; readonly runId: string; readonly step: string; readonly state: StepState }
  /**
   * One tool call of a step. `key` names it in the journal: `fetch`, `fetch[2]` (forEach item),
   * `poll#3` (until iteration), `fetch:fallback`, `fetch:compensate`. `started` is sent once the call
   * holds its server capacity, right before it is sent.
   */
  | {
      readonly type: 'call';
      readonly runId: string;
      readonly step: string;
      readonly key: string;
      readonly tool: string;
      readonly attempt: number;
      readonly state: 'started' | 'succeeded' | 'failed';
    };

/** Receives events synchronously; must not throw (errors are ignored). */
export type EventSink = (event: WorkflowEvent) => void;
