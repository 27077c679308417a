import type { EventEmitter } from 'node:events';

/** The states an upstream passes through while it is (re)connecting. */
const TRANSIENT = new Set(['starting', 'restarting']);

/**
 * Resolves once `emitter` (an `Upstream`) reports a state that is not `starting` or `restarting`, or after
 * `timeoutMs`, or when `signal` aborts; never rejects. The caller checks the state afterwards.
 */
export function settled(
  emitter: EventEmitter<{ state: [string] }>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off('state', onState);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const onState = (state: string) => {
      if (!TRANSIENT.has(state)) done();
    };
    const timer = setTimeout(done, timeoutMs);
    emitter.on('state', onState);
    signal?.addEventListener('abort', done, { once: true });
  });
}
